"""``finops ingest``: billing exports, their load log and data-quality reports, CloudWatch
utilization, the resource inventory, and AWS Data Exports (Cost Optimization Hub, carbon)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from finops.cli.common import (
    DayOption,
    cell_text,
    console,
    day,
    err_console,
    fail,
    rows_progress,
    run_job,
    setup_logging,
    split,
    upgrade_warehouse,
)
from finops.config import get_settings
from finops.errors import FinOpsError

ingest_app = typer.Typer(help="Load billing, usage and inventory data.", no_args_is_help=True)


class SourceFormat(StrEnum):
    auto = "auto"
    cur2 = "cur2"
    cur = "cur"
    focus = "focus"
    azure = "azure"
    gcp = "gcp"
    oci = "oci"


class Grain(StrEnum):
    daily = "daily"
    hourly = "hourly"


@ingest_app.command("billing")
def ingest_billing_command(
    source: Annotated[str, typer.Argument(help="export folder, file or s3://bucket/prefix")],
    format_: Annotated[SourceFormat, typer.Option("--format")] = SourceFormat.auto,
    billing_period: Annotated[str | None, typer.Option(help="only this YYYY-MM")] = None,
    grain: Annotated[Grain, typer.Option(help="warehouse grain")] = Grain.daily,
    source_name: Annotated[
        str | None,
        typer.Option("--source", help="load into this source (default: the export's own)"),
    ] = None,
    supersede: Annotated[
        bool,
        typer.Option(
            "--supersede",
            help="replace the rows another source holds for the same charges (else refused)",
        ),
    ] = False,
) -> None:
    """Load a billing export into the warehouse (each billing period replaced atomically)."""
    from finops.ingest.billing import IngestFailures, ingest_billing, list_periods

    setup_logging()
    failure: IngestFailures | None = None
    try:
        upgrade_warehouse()
        periods = list_periods(source, source_format=format_.value)
        if billing_period:
            periods = [p for p in periods if p.billing_period in (billing_period, "")]
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rows]:,} line items"),
            TimeElapsedColumn(),
            console=err_console,
        ) as progress:
            task = progress.add_task("billing periods", total=len(periods), rows=0)

            def advance(period: str, rows: int) -> None:
                done = progress.tasks[0].fields["rows"] + rows
                progress.update(task, advance=1, rows=done, description=f"loaded {period}")

            try:
                outcomes = ingest_billing(
                    source,
                    source_format=format_.value,
                    billing_period=billing_period,
                    source_name=source_name,
                    supersede=supersede,
                    grain=grain.value,
                    progress=advance,
                )
            except IngestFailures as exc:
                failure, outcomes = exc, exc.outcomes
    except FinOpsError as exc:
        raise fail(exc) from exc
    table = Table("source", "billing period", "status", "line items", "rows", "quality")
    for o in outcomes:
        table.add_row(
            o.source_id,
            o.billing_period,
            o.status,
            f"{o.raw_line_items:,}",
            f"{o.rows_loaded:,}",
            f"{o.quality_issues} rule(s) broken" if o.quality_issues else "",
        )
    console.print(table)
    if any(o.quality_issues for o in outcomes):
        console.print("data-quality findings: finops ingest status --quality")
    if failure is not None:
        raise fail(failure)


@ingest_app.command("status")
def ingest_status(
    limit: Annotated[int, typer.Option(min=1)] = 30,
    quality: Annotated[
        bool, typer.Option("--quality", help="the data-quality report of each loaded slice")
    ] = False,
) -> None:
    """The latest billing loads with their reconciled totals (and data-quality reports)."""
    import psycopg

    from finops.db.engine import app_url, libpq_url
    from finops.ingest.billing.ingest_log import sweep_abandoned

    setup_logging()
    url = libpq_url(app_url(get_settings()))
    with psycopg.connect(url, options="-c timezone=UTC") as conn:
        sweep_abandoned(conn)
        if quality:
            _print_quality(conn, limit)
            return
        rows = conn.execute(
            "SELECT l.id, l.source_id, to_char(l.billing_period, 'YYYY-MM'), l.status, "
            "l.raw_line_items, l.rows_loaded, l.billing_currency, l.billed_cost, "
            "(SELECT count(*) FROM finops.ingest_quality q WHERE q.ingest_log_id = l.id), "
            "to_char(l.finished_at, 'YYYY-MM-DD HH24:MI:SS'), l.error "
            "FROM finops.ingest_log l ORDER BY l.id DESC LIMIT %s",
            (limit,),
        ).fetchall()
    table = Table(
        "id",
        "source",
        "period",
        "status",
        "line items",
        "rows",
        "currency",
        "billed cost",
        "quality",
        "finished (UTC)",
        "error",
    )
    for r in rows:
        values = list(r)
        values[8] = f"{r[8]} rule(s) broken" if r[8] else ""
        table.add_row(*[cell_text(v) for v in values])
    console.print(table)


def _print_quality(conn: Any, limit: int) -> None:
    rows = conn.execute(
        "SELECT source_id, to_char(billing_period, 'YYYY-MM'), severity, rule_id, line_items, "
        "message, examples FROM finops.data_quality "
        "ORDER BY source_id, billing_period, severity, rule_id LIMIT %s",
        (limit,),
    ).fetchall()
    if not rows:
        console.print("no data-quality findings in the loaded slices")
        return
    table = Table("source", "period", "severity", "rule", "line items", "what", "example")
    for source, period, severity, rule, items, message, examples in rows:
        first = examples[0] if examples else {}
        example = ", ".join(f"{k}={v}" for k, v in first.items() if v is not None)
        table.add_row(source, period, severity, rule, f"{items:,}", message, example[:160])
    console.print(table)


EndOption = Annotated[datetime | None, typer.Option(formats=["%Y-%m-%d"], help="exclusive")]
AccountsOption = Annotated[list[str] | None, typer.Option(help="account ids (comma list)")]
RegionsOption = Annotated[list[str] | None, typer.Option(help="regions (comma list)")]


def _scope(
    accounts: list[str] | None,
    regions: list[str] | None,
    start: datetime | None,
    end: datetime | None,
) -> dict[str, Any]:
    """The account/region/day scope of a usage or inventory run, as keyword arguments."""
    return {
        "accounts": split(accounts),
        "regions": split(regions),
        "start": day(start),
        "end": day(end),
    }


@ingest_app.command("usage")
def ingest_usage_command(
    source: Annotated[
        str | None, typer.Argument(help="Metric Streams files (folder or s3://); none: the API")
    ] = None,
    accounts: AccountsOption = None,
    regions: RegionsOption = None,
    start: DayOption = None,
    end: EndOption = None,
) -> None:
    """Load CloudWatch utilization (GetMetricData, or Metric Streams files) per account × region."""
    from finops.jobs.usage import run_usage_ingest

    _run_unit_ingest("usage units", run_usage_ingest, source, _scope(accounts, regions, start, end))


@ingest_app.command("inventory")
def ingest_inventory_command(
    source: Annotated[
        str | None, typer.Argument(help="AWS Config snapshots (folder or s3://); none: the API")
    ] = None,
    accounts: AccountsOption = None,
    regions: RegionsOption = None,
    start: DayOption = None,
    end: EndOption = None,
) -> None:
    """Load the resource inventory (describe APIs, or AWS Config snapshots), keeping history."""
    from finops.jobs.inventory import run_inventory_ingest

    _run_unit_ingest(
        "inventory units", run_inventory_ingest, source, _scope(accounts, regions, start, end)
    )


@ingest_app.command("coh")
def ingest_coh_command(
    source: Annotated[str, typer.Argument(help="a Cost Optimization Hub export: folder or file")],
) -> None:
    """Load AWS Cost Optimization Hub recommendations (Data Exports), replacing the source's."""
    from finops.ingest.exports import ingest_coh

    _run_export_ingest(lambda: ingest_coh(source))


@ingest_app.command("carbon")
def ingest_carbon_command(
    source: Annotated[str, typer.Argument(help="a carbon emissions export: folder or file")],
) -> None:
    """Load AWS carbon emissions estimates (Data Exports), replacing the months they hold."""
    from finops.ingest.exports import ingest_carbon

    _run_export_ingest(lambda: ingest_carbon(source))


def _run_export_ingest(run: Callable[[], Any]) -> None:
    run_job(
        run,
        lambda result: [
            f"{result.source_id}: {result.rows:,} rows from {result.files} file(s) "
            f"into {result.table}"
        ],
    )


def _run_unit_ingest(
    description: str, run: Callable[..., Any], source: str | None, scope: dict[str, Any]
) -> None:
    """A usage or inventory load with a progress bar fed once per (account, region) unit."""
    from finops.jobs.usage import result_lines

    setup_logging()
    try:
        upgrade_warehouse()
        with rows_progress(description, unit="units") as (progress, task):
            result = run(source, progress=lambda _outcome: progress.advance(task, 1), **scope)
    except FinOpsError as exc:
        raise fail(exc) from exc
    for line in result_lines(result):
        console.print(line, highlight=False)
