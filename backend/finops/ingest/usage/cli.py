"""Plain functions behind ``finops ingest usage`` and ``finops ingest inventory``.

The CLI parses options into these arguments, shows a progress bar fed by ``progress`` (called
once per (account, region[, day]) unit), prints ``result_lines(result)``, and exits non-zero on
``UsageIngestError`` — raised only when nothing at all could be read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from finops.config import Settings
from finops.ingest.aws import AwsSettings
from finops.ingest.inventory.pipeline import ingest_inventory
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


def run_inventory_ingest(
    source: str | None = None,
    *,
    accounts: Sequence[str] = (),
    regions: Sequence[str] = (),
    start: date | None = None,
    end: date | None = None,
    day: date | None = None,
    progress: UnitProgress | None = None,
    settings: Settings | None = None,
    aws: AwsSettings | None = None,
) -> RunResult:
    """``finops ingest inventory [SOURCE] [--accounts …] [--regions …] [--start D --end D]``.

    SOURCE: a folder or s3:// prefix of AWS Config snapshots (the days in [start, end));
    omitted: the describe APIs, recorded as the listing of ``day`` (default today, UTC).
    Raises UsageIngestError when nothing could be read.
    """
    result = ingest_inventory(
        source,
        scope=Scope(accounts=tuple(accounts), regions=tuple(regions), start=start, end=end),
        day=day,
        settings=settings,
        aws=aws,
        progress=progress,
    )
    result.raise_if_nothing_read()
    return result


def result_lines(result: RunResult) -> list[str]:
    """Human-readable summary: totals, then every skipped unit and why."""
    lines = [
        f"{result.kind}: {result.status} — {len(result.succeeded)} of {len(result.outcomes)} "
        f"units read, {result.resources} resources, {result.points} points, "
        f"{result.api_calls} API calls ({result.get_metric_data_calls} GetMetricData)"
    ]
    lines += [f"  skipped {o.label}: {o.reason} — {o.message}" for o in result.skipped]
    return lines
