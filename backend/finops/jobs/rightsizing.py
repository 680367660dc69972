"""The rightsizing job: EC2 and RDS rightsizing (the Compute Optimizer method) as of a day."""

from __future__ import annotations

from datetime import date

from finops.analytics.optimization.jobs import JobResult, run_rightsizing_job
from finops.analytics.optimization.policy import RightsizingPolicy
from finops.config import Settings, get_settings
from finops.jobs.ledger import JobSkipped, run_unless_unchanged
from finops.jobs.outcome import findings_lines as lines
from finops.jobs.outcome import findings_summary as summary

JOB = "rightsizing"
__all__ = ["JOB", "lines", "run_rightsizing", "summary"]


def run_rightsizing(
    *,
    run_date: date,
    lookback_days: int = 14,
    cpu_percentile: float = 99.5,
    cpu_headroom: float = 0.20,
    settings: Settings | None = None,
    force: bool = False,
    run_id: str | None = None,
) -> JobResult | JobSkipped:
    """Rightsizing findings as of ``run_date`` (lookback 14, 32 or 93 days; CPU percentile
    99.5, 95 or 90; headroom 0, 0.2 or 0.3); skipped (and recorded so) when its inputs are
    those of its last run for the day, unless ``force``."""
    settings = settings or get_settings()
    policy = RightsizingPolicy(
        lookback_days=lookback_days, cpu_percentile=cpu_percentile, cpu_headroom=cpu_headroom
    )
    return run_unless_unchanged(
        JOB,
        as_of=run_date,
        parameters={
            "lookback_days": lookback_days,
            "cpu_percentile": cpu_percentile,
            "cpu_headroom": cpu_headroom,
        },
        compute=lambda job_run_id: run_rightsizing_job(
            as_of=run_date, settings=settings, policy=policy, run_id=job_run_id
        ),
        force=force,
        run_id=run_id,
        settings=settings,
    )
