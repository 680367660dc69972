"""How a job's outcome reads: the lines the CLI and the demo print, the summary a DAG task
returns (JSON-able, shown in the Airflow UI)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from finops.analytics.optimization.jobs import JobResult
from finops.jobs.ledger import JobSkipped, skipped_line


def money(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01')):,}"


def findings_lines(result: JobResult | JobSkipped) -> list[str]:
    """A findings job's outcome: findings per type and their estimated monthly savings."""
    if isinstance(result, JobSkipped):
        return [skipped_line(result)]
    kinds = ", ".join(f"{k} {v}" for k, v in result.by_type.items()) or "none"
    return [
        f"{result.job} as of {result.as_of}: {result.findings} findings ({kinds}), "
        f"${money(result.estimated_monthly_savings)}/month"
    ]


def findings_summary(result: JobResult | JobSkipped) -> dict[str, object]:
    if isinstance(result, JobSkipped):
        return {"skipped": result.reason}
    return {
        "findings": result.findings,
        "by_type": dict(result.by_type),
        "estimated_monthly_savings": str(result.estimated_monthly_savings),
    }


def task_result(job: str, run_date: date, summary: dict[str, object]) -> dict[str, object]:
    """What every analytics DAG task returns: the job, its run date and its summary."""
    return {"job": job, "run_date": run_date.isoformat(), **summary}
