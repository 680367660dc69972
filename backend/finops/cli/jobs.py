"""``finops run``: one analytics job for a run date (default: the latest charge day in the bill,
resolved by :func:`finops.jobs.run_date.resolve_run_date`), through the same functions of
``finops.jobs`` the DAGs and the demo call."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from finops.cli.common import AsOfOption, day, markdown_job, run_job

run_app = typer.Typer(
    help="Run an analytics job for a date (rewrites that date's output).", no_args_is_help=True
)

R = TypeVar("R")

ForceOption = Annotated[
    bool,
    typer.Option(
        "--force",
        help="recompute though the job's inputs have not changed since its last run for the day",
    ),
]


def run_date(value: datetime | None) -> date:
    """The ``--date`` given, else the latest charge day (after the warehouse is migrated)."""
    from finops.jobs.run_date import resolve_run_date

    return resolve_run_date(requested=day(value))


def _reported_job(run: Callable[[], R], report: Callable[[R], str]) -> None:
    """Run a job whose outcome prints as a Markdown report (``report`` of its result)."""

    def job() -> tuple[R, str]:
        result = run()
        return result, report(result)

    markdown_job(job)


@run_app.command("rightsizing")
def run_rightsizing_command(
    date_: AsOfOption = None,
    lookback_days: Annotated[int, typer.Option(help="14, 32 or 93")] = 14,
    cpu_percentile: Annotated[float, typer.Option(help="99.5, 95 or 90")] = 99.5,
    cpu_headroom: Annotated[float, typer.Option(help="0, 0.2 or 0.3")] = 0.20,
    force: ForceOption = False,
) -> None:
    """EC2 and RDS rightsizing (the Compute Optimizer method)."""
    from finops.jobs import rightsizing

    run_job(
        lambda: rightsizing.run_rightsizing(
            run_date=run_date(date_),
            lookback_days=lookback_days,
            cpu_percentile=cpu_percentile,
            cpu_headroom=cpu_headroom,
            force=force,
        ),
        rightsizing.lines,
    )


@run_app.command("waste")
def run_waste_command(date_: AsOfOption = None, force: ForceOption = False) -> None:
    """Idle and waste findings (idle instances, unattached volumes, old snapshots, …)."""
    from finops.jobs import waste

    run_job(lambda: waste.run_waste(run_date=run_date(date_), force=force), waste.lines)


@run_app.command("commitments")
def run_commitments_command(date_: AsOfOption = None, force: ForceOption = False) -> None:
    """RI / Savings Plan utilization and coverage, and Savings Plan purchase recommendations."""
    from finops.jobs import commitments

    run_job(
        lambda: commitments.run_commitments(run_date=run_date(date_), force=force),
        commitments.lines,
    )


@run_app.command("allocation")
def run_allocation_command(
    date_: AsOfOption = None,
    tag_policy: Annotated[Path | None, typer.Option(help="tag policy YAML/JSON")] = None,
    rules: Annotated[Path | None, typer.Option(help="allocation rules YAML/JSON")] = None,
    force: ForceOption = False,
) -> None:
    """Tag compliance and the monthly showback/chargeback report."""
    from finops.jobs import allocation

    run_job(
        lambda: allocation.run_allocation(
            run_date=run_date(date_), tag_policy=tag_policy, rules=rules, force=force
        ),
        allocation.lines,
    )


@run_app.command("kpis")
def run_kpis_command(date_: AsOfOption = None, force: ForceOption = False) -> None:
    """KPI rollups and summary."""
    from finops.jobs import kpis

    run_job(lambda: kpis.run_kpis(run_date=run_date(date_), force=force), kpis.lines)


@run_app.command("savings")
def run_savings_command(date_: AsOfOption = None, force: ForceOption = False) -> None:
    """Realized savings of executed actions and outside fixes, measured from the bill."""
    from finops.jobs import savings

    run_job(lambda: savings.run_savings(run_date=run_date(date_), force=force), savings.lines)


@run_app.command("anomalies")
def run_anomalies_command(
    date_: AsOfOption = None,
    report_days: Annotated[int, typer.Option(help="days of incidents to report")] = 14,
    force: ForceOption = False,
) -> None:
    """Detect cost anomalies at every scope, with root causes; rewrites the run date's output."""
    from finops.jobs import anomalies

    _reported_job(
        lambda: anomalies.run_anomalies(
            run_date=run_date(date_), report_days=report_days, force=force
        ),
        anomalies.report,
    )


@run_app.command("usage-anomalies")
def run_usage_anomalies_command(
    date_: AsOfOption = None,
    report_days: Annotated[int, typer.Option(help="days of usage incidents to rewrite")] = 7,
    force: ForceOption = False,
) -> None:
    """Detect usage anomalies (CPU pinned, request rates collapsing, ...) per resource metric
    and join each to the cost anomaly it explains; run after ``finops run anomalies``."""
    from finops.jobs import usage_anomalies

    _reported_job(
        lambda: usage_anomalies.run_usage_anomalies(
            run_date=run_date(date_), report_days=report_days, force=force
        ),
        usage_anomalies.report,
    )


@run_app.command("forecasts")
def run_forecasts_command(date_: AsOfOption = None, force: ForceOption = False) -> None:
    """Forecast daily cost per scope (model chosen by rolling-origin backtest)."""
    from finops.jobs import forecasts

    _reported_job(
        lambda: forecasts.run_forecasts_job(run_date=run_date(date_), force=force),
        forecasts.report,
    )


@run_app.command("budgets")
def run_budgets_command(date_: AsOfOption = None, force: ForceOption = False) -> None:
    """Check budgets against actual and forecast cost; notify once per threshold crossing."""
    from finops.jobs import budgets

    _reported_job(
        lambda: budgets.run_budgets(run_date=run_date(date_), force=force), budgets.report
    )


@run_app.command("insights")
def run_insights_command(
    as_of: Annotated[
        datetime | None,
        typer.Option(
            "--as-of",
            "--date",
            formats=["%Y-%m-%d"],
            help="as-of day; default: the latest charge day in the bill (never the clock)",
        ),
    ] = None,
    force: ForceOption = False,
) -> None:
    """Weekly and monthly spend summaries per scope (whole bill, account, team), rephrased by
    the assistant's LLM when one is configured and it keeps every number."""
    from finops.jobs import insights

    run_job(lambda: insights.run_insights(run_date=run_date(as_of), force=force), insights.lines)
