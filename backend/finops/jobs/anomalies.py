"""The anomaly detection job: cost anomalies at every scope with root causes, as of a run date."""

from __future__ import annotations

from datetime import date

from finops.analytics.anomalies.job import AnomalyRun, run_anomaly_detection
from finops.config import Settings, get_settings
from finops.jobs.ledger import JobSkipped, run_unless_unchanged
from finops.jobs.outcome import report_unless_skipped
from finops.markdown import table

JOB = "anomalies"
HEADERS = [
    "first",
    "last",
    "kind",
    "cause",
    "scope kind",
    "scope",
    "actual",
    "expected",
    "impact",
    "severity",
    "top root cause",
]


def run_anomalies(
    *,
    run_date: date,
    report_days: int = 14,
    settings: Settings | None = None,
    force: bool = False,
    run_id: str | None = None,
) -> AnomalyRun | JobSkipped:
    """Anomaly detection as of ``run_date``, skipped when the bill has not changed since its
    last run for that day with the same ``report_days``."""
    settings = settings or get_settings()
    return run_unless_unchanged(
        JOB,
        as_of=run_date,
        parameters={"report_days": report_days},
        compute=lambda job_run_id: run_anomaly_detection(
            run_date=run_date, report_days=report_days, settings=settings, run_id=job_run_id
        ),
        force=force,
        run_id=run_id,
        settings=settings,
    )


@report_unless_skipped
def report(run: AnomalyRun) -> str:
    """The incidents as a table (or why the run was skipped)."""
    rows = [
        [
            i.first_day,
            i.last_day,
            i.kind,
            i.cause,
            i.scope_kind,
            ", ".join(f"{k}={v}" for k, v in i.scope.items()) or "all",
            i.actual,
            i.expected,
            i.impact,
            i.severity,
            f"{i.top_cause.dimension}={i.top_cause.value}" if i.top_cause else "",
        ]
        for i in run.incidents
    ]
    return table(HEADERS, rows)


def summary(run: AnomalyRun) -> dict[str, object]:
    """What a DAG task returns: counts (a skipped run: ``ScheduledJob.summary``)."""
    return {
        "incidents": len(run.incidents),
        "alerting": sum(1 for i in run.incidents if i.cause == "usage_change"),
        "removed": run.removed,
    }
