"""``finops sql``: read-only SQL over the warehouse views, as the console's role."""

from __future__ import annotations

import csv
import io
import json
import sys
from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from finops.cli.common import console, err_console, fail
from finops.config import get_settings
from finops.db.values import plain_value
from finops.errors import FinOpsError


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def _cell(value: object) -> str | None:
    """One value as text for csv and table output: JSON values (``tags``) as JSON, NULL as
    None."""
    if value is None:
        return None
    if isinstance(value, dict | list | bool):
        return json.dumps(value, default=str, ensure_ascii=False)
    return str(plain_value(value))


def sql(
    statement: Annotated[str, typer.Argument(help="one SELECT or WITH query")],
    format_: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
    timeout: Annotated[float | None, typer.Option(help="statement timeout in seconds")] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="row cap")] = None,
    scope_account: Annotated[
        list[str] | None,
        typer.Option(
            "--scope-account",
            help="see only this account's rows, as a user scoped to it would (repeatable)",
        ),
    ] = None,
) -> None:
    """Query the warehouse read-only, as the console's role (the views: costs, …); unscoped
    unless --scope-account is given."""
    from finops.db.engine import console_url, get_engine, libpq_url
    from finops.db.migrate import upgrade
    from finops.db.readonly import run_readonly
    from finops.warehouse.scope import ALL, Scope

    settings = get_settings()
    try:
        upgrade(get_engine(settings))  # the console's role and its grants
        result = run_readonly(
            libpq_url(console_url(settings)),
            statement,
            # an operator's local tool: the whole warehouse unless asked otherwise
            scope=Scope(accounts=frozenset(scope_account)) if scope_account else ALL,
            timeout_s=timeout or settings.sql_statement_timeout_s,
            row_limit=limit or settings.sql_row_limit,
        )
    except FinOpsError as exc:
        raise fail(exc) from exc
    if format_ is OutputFormat.json:
        rows = [[plain_value(v) for v in row] for row in result.rows]
        sys.stdout.write(
            json.dumps([dict(zip(result.columns, r, strict=True)) for r in rows], default=str)
            + "\n"
        )
    elif format_ is OutputFormat.csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows([_cell(v) for v in row] for row in result.rows)
        sys.stdout.write(buffer.getvalue())
    else:
        table = Table(*result.columns)
        for row in result.rows:
            table.add_row(*[Text("NULL" if v is None else str(_cell(v))) for v in row])
        console.print(table)
    if result.truncated:
        err_console.print(
            f"[yellow]showing the first {len(result.rows):,} rows (row cap); "
            "raise it with --limit[/]"
        )
