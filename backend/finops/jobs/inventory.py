"""The inventory ingest: the resource inventory per account × region, from the describe APIs
or from AWS Config snapshots, keeping history. (The scheduled DAG loads it with each unit's
utilization: :func:`finops.jobs.usage.ingest_unit_day`.)"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from finops.config import Settings
from finops.ingest.aws import AwsSettings
from finops.ingest.inventory.pipeline import ingest_inventory
from finops.ingest.usage.runlog import RunResult
from finops.ingest.usage.scope import Scope
from finops.jobs.usage import UnitProgress, result_lines

__all__ = ["result_lines", "run_inventory_ingest"]


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
