"""The commitments job: RI / Savings Plan utilization and coverage, under-used commitments and
Savings Plan purchase recommendations as of a day."""

from __future__ import annotations

from datetime import date

from finops.analytics.commitments.jobs import CommitmentsResult, run_commitments_job
from finops.config import Settings, get_settings
from finops.jobs.ledger import JobSkipped, run_unless_unchanged
from finops.jobs.outcome import lines_unless_skipped, money

JOB = "commitments"


def run_commitments(
    *,
    run_date: date,
    settings: Settings | None = None,
    force: bool = False,
    run_id: str | None = None,
) -> CommitmentsResult | JobSkipped:
    """Utilization, coverage, under-use and SP purchase recommendations as of ``run_date``."""
    settings = settings or get_settings()
    return run_unless_unchanged(
        JOB,
        as_of=run_date,
        compute=lambda job_run_id: run_commitments_job(
            as_of=run_date, settings=settings, run_id=job_run_id
        ),
        force=force,
        run_id=run_id,
        settings=settings,
    )


@lines_unless_skipped
def lines(result: CommitmentsResult) -> list[str]:
    out = [
        f"commitments as of {result.as_of}: {result.commitments} commitments, "
        f"{result.findings} under-used"
    ]
    out += [
        f"  SP {r.term_years}yr {r.payment_option}: ${r.hourly_commitment}/h → "
        f"${money(r.estimated_monthly_savings)}/month"
        for r in result.recommendations
    ]
    return out


def summary(result: CommitmentsResult) -> dict[str, object]:
    return {
        "commitments": result.commitments,
        "underused": result.findings,
        "recommendations": len(result.recommendations),
    }
