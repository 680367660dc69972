"""Ingest usage: CloudWatch Metric Streams files, or GetMetricData for every account × region.

Each (account, region, UTC day) is one unit, loaded in its own transaction. Units that cannot be
read are recorded as skipped with the reason; the run goes on with the rest.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg
import structlog
from botocore.exceptions import BotoCoreError, ClientError

from finops.config import Settings, get_settings
from finops.errors import IngestError
from finops.ingest.aws import (
    AwsAccessError,
    AwsSessions,
    AwsSettings,
    BaseSession,
    classify,
    error_code,
)
from finops.ingest.usage.cloudwatch import CallCounter, discover_series, fetch_day
from finops.ingest.usage.load import apply_retention, copy_csv_file, copy_rows, replace_day
from finops.ingest.usage.runlog import SKIPPED, RunResult, UnitOutcome, record
from finops.ingest.usage.scope import Scope, connect
from finops.ingest.usage.sources import local_root
from finops.ingest.usage.streams import MetricStreamReader, days_of, discover, files_for

log = structlog.get_logger(__name__)

DEFAULT_RAW_RETENTION_DAYS = 15

Progress = Callable[[UnitOutcome], None]  # called after every (account, region, day)


def days_in(scope: Scope, *, default: list[date]) -> list[date]:
    if scope.start is None and scope.end is None:
        return default
    start = scope.start or (default[0] if default else None)
    end = scope.end or ((default[-1] + timedelta(days=1)) if default else None)
    if start is None or end is None:
        raise IngestError("give both --start and --end (end is exclusive)")
    if end <= start:
        raise IngestError(f"end ({end}) must be after start ({start}); end is exclusive")
    return [start + timedelta(days=i) for i in range((end - start).days)]


def yesterday() -> date:
    return datetime.now(UTC).date() - timedelta(days=1)


def ingest_usage(
    source: str | None = None,
    *,
    scope: Scope | None = None,
    run_id: str | None = None,
    settings: Settings | None = None,
    aws: AwsSettings | None = None,
    base: BaseSession | None = None,
    raw_retention_days: int = DEFAULT_RAW_RETENTION_DAYS,
    retention: bool = True,
    progress: Progress | None = None,
) -> RunResult:
    """Load 5-minute points and daily percentiles into ``finops.utilization_daily``.

    ``source``: a folder or ``s3://`` prefix of Metric Streams files (default days: every day
    they were delivered on), or None for GetMetricData (default day: yesterday, UTC).
    ``scope.end`` is exclusive. ``retention``: afterwards drop raw points older than
    ``raw_retention_days`` before the newest day held. ``base``: the base AWS session to use
    instead of the default chain (the DAGs' Airflow connection).
    """
    if raw_retention_days < 1:
        raise IngestError(f"raw_retention_days must be at least 1, got {raw_retention_days}")
    settings = settings or get_settings()
    scope = scope or Scope()
    sessions = AwsSessions(aws or AwsSettings.from_settings(settings), provided=base)
    result = RunResult(run_id=run_id or uuid.uuid4().hex, kind="usage")

    def finish(outcome: UnitOutcome) -> None:
        record(conn, result.run_id, outcome)
        result.outcomes.append(outcome)
        if progress is not None:
            progress(outcome)

    with connect(settings) as conn:
        if source is None:
            calls = CallCounter()
            days = days_in(scope, default=[yesterday()])
            for account_id in list(scope.accounts) or sessions.linked_accounts():
                try:
                    regions = list(scope.regions) or sessions.enabled_regions(account_id)
                except AwsAccessError as exc:
                    for day in days:
                        finish(_skipped("aws", account_id, "*", day, exc.reason, str(exc)))
                    continue
                for region in regions:
                    usage_unit(
                        conn,
                        sessions,
                        account_id=account_id,
                        region=region,
                        days=days,
                        calls=calls,
                        on_outcome=finish,
                    )
            result.get_metric_data_calls = calls.get_metric_data
            result.metric_queries = calls.queries
        else:
            root = local_root(source, settings=settings, sessions=sessions)
            _from_streams(conn, root, source, scope, settings, finish)
        if retention:
            result.raw_points_dropped_partitions = apply_retention(
                conn, keep_days=raw_retention_days
            )
    log.info("usage.done", **result.summary())
    return result


def _from_streams(
    conn: psycopg.Connection[tuple[object, ...]],
    root: Path,
    source: str,
    scope: Scope,
    settings: Settings,
    finish: Callable[[UnitOutcome], None],
) -> None:
    files = discover(root)
    days = days_in(scope, default=days_of(files))
    work_root = settings.cache_path / "work"
    work_root.mkdir(parents=True, exist_ok=True)
    work_dir = Path(tempfile.mkdtemp(prefix="usage-", dir=work_root))
    reader = MetricStreamReader(work_dir=work_dir)
    loaded = 0
    try:
        for day in days:
            units = reader.load_day(files_for(files, day), day)
            for account_id, region, _lines in units:
                if not scope.wants(account_id, region):
                    continue
                outcome = UnitOutcome("usage", source, account_id, region, day)
                csv_path = reader.export(account_id, region)
                done = replace_day(
                    conn,
                    account_id=account_id,
                    region=region,
                    day=day,
                    stage=copy_csv_file(str(csv_path)),
                    csv=True,
                )
                outcome.series, outcome.points = done.series, done.points
                finish(outcome)
                loaded += 1
    finally:
        reader.close()
        shutil.rmtree(work_dir, ignore_errors=True)
    if not loaded:
        raise IngestError(f"{source}: no Metric Streams points in scope {scope}")


def usage_unit(
    conn: psycopg.Connection[tuple[object, ...]],
    sessions: AwsSessions,
    *,
    account_id: str,
    region: str,
    days: list[date],
    calls: CallCounter,
    on_outcome: Callable[[UnitOutcome], None],
) -> None:
    """Every day of one (account, region) through the CloudWatch API."""
    try:
        cloudwatch = sessions.client("cloudwatch", account_id=account_id, region=region)
        before = calls.total
        series = discover_series(cloudwatch, calls)
        discovery_calls = calls.total - before
    except AwsAccessError as exc:
        for day in days:
            on_outcome(_skipped("aws", account_id, region, day, exc.reason, str(exc)))
        return
    except (ClientError, BotoCoreError) as exc:
        message = f"cloudwatch:ListMetrics: {error_code(exc)}: {exc}"
        for day in days:
            on_outcome(_skipped("aws", account_id, region, day, classify(exc), message))
        return
    for day in days:
        outcome = UnitOutcome("usage", "aws", account_id, region, day)
        before = calls.total
        try:
            rows = list(
                fetch_day(
                    cloudwatch,
                    account_id=account_id,
                    region=region,
                    day=day,
                    series=series,
                    calls=calls,
                )
            )
        except (ClientError, BotoCoreError) as exc:
            message = f"cloudwatch:GetMetricData: {error_code(exc)}: {exc}"
            on_outcome(_skipped("aws", account_id, region, day, classify(exc), message))
            continue
        done = replace_day(
            conn, account_id=account_id, region=region, day=day, stage=copy_rows(rows)
        )
        outcome.series, outcome.points = done.series, done.points
        outcome.resources = len({s.resource_id for s in series})
        outcome.api_calls = calls.total - before + discovery_calls
        discovery_calls = 0
        on_outcome(outcome)


def _skipped(
    source: str, account_id: str, region: str, day: date, reason: str, message: str
) -> UnitOutcome:
    log.warning("usage.skipped", account_id=account_id, region=region, day=str(day), reason=reason)
    return UnitOutcome(
        "usage", source, account_id, region, day, status=SKIPPED, reason=reason, message=message
    )
