"""The utilization ingest: CloudWatch points per account × region, from GetMetricData or from
Metric Streams files.

``run_usage_ingest`` loads a range of days (``finops ingest usage``, the demo); the
``usage_ingest`` DAG plans the account × region units, then loads one unit's inventory and
utilization for its run date (``ingest_unit_day``) and finishes the run (``finish_run``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from finops.config import Settings
from finops.ingest.aws import AwsSettings, BaseSession
from finops.ingest.usage import tasks
from finops.ingest.usage.pipeline import DEFAULT_RAW_RETENTION_DAYS, ingest_usage
from finops.ingest.usage.runlog import RunResult, UnitOutcome
from finops.ingest.usage.scope import Scope

UnitProgress = Callable[[UnitOutcome], None]


def run_usage_ingest(
    source: str | None = None,
    *,
    accounts: Sequence[str] = (),
    regions: Sequence[str] = (),
    start: date | None = None,
    end: date | None = None,
    raw_retention_days: int = DEFAULT_RAW_RETENTION_DAYS,
    progress: UnitProgress | None = None,
    settings: Settings | None = None,
    aws: AwsSettings | None = None,
) -> RunResult:
    """``finops ingest usage [SOURCE] [--accounts …] [--regions …] [--start D --end D]``.

    SOURCE: a folder or s3:// prefix of Metric Streams files; omitted: GetMetricData.
    ``end`` is exclusive; without dates, files load every day they hold and the API loads
    yesterday (UTC). Raises UsageIngestError when nothing could be read.
    """
    result = ingest_usage(
        source,
        scope=Scope(accounts=tuple(accounts), regions=tuple(regions), start=start, end=end),
        settings=settings,
        aws=aws,
        raw_retention_days=raw_retention_days,
        progress=progress,
    )
    result.raise_if_nothing_read()
    return result


def plan_units(
    *,
    accounts: list[str] | None = None,
    regions: list[str] | None = None,
    source: str = "",
    base: BaseSession | None = None,
) -> list[dict[str, str]]:
    """The units of a scheduled run: one per account × enabled region (an account out of
    reach is one skipped unit), or the one ``source`` folder the run reads files from.
    ``base``: the base AWS session (the DAG's Airflow connection); None: the default chain."""
    if source:
        return [{"source": source}]
    return tasks.plan_units(accounts=accounts or None, regions=regions or None, base=base)


def ingest_unit_day(
    *,
    unit: dict[str, str],
    run_date: date,
    run_id: str,
    settings: Settings | None = None,
    base: BaseSession | None = None,
) -> dict[str, Any]:
    """One unit's inventory listing and CloudWatch points for ``run_date`` (a ``source`` unit:
    the Config snapshots and Metric Streams files of that day)."""
    if "source" in unit:
        return tasks.ingest_source(
            unit["source"], day=run_date, run_id=run_id, settings=settings, base=base
        )
    return tasks.ingest_unit(unit, day=run_date, run_id=run_id, settings=settings, base=base)


def finish_run(
    *, results: list[dict[str, Any]], settings: Settings | None = None
) -> dict[str, Any]:
    """Drop raw points past retention; fail only when no unit read anything."""
    return tasks.finish_run(list(results), settings=settings)


def result_lines(result: RunResult) -> list[str]:
    """Human-readable summary: totals, then every skipped unit and why."""
    lines = [
        f"{result.kind}: {result.status} — {len(result.succeeded)} of {len(result.outcomes)} "
        f"units read, {result.resources} resources, {result.points} points, "
        f"{result.api_calls} API calls ({result.get_metric_data_calls} GetMetricData)"
    ]
    lines += [f"  skipped {o.label}: {o.reason} — {o.message}" for o in result.skipped]
    return lines
