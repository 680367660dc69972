"""The ``finops`` command line."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text
from sqlalchemy.exc import SQLAlchemyError

from finops.config import get_settings
from finops.errors import DatabaseError, FinOpsError

app = typer.Typer(
    help="FinOps Platform: cloud bills and utilization into decisions.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="The warehouse database.", no_args_is_help=True)
ingest_app = typer.Typer(help="Load billing, usage and inventory data.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(ingest_app, name="ingest")

console = Console()
err_console = Console(stderr=True)
_debug = {"on": False}


@app.callback()
def _global_options(
    debug: Annotated[
        bool, typer.Option("--debug", help="show the full traceback of any failure")
    ] = False,
) -> None:
    _debug["on"] = debug
    # every command logs to stderr from its first line: stdout is for its output alone
    _setup_logging()


def _setup_logging() -> None:
    from finops.observability import configure_logging

    settings = get_settings()
    configure_logging(level=settings.log_level, json=settings.log_json)


def _fail(exc: FinOpsError) -> typer.Exit:
    if _debug["on"]:
        err_console.print_exception()
    err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
    return typer.Exit(code=1)


# --- db ----------------------------------------------------------------------------------------


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply the warehouse migrations (idempotent)."""
    from finops.db.engine import get_engine
    from finops.db.migrate import upgrade

    _setup_logging()
    try:
        revision = upgrade(get_engine())
    except FinOpsError as exc:
        raise _fail(exc) from exc
    console.print(f"warehouse at revision [bold]{revision}[/]")


@db_app.command("status")
def db_status() -> None:
    """Where the warehouse is and which revision it is at (never starts the embedded server)."""
    from finops.db.embedded import running_port
    from finops.db.engine import get_engine
    from finops.db.migrate import current_revision, head_revision

    _setup_logging()
    settings = get_settings()
    if settings.database_url is None and running_port(settings.pgdata_path) is None:
        console.print(
            f"embedded PostgreSQL under {settings.pgdata_path}: not running "
            "(finops db upgrade, or any command that needs the warehouse, starts it)"
        )
        return
    engine = get_engine(settings)
    console.print(f"url: {engine.url.render_as_string(hide_password=True)}")
    try:
        revision = current_revision(engine)
    except SQLAlchemyError as exc:
        raise _fail(DatabaseError(f"cannot read the warehouse's revision: {exc}")) from exc
    console.print(f"revision: {revision} (head {head_revision(engine)})")


@db_app.command("stop")
def db_stop() -> None:
    """Stop the embedded PostgreSQL server (it otherwise outlives the commands that start it)."""
    from finops.db.embedded import stop_server

    settings = get_settings()
    stopped = stop_server(settings.pgdata_path)
    console.print("stopped" if stopped else f"no embedded server runs on {settings.pgdata_path}")


# --- generate ----------------------------------------------------------------------------------


@app.command()
def generate(
    out: Annotated[Path, typer.Option(help="output folder")],
    accounts: Annotated[int, typer.Option(min=1, help="linked accounts")] = 8,
    days: Annotated[int | None, typer.Option(min=1, help="days ending at --end")] = None,
    start: Annotated[datetime | None, typer.Option(formats=["%Y-%m-%d"])] = None,
    end: Annotated[
        datetime | None, typer.Option(formats=["%Y-%m-%d"], help="last day (inclusive)")
    ] = None,
    seed: Annotated[int, typer.Option(help="same seed, same bytes")] = 42,
    scale: Annotated[str, typer.Option(help="small|medium|large or a line-item count")] = "small",
    formats: Annotated[str, typer.Option(help="comma list of cur2, cur, focus")] = "cur2",
    to_aws: Annotated[
        str | None, typer.Option("--to-aws", help="AWS-compatible endpoint to load")
    ] = None,
    extra_anomalies: Annotated[
        int, typer.Option(min=0, help="plant this many more cost anomalies (evaluation estates)")
    ] = 0,
) -> None:
    """Write a deterministic demo AWS estate: billing exports, metrics, inventory, ground truth."""
    from finops.generator import GenerateOptions
    from finops.generator import generate as run_generator
    from finops.generator.api import DEFAULT_ANCHOR, DEFAULT_START

    _setup_logging()
    try:
        if days is not None and start is not None:
            raise typer.BadParameter("give --days or --start/--end, not both")
        end_exclusive = end.date() + timedelta(days=1) if end else DEFAULT_ANCHOR
        first = (
            end_exclusive - timedelta(days=days)
            if days
            else (start.date() if start else DEFAULT_START)
        )
        options = GenerateOptions(
            out_dir=out,
            accounts=accounts,
            start=first,
            end=end_exclusive,
            seed=seed,
            scale=int(scale) if scale.isdigit() else scale,
            formats=tuple(f.strip() for f in formats.split(",") if f.strip()),
            to_aws_endpoint=to_aws,
            extra_anomalies=extra_anomalies,
        )
        with _rows_progress("generating line items") as (progress, task):
            result = run_generator(options, progress=lambda n: progress.advance(task, n))
    except FinOpsError as exc:
        raise _fail(exc) from exc
    console.print(
        f"wrote {result.line_items:,} line items in {len(result.files)} files to "
        f"{result.out_dir}; ground truth: {result.ground_truth_path}"
    )


class _RowsPerSecond(ProgressColumn):
    def __init__(self, unit: str = "rows") -> None:
        super().__init__()
        self.unit = unit

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.1f} {self.unit}/s" if speed else "")


@contextmanager
def _rows_progress(description: str, unit: str = "rows") -> Iterator[tuple[Progress, TaskID]]:
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,.0f} " + unit),
        _RowsPerSecond(unit),
        TimeElapsedColumn(),
        console=err_console,
    ) as progress:
        yield progress, progress.add_task(description, total=None)


# --- ingest ------------------------------------------------------------------------------------


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
    from finops.db.engine import get_engine
    from finops.db.migrate import upgrade
    from finops.ingest.billing import IngestFailures, ingest_billing, list_periods

    _setup_logging()
    failure: IngestFailures | None = None
    try:
        upgrade(get_engine())
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
        raise _fail(exc) from exc
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
        raise _fail(failure)


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

    _setup_logging()
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
        table.add_row(*[_status_cell(v) for v in values])
    console.print(table)


def _status_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


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


# --- sources -------------------------------------------------------------------------------

sources_app = typer.Typer(help="Billing sources: what each export is, rename, remove.")
app.add_typer(sources_app, name="sources")


@sources_app.command("list")
def sources_list() -> None:
    """Every billing source with its identity, periods, rows and billed cost."""
    from finops.ingest.billing.manage import list_sources

    _setup_logging()
    try:
        sources = list_sources()
    except FinOpsError as exc:
        raise _fail(exc) from exc
    table = Table(
        "source",
        "format",
        "providers",
        "billing accounts",
        "location",
        "periods",
        "rows",
        "billed cost",
        "quality",
    )
    for s in sources:
        periods = s.billing_periods
        span = f"{periods[0]}..{periods[-1]} ({len(periods)})" if periods else ""
        table.add_row(
            s.source_id,
            s.source_format,
            ", ".join(s.provider_names),
            ", ".join(s.billing_account_ids[:4]) + (" …" if len(s.billing_account_ids) > 4 else ""),
            s.location or "(loaded before source identities)",
            span,
            f"{s.rows:,}",
            "; ".join(f"{_status_cell(v)} {c}" for c, v in s.billed_costs.items()),
            f"{s.quality_issues} rule(s) broken" if s.quality_issues else "",
        )
    console.print(table)


@sources_app.command("rename")
def sources_rename(
    old: Annotated[str, typer.Argument(help="the source's current name")],
    new: Annotated[str, typer.Argument(help="its new name")],
) -> None:
    """Rename a source (its cost rows, log and report follow; audited)."""
    from finops.ingest.billing.manage import rename_source

    _setup_logging()
    try:
        rows = rename_source(old, new)
    except FinOpsError as exc:
        raise _fail(exc) from exc
    console.print(f"renamed {old} to {new} ({rows:,} cost rows)")


@sources_app.command("remove")
def sources_remove(
    source_id: Annotated[str, typer.Argument(help="the source to remove")],
    yes: Annotated[bool, typer.Option("--yes", help="do not ask for confirmation")] = False,
) -> None:
    """Delete a source's cost rows and forget it (audited; the ingest log stays)."""
    from finops.ingest.billing.manage import remove_source

    _setup_logging()
    if not yes and not typer.confirm(f"delete every cost row of {source_id}?"):
        raise typer.Exit(code=1)
    try:
        rows = remove_source(source_id)
    except FinOpsError as exc:
        raise _fail(exc) from exc
    console.print(f"removed {source_id} ({rows:,} cost rows)")


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for item in values or [] for v in item.split(",") if v.strip()]


DateOption = Annotated[datetime | None, typer.Option(formats=["%Y-%m-%d"])]
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
        "accounts": _split(accounts),
        "regions": _split(regions),
        "start": _day(start),
        "end": _day(end),
    }


@ingest_app.command("usage")
def ingest_usage_command(
    source: Annotated[
        str | None, typer.Argument(help="Metric Streams files (folder or s3://); none: the API")
    ] = None,
    accounts: AccountsOption = None,
    regions: RegionsOption = None,
    start: DateOption = None,
    end: EndOption = None,
) -> None:
    """Load CloudWatch utilization (GetMetricData, or Metric Streams files) per account × region."""
    from finops.ingest.usage.cli import result_lines, run_usage_ingest

    _setup_logging()
    _run_unit_ingest(
        "usage units",
        lambda progress: run_usage_ingest(
            source, progress=progress, **_scope(accounts, regions, start, end)
        ),
        result_lines,
    )


@ingest_app.command("inventory")
def ingest_inventory_command(
    source: Annotated[
        str | None, typer.Argument(help="AWS Config snapshots (folder or s3://); none: the API")
    ] = None,
    accounts: AccountsOption = None,
    regions: RegionsOption = None,
    start: DateOption = None,
    end: EndOption = None,
) -> None:
    """Load the resource inventory (describe APIs, or AWS Config snapshots), keeping history."""
    from finops.ingest.usage.cli import result_lines, run_inventory_ingest

    _setup_logging()
    _run_unit_ingest(
        "inventory units",
        lambda progress: run_inventory_ingest(
            source, progress=progress, **_scope(accounts, regions, start, end)
        ),
        result_lines,
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
    from finops.db.engine import get_engine
    from finops.db.migrate import upgrade

    _setup_logging()
    try:
        upgrade(get_engine())
        result = run()
    except FinOpsError as exc:
        raise _fail(exc) from exc
    console.print(
        f"{result.source_id}: {result.rows:,} rows from {result.files} file(s) into {result.table}",
        highlight=False,
    )


def _run_unit_ingest(
    description: str,
    run: Callable[[Callable[[Any], None]], Any],
    lines: Callable[[Any], list[str]],
) -> None:
    from finops.db.engine import get_engine
    from finops.db.migrate import upgrade

    try:
        upgrade(get_engine())
        with _rows_progress(description, unit="units") as (progress, task):
            result = run(lambda _outcome: progress.advance(task, 1))
    except FinOpsError as exc:
        raise _fail(exc) from exc
    for line in lines(result):
        console.print(line, highlight=False)


# --- analytics jobs ----------------------------------------------------------------------------

run_app = typer.Typer(
    help="Run an analytics job for a date (rewrites that date's output).", no_args_is_help=True
)
eval_app = typer.Typer(
    help="Score the platform against the demo estate's ground truth.", no_args_is_help=True
)
app.add_typer(run_app, name="run")
app.add_typer(eval_app, name="eval")

AsOfOption = Annotated[
    datetime | None,
    typer.Option(
        "--date",
        formats=["%Y-%m-%d"],
        help="as-of day; default: the latest charge day in the bill (never the clock)",
    ),
]


ForceOption = Annotated[
    bool,
    typer.Option(
        "--force",
        help="recompute though the job's inputs have not changed since its last run for the day",
    ),
]


def _run_job(job: Callable[[], Any], lines: Callable[[Any], list[str]]) -> Any:
    from finops.db.engine import get_engine
    from finops.db.migrate import upgrade

    _setup_logging()
    try:
        upgrade(get_engine())
        result = job()
    except FinOpsError as exc:
        raise _fail(exc) from exc
    for line in lines(result):
        console.print(line, highlight=False)
    return result


def _day(value: datetime | None) -> date | None:
    return value.date() if value else None


@run_app.command("rightsizing")
def run_rightsizing_command(
    date_: AsOfOption = None,
    lookback_days: Annotated[int, typer.Option(help="14, 32 or 93")] = 14,
    cpu_percentile: Annotated[float, typer.Option(help="99.5, 95 or 90")] = 99.5,
    cpu_headroom: Annotated[float, typer.Option(help="0, 0.2 or 0.3")] = 0.20,
    force: ForceOption = False,
) -> None:
    """EC2 and RDS rightsizing (the Compute Optimizer method)."""
    from finops.analytics.optimization import cli as opt

    _run_job(
        lambda: opt.run_rightsizing(
            as_of=_day(date_),
            lookback_days=lookback_days,
            cpu_percentile=cpu_percentile,
            cpu_headroom=cpu_headroom,
            force=force,
        ),
        opt.result_lines,
    )


@run_app.command("waste")
def run_waste_command(date_: AsOfOption = None, force: ForceOption = False) -> None:
    """Idle and waste findings (idle instances, unattached volumes, old snapshots, …)."""
    from finops.analytics.optimization import cli as opt

    _run_job(lambda: opt.run_waste(as_of=_day(date_), force=force), opt.result_lines)


@run_app.command("commitments")
def run_commitments_command(date_: AsOfOption = None, force: ForceOption = False) -> None:
    """RI / Savings Plan utilization and coverage, and Savings Plan purchase recommendations."""
    from finops.analytics.optimization import cli as opt

    _run_job(lambda: opt.run_commitments(as_of=_day(date_), force=force), opt.result_lines)


@run_app.command("allocation")
def run_allocation_command(
    date_: AsOfOption = None,
    tag_policy: Annotated[Path | None, typer.Option(help="tag policy YAML/JSON")] = None,
    rules: Annotated[Path | None, typer.Option(help="allocation rules YAML/JSON")] = None,
    force: ForceOption = False,
) -> None:
    """Tag compliance and the monthly showback/chargeback report."""
    from finops.analytics.optimization import cli as opt

    _run_job(
        lambda: opt.run_allocation(
            as_of=_day(date_), tag_policy=tag_policy, rules=rules, force=force
        ),
        opt.result_lines,
    )


@run_app.command("kpis")
def run_kpis_command(date_: AsOfOption = None, force: ForceOption = False) -> None:
    """KPI rollups and summary."""
    from finops.analytics.optimization import cli as opt

    _run_job(lambda: opt.run_kpis(as_of=_day(date_), force=force), opt.result_lines)


def _markdown_job(job: Callable[[], tuple[Any, str]]) -> None:
    from finops.db.engine import get_engine
    from finops.db.migrate import upgrade

    _setup_logging()
    try:
        upgrade(get_engine())
        _, report = job()
    except FinOpsError as exc:
        raise _fail(exc) from exc
    sys.stdout.write(report.rstrip() + "\n")


@run_app.command("anomalies")
def run_anomalies_command(
    date_: AsOfOption = None,
    report_days: Annotated[int, typer.Option(help="days of incidents to report")] = 14,
    force: ForceOption = False,
) -> None:
    """Detect cost anomalies at every scope, with root causes; rewrites the run date's output."""
    from finops.analytics import cli as intel

    _markdown_job(
        lambda: intel.run_anomalies(run_date=_day(date_), report_days=report_days, force=force)
    )


@run_app.command("forecasts")
def run_forecasts_command(date_: AsOfOption = None, force: ForceOption = False) -> None:
    """Forecast daily cost per scope (model chosen by rolling-origin backtest)."""
    from finops.analytics import cli as intel

    _markdown_job(lambda: intel.run_forecasts_job(run_date=_day(date_), force=force))


@run_app.command("budgets")
def run_budgets_command(date_: AsOfOption = None, force: ForceOption = False) -> None:
    """Check budgets against actual and forecast cost; notify once per threshold crossing."""
    from finops.analytics import cli as intel

    _markdown_job(lambda: intel.run_budgets(run_date=_day(date_), force=force))


anomalies_app = typer.Typer(help="Review cost anomaly incidents.", no_args_is_help=True)
app.add_typer(anomalies_app, name="anomalies")
budgets_app = typer.Typer(help="Create, list and delete budgets.", no_args_is_help=True)
app.add_typer(budgets_app, name="budgets")


@anomalies_app.command("list")
def anomalies_list(
    status: Annotated[
        str | None, typer.Option(help="open | acknowledged | resolved | false_positive")
    ] = None,
    limit: Annotated[int, typer.Option(min=1)] = 50,
) -> None:
    """The latest incidents with their scope, impact, status and top root cause."""
    from finops.analytics import manage

    _markdown_job(lambda: manage.list_anomalies(status=status, limit=limit))


def _anomaly_status(status: str) -> Callable[[str, str | None], None]:
    def command(
        fingerprint: Annotated[str, typer.Argument(help="from `finops anomalies list`")],
        note: Annotated[str | None, typer.Option(help="why (kept with the incident)")] = None,
    ) -> None:
        from finops.analytics import manage

        _markdown_job(lambda: manage.change_anomaly_status(fingerprint, status, note=note))

    return command


anomalies_app.command("ack", help="Acknowledge an incident (someone is on it).")(
    _anomaly_status("acknowledged")
)
anomalies_app.command("resolve", help="Mark an incident resolved.")(_anomaly_status("resolved"))
anomalies_app.command(
    "false-positive", help="Mark an incident a false positive: its days are never flagged again."
)(_anomaly_status("false_positive"))
anomalies_app.command("reopen", help="Set an incident back to open.")(_anomaly_status("open"))


@budgets_app.command("create")
def budgets_create(
    name: Annotated[str, typer.Argument(help="unique name; an existing budget is replaced")],
    amount: Annotated[str, typer.Option(help="budget per period, in the billing currency")],
    period: Annotated[str, typer.Option(help="monthly | quarterly | annual")] = "monthly",
    scope: Annotated[
        list[str] | None,
        typer.Option(
            help="DIMENSION=VALUE, repeatable: account, service, region, usage_type, "
            "tag:<key>; none = the whole bill"
        ),
    ] = None,
    threshold: Annotated[
        list[str] | None,
        typer.Option(
            help="actual:PERCENT or forecast:PERCENT, repeatable "
            "(default actual:80 actual:100 forecast:100)"
        ),
    ] = None,
    webhook: Annotated[list[str] | None, typer.Option(help="Slack-compatible URL")] = None,
    email: Annotated[list[str] | None, typer.Option(help="recipient address")] = None,
    currency: str = "USD",
) -> None:
    """Create or replace a budget; `finops run budgets` (and the budget_check DAG) checks it."""
    from finops.analytics import manage

    _markdown_job(
        lambda: manage.create_budget(
            name=name,
            amount=amount,
            period=period,
            scope=scope or [],
            thresholds=threshold or [],
            webhooks=webhook or [],
            emails=email or [],
            currency=currency,
        )
    )


@budgets_app.command("list")
def budgets_list() -> None:
    """Budgets with their latest actual and forecast against the amount."""
    from finops.analytics import manage

    _markdown_job(lambda: manage.list_budgets())


@budgets_app.command("delete")
def budgets_delete(name: str) -> None:
    """Delete a budget with its evaluations and alerts."""
    from finops.analytics import manage

    _markdown_job(lambda: manage.delete_budget(name))


detect_app = typer.Typer(help="Run a detector on a file.", no_args_is_help=True)
app.add_typer(detect_app, name="detect")


@detect_app.command("anomalies")
def detect_anomalies_command(
    csv_file: Annotated[Path, typer.Option("--csv", help="a CSV time series")],
    timestamp_column: Annotated[str | None, typer.Option(help="default: the first column")] = None,
    value_column: Annotated[str | None, typer.Option(help="default: the first numeric")] = None,
) -> None:
    """Print the anomalies the platform's detector finds in any regular time series."""
    from finops.analytics import cli as intel

    _setup_logging()
    try:
        _, report = intel.detect_csv(
            csv_file, timestamp_column=timestamp_column, value_column=value_column
        )
    except FinOpsError as exc:
        raise _fail(exc) from exc
    sys.stdout.write(report.rstrip() + "\n")


@eval_app.command("anomalies")
def eval_anomalies_command(
    estate: Annotated[
        Path | None, typer.Option(help="a generated estate; default: generate")
    ] = None,
    seed: Annotated[int, typer.Option(help="generator seed of the evaluation estate")] = 42,
    extra_anomalies: Annotated[
        int, typer.Option(min=0, help="anomalies planted beyond the demo estate's four")
    ] = 24,
) -> None:
    """Precision, recall, F1, delay and root cause against planted anomalies, beside baselines."""
    from finops.analytics import cli as intel

    err_console.print("generating/loading the evaluation estate and scoring (a few minutes) …")
    _markdown_job(
        lambda: intel.eval_anomalies(estate_dir=estate, seed=seed, extra_anomalies=extra_anomalies)
    )


@eval_app.command("forecasts")
def eval_forecasts_command(
    estate: Annotated[
        Path | None, typer.Option(help="a generated estate; default: generate")
    ] = None,
    horizons: Annotated[str, typer.Option(help="comma list of horizons in days")] = "30",
) -> None:
    """MASE, sMAPE and interval coverage by rolling origin, beside seasonal naive and Prophet."""
    from finops.analytics import cli as intel

    try:
        chosen = tuple(int(h) for h in horizons.split(",") if h.strip())
    except ValueError:
        raise _fail(
            FinOpsError(f"--horizons {horizons!r}: expected days, e.g. 30,90,180")
        ) from None
    if not chosen or any(h < 1 for h in chosen):
        raise _fail(FinOpsError(f"--horizons {horizons!r}: expected positive days"))
    err_console.print("generating/loading the evaluation estate and scoring (a few minutes) …")
    _markdown_job(lambda: intel.eval_forecasts(estate_dir=estate, horizons=chosen))


@eval_app.command("optimization")
def eval_optimization_command(
    ground_truth: Annotated[
        Path | None, typer.Option(help="ground_truth.json; default: the demo estate's")
    ] = None,
    date_: AsOfOption = None,
) -> None:
    """Precision, recall and savings error per finding type against the ground truth."""
    from finops.analytics.optimization import cli as opt

    truth = ground_truth or get_settings().demo_estate_path / "ground_truth.json"
    result = _run_job(lambda: opt.eval_optimization(truth, as_of=_day(date_)), opt.result_lines)
    if not result.passed:
        raise typer.Exit(code=1)


# --- export ------------------------------------------------------------------------------------

export_app = typer.Typer(help="Write the warehouse out in open formats.", no_args_is_help=True)
app.add_typer(export_app, name="export")


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
    from finops.db.engine import get_engine
    from finops.db.migrate import upgrade
    from finops.export import export_focus

    _setup_logging()
    try:
        upgrade(get_engine())
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("rows"),
            _RowsPerSecond(),
            TimeElapsedColumn(),
            console=err_console,
        ) as progress:
            task = progress.add_task("exporting", total=None)
            result = export_focus(
                out_dir=out,
                version=version,
                periods=_split(period),
                start=start,
                end=end,
                file_format=format_.value,
                on_plan=lambda rows: progress.update(task, total=rows),
                progress=lambda p, rows: progress.update(
                    task, advance=rows, description=f"exporting {p}"
                ),
            )
    except FinOpsError as exc:
        raise _fail(exc) from exc
    table = Table("billing period", "rows", "file")
    for f in result.files:
        table.add_row(f.billing_period, f"{f.rows:,}", str(f.path))
    console.print(table)
    console.print(
        f"FOCUS {result.version} ({len(result.columns)} columns), {result.rows:,} rows in "
        f"{len(result.files)} files; manifest: {result.out_dir / 'manifest.json'}",
        highlight=False,
    )


# --- sql ---------------------------------------------------------------------------------------


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def _plain(value: object) -> object:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _cell(value: object) -> str | None:
    """One value as text for csv and table output: JSON values (``tags``) as JSON, NULL as
    None."""
    if value is None:
        return None
    if isinstance(value, dict | list | bool):
        return json.dumps(value, default=str, ensure_ascii=False)
    return str(_plain(value))


@app.command()
def sql(
    statement: Annotated[str, typer.Argument(help="one SELECT or WITH query")],
    format_: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
    timeout: Annotated[float | None, typer.Option(help="statement timeout in seconds")] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="row cap")] = None,
) -> None:
    """Query the warehouse read-only, as the console's role (the views: costs, …)."""
    from finops.db.engine import console_url, get_engine, libpq_url
    from finops.db.migrate import upgrade
    from finops.db.readonly import run_readonly

    settings = get_settings()
    try:
        upgrade(get_engine(settings))  # the console's role and its grants
        result = run_readonly(
            libpq_url(console_url(settings)),
            statement,
            timeout_s=timeout or settings.sql_statement_timeout_s,
            row_limit=limit or settings.sql_row_limit,
        )
    except FinOpsError as exc:
        raise _fail(exc) from exc
    if format_ is OutputFormat.json:
        rows = [[_plain(v) for v in row] for row in result.rows]
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


# --- serve / airflow / demo --------------------------------------------------------------------


@app.command()
def serve(
    host: Annotated[str | None, typer.Option()] = None,
    port: Annotated[int | None, typer.Option()] = None,
) -> None:
    """Serve the API and the built dashboard on one port."""
    import uvicorn

    from finops.api.main import create_app
    from finops.db.engine import get_engine
    from finops.db.migrate import upgrade

    _setup_logging()
    settings = get_settings()
    try:
        upgrade(get_engine(settings))
        application = create_app(settings=settings)
    except FinOpsError as exc:
        raise _fail(exc) from exc
    bind_host, bind_port = host or settings.api_host, port or settings.api_port
    err_console.print(
        f"dashboard and API on [bold]http://{bind_host}:{bind_port}/[/] "
        f"(OpenAPI at /docs); Ctrl-C stops"
    )
    uvicorn.run(application, host=bind_host, port=bind_port, log_config=None, access_log=False)


@app.command()
def airflow() -> None:
    """Start Airflow (api-server, scheduler, dag-processor, triggerer); Ctrl-C stops them all."""
    from finops.orchestration.airflow_runtime import start_airflow
    from finops.orchestration.processes import ProcessGroup

    _setup_logging()
    settings = get_settings()
    group = ProcessGroup(settings.log_path)
    try:
        access = start_airflow(settings, group)
        _print_airflow(access.url, access.username, access.password)
        dead = group.wait_forever()
        if dead is not None:
            raise FinOpsError(
                f"{dead.name} exited (status {dead.popen.returncode}); see {dead.log_path}"
            )
    except FinOpsError as exc:
        raise _fail(exc) from exc
    finally:
        err_console.print("stopping Airflow …")
        group.stop()


def _print_airflow(url: str, username: str, password: str) -> None:
    console.print(
        f"Airflow UI: [bold]{url}[/]  user [bold]{username}[/]  password [bold]{password}[/]"
    )


@app.command()
def demo(
    regenerate: Annotated[bool, typer.Option(help="rewrite the demo estate")] = False,
    exit_after_ingest: Annotated[
        bool, typer.Option(help="stop after the ingest run instead of serving")
    ] = False,
    force: Annotated[
        bool, typer.Option(help="recompute the analytics even where their inputs are unchanged")
    ] = False,
) -> None:
    """The main job: migrate, generate a demo estate, ingest it through Airflow, serve it all."""
    from finops.orchestration.demo import run_demo

    _setup_logging()
    try:
        run_demo(
            get_settings(),
            console=console,
            regenerate=regenerate,
            serve=not exit_after_ingest,
            force=force,
        )
    except FinOpsError as exc:
        raise _fail(exc) from exc


@app.command()
def openapi(
    out: Annotated[Path | None, typer.Option(help="write here instead of stdout")] = None,
) -> None:
    """Print the API's OpenAPI schema (the frontend client is generated from it)."""
    from finops.api.main import create_app

    schema = create_app(frontend_dist=None).openapi()
    text = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text)
        err_console.print(f"wrote {out}")


def main() -> None:
    try:
        app()
    except FinOpsError as exc:  # bad input or settings met outside a command's own handling
        raise SystemExit(_fail(exc).exit_code) from None
    except Exception as exc:  # a defect, not bad input: short unless --debug
        if _debug["on"]:
            raise
        err_console.print(
            f"[bold red]internal error:[/] {type(exc).__name__}: {exc} "
            "(run again with --debug for the traceback)",
            highlight=False,
            soft_wrap=True,
        )
        raise SystemExit(2) from None
