"""The KPI job: the daily cost rollup for the 13 months up to a day, and the KPI summary."""

from __future__ import annotations

from datetime import date, timedelta

from finops.analytics.kpis.report import KpiReport, kpi_report, refresh_rollup
from finops.config import Settings, get_settings
from finops.db.engine import get_engine
from finops.jobs.ledger import JobSkipped, run_unless_unchanged
from finops.jobs.outcome import lines_unless_skipped, money

JOB = "kpis"


def run_kpis(
    *,
    run_date: date,
    settings: Settings | None = None,
    force: bool = False,
    run_id: str | None = None,
) -> KpiReport | JobSkipped:
    """Refresh the daily rollup for the 13 months up to ``run_date`` and return the KPI
    summary as of it."""
    settings = settings or get_settings()
    return run_unless_unchanged(
        JOB,
        as_of=run_date,
        compute=lambda _run_id: _refresh_kpis(run_date, settings=settings),
        force=force,
        run_id=run_id,
        settings=settings,
    )


def _refresh_kpis(day: date, *, settings: Settings) -> KpiReport:
    start = date(day.year - 1, day.month, 1)
    with get_engine(settings).begin() as conn:
        refresh_rollup(conn, start=start, end=day + timedelta(days=1))
        return kpi_report(conn, as_of=day)


@lines_unless_skipped
def lines(result: KpiReport) -> list[str]:
    return [
        f"KPIs as of {result.as_of} ({result.metric}): MTD {money(result.month_to_date)}, "
        f"previous month {money(result.previous_month)}, projected month end "
        f"{money(result.projected_month_end)}, open savings "
        f"{money(result.open_savings_opportunities)}/month in {result.open_findings} findings"
    ]


def summary(result: KpiReport) -> dict[str, object]:
    return {
        "month_to_date": str(result.month_to_date),
        "projected_month_end": str(result.projected_month_end),
        "open_findings": result.open_findings,
    }
