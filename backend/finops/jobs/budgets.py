"""The budget check: actual and forecast cost per budget period; alerts once per crossing."""

from __future__ import annotations

from datetime import date

from finops.analytics.budgets.job import BudgetRun, run_budget_check
from finops.config import Settings, get_settings
from finops.jobs.ledger import JobSkipped, run_unless_unchanged
from finops.jobs.outcome import report_unless_skipped
from finops.markdown import table

JOB = "budgets"
HEADERS = [
    "budget",
    "period",
    "start",
    "amount",
    "actual",
    "actual %",
    "forecast",
    "forecast %",
    "new alerts",
    "deliveries",
]


def run_budgets(
    *,
    run_date: date,
    settings: Settings | None = None,
    force: bool = False,
    run_id: str | None = None,
) -> BudgetRun | JobSkipped:
    """The budget check as of ``run_date``, skipped when neither the bill, the budgets nor the
    day's forecasts have changed since its last run for that day."""
    settings = settings or get_settings()
    return run_unless_unchanged(
        JOB,
        as_of=run_date,
        compute=lambda job_run_id: run_budget_check(
            run_date=run_date, settings=settings, run_id=job_run_id
        ),
        force=force,
        run_id=run_id,
        settings=settings,
    )


@report_unless_skipped
def report(run: BudgetRun) -> str:
    """Each budget against its amount, with the alerts and deliveries of this run."""
    rows = [
        [
            s.budget.name,
            s.budget.period,
            s.period_start,
            s.budget.amount,
            s.actual,
            f"{s.percent('actual')}%",
            s.forecast,
            f"{s.percent('forecast')}%",
            ", ".join(f"{t.kind}>={t.percent}%" for t in s.new_alerts),
            ", ".join(f"{d.channel}:{d.status}" for d in s.deliveries),
        ]
        for s in run.statuses
    ]
    return table(HEADERS, rows)


def summary(run: BudgetRun) -> dict[str, object]:
    """What a DAG task returns: counts (a skipped run: ``ScheduledJob.summary``)."""
    return {
        "budgets": len(run.statuses),
        "new_alerts": sum(len(s.new_alerts) for s in run.statuses),
        "deliveries_failed": sum(
            1 for s in run.statuses for d in s.deliveries if d.status == "failed"
        ),
    }
