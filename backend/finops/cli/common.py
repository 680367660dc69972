"""What every command group shares: the consoles, logging, the error exit, progress bars, the
warehouse-backed runners and the options several groups take."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from finops.config import get_settings
from finops.errors import FinOpsError

console = Console()
err_console = Console(stderr=True)
debug = {"on": False}


def setup_logging() -> None:
    from finops.observability import configure_logging

    settings = get_settings()
    configure_logging(level=settings.log_level, json=settings.log_json)


def fail(exc: FinOpsError) -> typer.Exit:
    """Print the error (its traceback with ``--debug``) and exit 1."""
    if debug["on"]:
        err_console.print_exception()
    err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
    return typer.Exit(code=1)


def upgrade_warehouse() -> None:
    """Migrate the warehouse (idempotent) before a command that reads or writes it."""
    from finops.db.engine import get_engine
    from finops.db.migrate import upgrade

    upgrade(get_engine())


def run_job(job: Callable[[], Any], lines: Callable[[Any], list[str]]) -> Any:
    """Migrate, run ``job`` and print its result's ``lines``; a FinOpsError exits 1."""
    setup_logging()
    try:
        upgrade_warehouse()
        result = job()
    except FinOpsError as exc:
        raise fail(exc) from exc
    for line in lines(result):
        console.print(line, highlight=False)
    return result


def markdown_job(job: Callable[[], tuple[Any, str]]) -> None:
    """Migrate, run ``job`` and write the report it returns beside its result to stdout."""
    setup_logging()
    try:
        upgrade_warehouse()
        _, report = job()
    except FinOpsError as exc:
        raise fail(exc) from exc
    sys.stdout.write(report.rstrip() + "\n")


class RowsPerSecond(ProgressColumn):
    def __init__(self, unit: str = "rows") -> None:
        super().__init__()
        self.unit = unit

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.1f} {self.unit}/s" if speed else "")


@contextmanager
def rows_progress(description: str, unit: str = "rows") -> Iterator[tuple[Progress, TaskID]]:
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,.0f} " + unit),
        RowsPerSecond(unit),
        TimeElapsedColumn(),
        console=err_console,
    ) as progress:
        yield progress, progress.add_task(description, total=None)


def split(values: list[str] | None) -> list[str]:
    """Repeatable options that also take comma lists: ``--x a,b --x c`` → [a, b, c]."""
    return [v.strip() for item in values or [] for v in item.split(",") if v.strip()]


def cell_text(value: object) -> str:
    """A value as a table cell: NULL empty, counts with thousands separators, decimals plain."""
    if value is None:
        return ""
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def day(value: datetime | None) -> date | None:
    return value.date() if value else None


DayOption = Annotated[datetime | None, typer.Option(formats=["%Y-%m-%d"])]

AsOfOption = Annotated[
    datetime | None,
    typer.Option(
        "--date",
        formats=["%Y-%m-%d"],
        help="as-of day; default: the latest charge day in the bill (never the clock)",
    ),
]
