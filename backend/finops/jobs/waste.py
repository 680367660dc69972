"""The waste job: idle, orphaned and outdated resources as of a day."""

from __future__ import annotations

from datetime import date

from finops.analytics.optimization.jobs import JobResult, run_waste_job
from finops.config import Settings, get_settings
from finops.jobs.ledger import JobSkipped, run_unless_unchanged
from finops.jobs.outcome import findings_lines as lines
from finops.jobs.outcome import findings_summary as summary

JOB = "waste"
__all__ = ["JOB", "lines", "run_waste", "summary"]


def run_waste(
    *,
    run_date: date,
    settings: Settings | None = None,
    force: bool = False,
    run_id: str | None = None,
) -> JobResult | JobSkipped:
    """Idle instances, unattached volumes, old snapshots, … as of ``run_date``."""
    settings = settings or get_settings()
    return run_unless_unchanged(
        JOB,
        as_of=run_date,
        compute=lambda job_run_id: run_waste_job(
            as_of=run_date, settings=settings, run_id=job_run_id
        ),
        force=force,
        run_id=run_id,
        settings=settings,
    )
