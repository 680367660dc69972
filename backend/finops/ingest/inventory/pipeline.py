"""Ingest inventory: AWS Config snapshot files, or the describe APIs of every account × region."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import psycopg
import structlog

from finops.config import Settings, get_settings
from finops.errors import IngestError
from finops.ingest.aws import AwsAccessError, AwsSessions, AwsSettings, BaseSession
from finops.ingest.inventory.collectors import COLLECTORS, list_region
from finops.ingest.inventory.config_snapshots import discover, read_snapshot
from finops.ingest.inventory.load import replace_listing
from finops.ingest.inventory.model import KNOWN_TYPES
from finops.ingest.usage.runlog import SKIPPED, RunResult, UnitOutcome, record
from finops.ingest.usage.scope import Scope, connect
from finops.ingest.usage.sources import local_root

log = structlog.get_logger(__name__)

Progress = Callable[[UnitOutcome], None]  # called after every unit (account, region[, day])


def ingest_inventory(
    source: str | None = None,
    *,
    scope: Scope | None = None,
    day: date | None = None,
    run_id: str | None = None,
    settings: Settings | None = None,
    aws: AwsSettings | None = None,
    base: BaseSession | None = None,
    resource_types: tuple[str, ...] | None = None,
    progress: Progress | None = None,
) -> RunResult:
    """Load inventory into ``finops.resources``.

    ``source``: a folder or ``s3://`` prefix of AWS Config snapshots (each day in ``scope`` found
    there is loaded), or None for the describe APIs of every account × region in ``scope`` —
    recorded as the listing of ``day`` (default: today, UTC). ``resource_types`` limits the API
    listing to some types (default: every type the collectors know). ``base``: the base AWS
    session to use instead of the default chain (the DAGs' Airflow connection).
    """
    settings = settings or get_settings()
    sessions = AwsSessions(aws or AwsSettings.from_settings(settings), provided=base)
    scope = scope or Scope()
    result = RunResult(run_id=run_id or uuid.uuid4().hex, kind="inventory")
    with connect(settings) as conn:
        if source is None:
            listing_day = day or datetime.now(UTC).date()
            types = resource_types or tuple(COLLECTORS)
            for outcome in _from_api(conn, sessions, scope, listing_day, result.run_id, types):
                _finish(conn, result, outcome, progress)
        else:
            root = local_root(source, settings=settings, sessions=sessions)
            for outcome in _from_files(conn, root, source, scope, result.run_id):
                _finish(conn, result, outcome, progress)
    log.info("inventory.done", **result.summary())
    return result


def _finish(
    conn: psycopg.Connection[tuple[object, ...]],
    result: RunResult,
    outcome: UnitOutcome,
    progress: Progress | None,
) -> None:
    record(conn, result.run_id, outcome)
    result.outcomes.append(outcome)
    if progress is not None:
        progress(outcome)


def _from_files(
    conn: psycopg.Connection[tuple[object, ...]],
    root: Path,
    source: str,
    scope: Scope,
    run_id: str,
) -> list[UnitOutcome]:
    outcomes: list[UnitOutcome] = []
    for snapshot in discover(root):
        if not scope.wants(snapshot.account_id, snapshot.region, snapshot.day):
            continue
        outcome = UnitOutcome(
            "inventory", source, snapshot.account_id, snapshot.region, snapshot.day
        )
        records = read_snapshot(snapshot)
        outcome.resources = replace_listing(
            conn,
            account_id=snapshot.account_id,
            region=snapshot.region,
            day=snapshot.day,
            resource_types=KNOWN_TYPES,
            records=records,
            source="config",
            run_id=run_id,
        )
        outcomes.append(outcome)
    if not outcomes:
        raise IngestError(f"{source}: no AWS Config snapshots in scope {scope}")
    return outcomes


def _from_api(
    conn: psycopg.Connection[tuple[object, ...]],
    sessions: AwsSessions,
    scope: Scope,
    day: date,
    run_id: str,
    resource_types: tuple[str, ...],
) -> list[UnitOutcome]:
    outcomes: list[UnitOutcome] = []
    accounts = list(scope.accounts) or sessions.linked_accounts()
    for account_id in accounts:
        try:
            regions = list(scope.regions) or sessions.enabled_regions(account_id)
        except AwsAccessError as exc:
            outcomes.append(_skipped(account_id, "*", day, exc.reason, str(exc)))
            continue
        for region in regions:
            outcomes += inventory_unit(
                conn,
                sessions,
                account_id=account_id,
                region=region,
                day=day,
                run_id=run_id,
                resource_types=resource_types,
            )
    return outcomes


def inventory_unit(
    conn: psycopg.Connection[tuple[object, ...]],
    sessions: AwsSessions,
    *,
    account_id: str,
    region: str,
    day: date,
    run_id: str,
    resource_types: tuple[str, ...] = tuple(COLLECTORS),
) -> list[UnitOutcome]:
    """List one (account, region) through the APIs and load it; one outcome per failure too."""
    outcome = UnitOutcome("inventory", "aws", account_id, region, day)
    try:
        listing = list_region(
            sessions, account_id=account_id, region=region, resource_types=resource_types
        )
    except AwsAccessError as exc:  # AssumeRole refused: the whole account is out of reach
        return [_skipped(account_id, region, day, exc.reason, str(exc))]
    outcome.api_calls = listing.api_calls
    outcomes: list[UnitOutcome] = []
    if listing.listed_types:
        outcome.resources = replace_listing(
            conn,
            account_id=account_id,
            region=region,
            day=day,
            resource_types=listing.listed_types,
            records=listing.records,
            source="api",
            run_id=run_id,
        )
        outcomes.append(outcome)
    by_reason: dict[str, list[str]] = {}
    for resource_type, (reason, _message) in listing.failures.items():
        by_reason.setdefault(reason, []).append(resource_type)
    for reason, types in sorted(by_reason.items()):
        first = listing.failures[types[0]][1]
        message = f"not listed: {', '.join(types)} ({first})"
        outcomes.append(_skipped(account_id, region, day, reason, message))
    log.info(
        "inventory.region_listed",
        account_id=account_id,
        region=region,
        resources=outcome.resources,
        listed=len(listing.listed_types),
        skipped=sorted(listing.failures),
    )
    return outcomes


def _skipped(account_id: str, region: str, day: date, reason: str, message: str) -> UnitOutcome:
    log.warning(
        "inventory.skipped", account_id=account_id, region=region, reason=reason, message=message
    )
    return UnitOutcome(
        "inventory", "aws", account_id, region, day, status=SKIPPED, reason=reason, message=message
    )
