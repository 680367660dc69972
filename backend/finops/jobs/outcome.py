"""How a job's outcome reads: the lines the CLI and the demo print, the summary a DAG task
returns (JSON-able, shown in the Airflow UI)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import wraps
from typing import TypeVar

from finops.analytics.optimization.jobs import JobResult
from finops.jobs.ledger import JobSkipped, skipped_line

R = TypeVar("R")


def money(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01')):,}"


def lines_unless_skipped(
    lines: Callable[[R], list[str]],
) -> Callable[[R | JobSkipped], list[str]]:
    """A job's ``lines`` of its result that also take a skipped run (its one skipped line)."""

    @wraps(lines)
    def outcome_lines(result: R | JobSkipped) -> list[str]:
        return [skipped_line(result)] if isinstance(result, JobSkipped) else lines(result)

    return outcome_lines


def report_unless_skipped(report: Callable[[R], str]) -> Callable[[R | JobSkipped], str]:
    """A job's Markdown ``report`` of its result that also takes a skipped run (its skipped
    line)."""

    @wraps(report)
    def outcome_report(result: R | JobSkipped) -> str:
        return skipped_line(result) if isinstance(result, JobSkipped) else report(result)

    return outcome_report


@lines_unless_skipped
def findings_lines(result: JobResult) -> list[str]:
    """A findings job's outcome: findings per type and their estimated monthly savings."""
    kinds = ", ".join(f"{k} {v}" for k, v in result.by_type.items()) or "none"
    return [
        f"{result.job} as of {result.as_of}: {result.findings} findings ({kinds}), "
        f"${money(result.estimated_monthly_savings)}/month"
    ]


def findings_summary(result: JobResult) -> dict[str, object]:
    return {
        "findings": result.findings,
        "by_type": dict(result.by_type),
        "estimated_monthly_savings": str(result.estimated_monthly_savings),
    }


def task_result(job: str, run_date: date, summary: dict[str, object]) -> dict[str, object]:
    """What every analytics DAG task returns: the job, its run date and its summary."""
    return {"job": job, "run_date": run_date.isoformat(), **summary}
