"""The usage anomaly job: incidents in the utilization CloudWatch ingests (CPU pinned, request
rates collapsing, ...) per resource metric, each joined to the cost anomaly it explains."""

from __future__ import annotations

from datetime import date

from finops.analytics.anomalies.usage_job import UsageRun, run_usage_anomaly_detection
from finops.config import Settings, get_settings
from finops.jobs.ledger import JobSkipped, run_unless_unchanged
from finops.jobs.outcome import lines_unless_skipped, report_unless_skipped
from finops.markdown import table

JOB = "usage_anomalies"
HEADERS = ["started", "ended", "resource", "metric", "pattern", "peak", "expected", "explains"]


def run_usage_anomalies(
    *,
    run_date: date,
    report_days: int = 7,
    settings: Settings | None = None,
    force: bool = False,
    run_id: str | None = None,
) -> UsageRun | JobSkipped:
    """Usage anomaly detection as of ``run_date`` (after the cost anomaly job: it joins to its
    incidents), skipped when neither utilization, inventory, bill nor cost anomalies changed
    since its last run for that day with the same ``report_days``."""
    settings = settings or get_settings()
    return run_unless_unchanged(
        JOB,
        as_of=run_date,
        parameters={"report_days": report_days},
        compute=lambda job_run_id: run_usage_anomaly_detection(
            run_date=run_date, report_days=report_days, settings=settings, run_id=job_run_id
        ),
        force=force,
        run_id=run_id,
        settings=settings,
    )


@report_unless_skipped
def report(run: UsageRun) -> str:
    """The incidents as a table (or why the run was skipped)."""
    rows = [
        [
            f"{i['started_at']:%Y-%m-%d %H:%M}",
            f"{i['ended_at']:%Y-%m-%d %H:%M}",
            i["resource_id"],
            i["metric_name"],
            i["pattern"],
            f"{i['peak_value']:.4g}",
            f"{i['expected_value']:.4g}",
            i["cost_anomaly"] or "",
        ]
        for i in run.incidents
    ]
    return f"{run.series} series; {len(rows)} usage incidents\n\n" + table(HEADERS, rows)


@lines_unless_skipped
def lines(run: UsageRun) -> list[str]:
    """The outcome in a line (the demo prints it)."""
    return [
        f"{len(run.incidents)} usage incidents in {run.series} series since "
        f"{run.report_from:%Y-%m-%d}, {run.explaining} explaining a cost anomaly"
    ]


def summary(run: UsageRun) -> dict[str, object]:
    """What a DAG task returns: counts (a skipped run: ``ScheduledJob.summary``)."""
    return {
        "series": run.series,
        "incidents": len(run.incidents),
        "explaining_cost_anomalies": run.explaining,
        "removed": run.removed,
    }
