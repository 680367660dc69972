"""The insights job: the weekly and monthly spend summaries of every scope as of a day
(``finops.insights``), through the job ledger: a run whose bill, budgets, forecasts, findings,
anomalies and savings are those of the last successful run for the day (with the same LLM
provider settings) is skipped."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date

from finops.config import Settings, get_settings
from finops.db.engine import get_engine
from finops.insights.store import Written, write_insights
from finops.jobs.ledger import JobSkipped, run_unless_unchanged
from finops.jobs.outcome import lines_unless_skipped
from finops.warehouse.audit import audit

JOB = "insights"


@dataclass(frozen=True, slots=True)
class InsightsRun:
    run_id: str
    as_of: date
    written: list[Written]

    def by_provider(self) -> dict[str, int]:
        return dict(sorted(Counter(w.provider for w in self.written).items()))


def run_insights(
    *,
    run_date: date,
    settings: Settings | None = None,
    force: bool = False,
    run_id: str | None = None,
) -> InsightsRun | JobSkipped:
    """Write (or rewrite in place) every scope's weekly and monthly summary as of
    ``run_date``."""
    settings = settings or get_settings()

    def compute(job_run_id: str) -> InsightsRun:
        with get_engine(settings).begin() as conn:
            written = write_insights(conn, as_of=run_date, settings=settings, run_id=job_run_id)
            result = InsightsRun(job_run_id, run_date, written)
            audit(
                conn,
                action="insights.written",
                subject=run_date.isoformat(),
                run_id=job_run_id,
                details={"summaries": len(written), "by_provider": result.by_provider()},
            )
        return result

    return run_unless_unchanged(
        JOB,
        as_of=run_date,
        parameters={
            "provider": settings.assistant_provider,
            "base_url": settings.assistant_base_url,
            "model": settings.assistant_model,
            "tag_keys": list(settings.anomaly_tag_keys),
        },
        compute=compute,
        force=force,
        run_id=run_id or uuid.uuid4().hex,
        settings=settings,
    )


@lines_unless_skipped
def lines(result: InsightsRun) -> list[str]:
    providers = ", ".join(f"{k} {v}" for k, v in result.by_provider().items()) or "none"
    out = [
        f"insights as of {result.as_of}: {len(result.written)} summaries written "
        f"(weekly and monthly; prose by {providers})"
    ]
    notes = sorted({w.note for w in result.written if w.note})
    out += [f"  template kept: {n}" for n in notes[:5]]
    return out


def summary(result: InsightsRun) -> dict[str, object]:
    return {"summaries": len(result.written), "by_provider": result.by_provider()}
