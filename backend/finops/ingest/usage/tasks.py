"""What the ``usage_ingest`` DAG's tasks call: plan the account × region units, ingest one unit
(inventory listing + one day of CloudWatch), and finish the run. Inputs and outputs are plain
JSON-able dicts so Airflow can pass them between mapped tasks."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import structlog

from finops.config import Settings, get_settings
from finops.ingest.aws import AwsAccessError, AwsSessions, AwsSettings, BaseSession
from finops.ingest.inventory.pipeline import ingest_inventory, inventory_unit
from finops.ingest.usage.cloudwatch import CallCounter
from finops.ingest.usage.load import apply_retention
from finops.ingest.usage.pipeline import DEFAULT_RAW_RETENTION_DAYS, ingest_usage, usage_unit
from finops.ingest.usage.runlog import (
    SKIPPED,
    SUCCEEDED,
    UnitOutcome,
    UsageIngestError,
    record,
)
from finops.ingest.usage.scope import Scope, connect

log = structlog.get_logger(__name__)


def plan_units(
    *,
    accounts: list[str] | None = None,
    regions: list[str] | None = None,
    base: BaseSession | None = None,
) -> list[dict[str, str]]:
    """One unit per account × enabled region; an account out of reach is one skipped unit.
    ``base``: the base AWS session (the DAG's Airflow connection); None: the default chain."""
    aws = AwsSettings.from_settings()
    if accounts:
        aws = replace(aws, accounts=tuple(accounts))
    if regions:
        aws = replace(aws, regions=tuple(regions))
    sessions = AwsSessions(aws, provided=base)
    units: list[dict[str, str]] = []
    for account_id in sessions.linked_accounts():
        try:
            for region in sessions.enabled_regions(account_id):
                units.append({"account_id": account_id, "region": region})
        except AwsAccessError as exc:
            units.append(
                {"account_id": account_id, "region": "*", "skip": exc.reason, "message": str(exc)}
            )
    return units


def ingest_unit(
    unit: dict[str, str],
    *,
    day: date,
    run_id: str,
    settings: Settings | None = None,
    base: BaseSession | None = None,
) -> dict[str, Any]:
    """Inventory of ``day`` and its CloudWatch points for one (account, region)."""
    settings = settings or get_settings()
    account_id, region = unit["account_id"], unit["region"]
    outcomes: list[UnitOutcome] = []
    calls = CallCounter()
    with connect(settings) as conn:
        if "skip" in unit:
            for kind in ("inventory", "usage"):
                outcome = UnitOutcome(
                    kind,
                    "aws",
                    account_id,
                    region,
                    day,
                    status=SKIPPED,
                    reason=unit["skip"],
                    message=unit.get("message"),
                )
                record(conn, run_id, outcome)
                outcomes.append(outcome)
        else:
            sessions = AwsSessions(AwsSettings.from_settings(settings), provided=base)
            for outcome in inventory_unit(
                conn, sessions, account_id=account_id, region=region, day=day, run_id=run_id
            ):
                record(conn, run_id, outcome)
                outcomes.append(outcome)

            def keep(outcome: UnitOutcome) -> None:
                record(conn, run_id, outcome)
                outcomes.append(outcome)

            usage_unit(
                conn,
                sessions,
                account_id=account_id,
                region=region,
                days=[day],
                calls=calls,
                on_outcome=keep,
            )
    summary = _summary(account_id, region, day, outcomes)
    summary["get_metric_data_calls"] = calls.get_metric_data
    log.info("usage.unit_done", **summary)
    return summary


def ingest_source(
    source: str,
    *,
    day: date,
    run_id: str,
    settings: Settings | None = None,
    base: BaseSession | None = None,
) -> dict[str, Any]:
    """The file path for one day: Config snapshots and Metric Streams files under ``source``
    (``<source>/config`` and ``<source>/cloudwatch``, the generator's layout)."""
    settings = settings or get_settings()
    scope = Scope(start=day, end=date.fromordinal(day.toordinal() + 1))
    root = source.rstrip("/")
    inventory = ingest_inventory(
        f"{root}/config", scope=scope, run_id=run_id, settings=settings, base=base
    )
    usage = ingest_usage(
        f"{root}/cloudwatch",
        scope=scope,
        run_id=run_id,
        settings=settings,
        base=base,
        retention=False,
    )
    return _summary("*", "*", day, [*inventory.outcomes, *usage.outcomes])


def finish_run(
    results: list[dict[str, Any]],
    *,
    raw_retention_days: int = DEFAULT_RAW_RETENTION_DAYS,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """Drop raw points past retention; fail only when no unit read anything."""
    settings = settings or get_settings()
    with connect(settings) as conn:
        dropped = apply_retention(conn, keep_days=raw_retention_days)
    succeeded = [r for r in results if r["succeeded"]]
    skipped = [s for r in results for s in r["skipped"]]
    if not succeeded:
        raise UsageIngestError(
            "usage_ingest read nothing: "
            + "; ".join(f"{s['account_id']} {s['region']}: {s['reason']}" for s in skipped[:20])
        )
    return {
        "units": len(results),
        "units_read": len(succeeded),
        "skipped": skipped,
        "points": sum(int(r["points"]) for r in results),
        "resources": sum(int(r["resources"]) for r in results),
        "get_metric_data_calls": sum(int(r.get("get_metric_data_calls", 0)) for r in results),
        "raw_partitions_dropped": dropped,
    }


def _summary(
    account_id: str, region: str, day: date, outcomes: list[UnitOutcome]
) -> dict[str, Any]:
    return {
        "account_id": account_id,
        "region": region,
        "day": day.isoformat(),
        "succeeded": any(o.status == SUCCEEDED for o in outcomes),
        "resources": sum(o.resources for o in outcomes if o.kind == "inventory"),
        "points": sum(o.points for o in outcomes),
        "skipped": [
            {
                "kind": o.kind,
                "account_id": o.account_id,
                "region": o.region,
                "reason": o.reason,
                "message": o.message,
            }
            for o in outcomes
            if o.status != SUCCEEDED
        ],
    }
