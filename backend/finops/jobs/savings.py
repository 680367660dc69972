"""The savings job: measure the realized savings of every executed action and every finding
fixed outside the platform from the bill up to a day (``finops.analytics.savings``), through
the job ledger: a run whose bill, findings and remediation log are those of the last
successful run for the day is skipped."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from finops.analytics.savings.engine import SavingsRun, measure_savings
from finops.config import Settings, get_settings
from finops.db.engine import get_engine
from finops.jobs.ledger import JobSkipped, run_unless_unchanged
from finops.jobs.outcome import lines_unless_skipped, money

JOB = "savings"


def run_savings(
    *,
    run_date: date,
    settings: Settings | None = None,
    force: bool = False,
    run_id: str | None = None,
) -> SavingsRun | JobSkipped:
    """Measure every subject from the bill up to ``run_date`` (rewrites the rows whose inputs
    changed)."""
    settings = settings or get_settings()

    def compute(job_run_id: str) -> SavingsRun:
        with get_engine(settings).begin() as conn:
            return measure_savings(
                conn, run_date=run_date, run_id=job_run_id, now=datetime.now(UTC)
            )

    return run_unless_unchanged(
        JOB, as_of=run_date, compute=compute, force=force, run_id=run_id, settings=settings
    )


@lines_unless_skipped
def lines(result: SavingsRun) -> list[str]:
    counts = ", ".join(f"{k} {v}" for k, v in result.by_status().items())
    realized = sum(
        (m.realized_monthly_effective or Decimal(0) for m in result.measurements), Decimal(0)
    )
    return [
        f"savings as of {result.run_date}: {len(result.measurements)} measured subjects "
        f"({counts}), {result.written} rewritten; realized {money(realized)}/month "
        "(effective cost)"
    ]


def summary(result: SavingsRun) -> dict[str, object]:
    return {
        "subjects": len(result.measurements),
        "by_status": result.by_status(),
        "written": result.written,
    }
