"""``finops export``: the warehouse as a FOCUS dataset (one typed file per billing period and
``manifest.json``)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from finops.cli.common import (
    RowsPerSecond,
    console,
    err_console,
    fail,
    setup_logging,
    split,
    upgrade_warehouse,
)
from finops.errors import FinOpsError

export_app = typer.Typer(help="Write the warehouse out in open formats.", no_args_is_help=True)


class ExportFormat(StrEnum):
    parquet = "parquet"
    csv = "csv"


@export_app.command("focus")
def export_focus_command(
    out: Annotated[Path, typer.Option(help="output folder (created when missing)")],
    version: Annotated[str, typer.Option(help="FOCUS version")] = "1.2",
    period: Annotated[
        list[str] | None, typer.Option(help="billing period YYYY-MM, repeatable; default: all")
    ] = None,
    start: Annotated[str | None, typer.Option(help="first billing period YYYY-MM")] = None,
    end: Annotated[str | None, typer.Option(help="last billing period YYYY-MM (inclusive)")] = None,
    format_: Annotated[ExportFormat, typer.Option("--format")] = ExportFormat.parquet,
) -> None:
    """Write the warehouse as a FOCUS dataset: one file per billing period, plus manifest.json."""
    from finops.export import export_focus

    setup_logging()
    try:
        upgrade_warehouse()
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("rows"),
            RowsPerSecond(),
            TimeElapsedColumn(),
            console=err_console,
        ) as progress:
            task = progress.add_task("exporting", total=None)
            result = export_focus(
                out_dir=out,
                version=version,
                periods=split(period),
                start=start,
                end=end,
                file_format=format_.value,
                on_plan=lambda rows: progress.update(task, total=rows),
                progress=lambda p, rows: progress.update(
                    task, advance=rows, description=f"exporting {p}"
                ),
            )
    except FinOpsError as exc:
        raise fail(exc) from exc
    table = Table("billing period", "rows", "file")
    for f in result.files:
        table.add_row(f.billing_period, f"{f.rows:,}", str(f.path))
    console.print(table)
    console.print(
        f"FOCUS {result.version} ({len(result.columns)} columns), {result.rows:,} rows in "
        f"{len(result.files)} files; manifest: {result.out_dir / 'manifest.json'}",
        highlight=False,
    )
