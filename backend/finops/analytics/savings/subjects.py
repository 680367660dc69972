"""What the savings tracker measures: every executed remediation (a proposal that reached
succeeded, verified or rolled back; its change time is its successful ``execute`` step's end)
and every finding that disappeared while open because its resource changed or vanished outside
the platform (no executed proposal; the bill shows the resource gone or billed under other
usage types after the finding was resolved)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, select

from finops.analytics.savings.bills import daily_costs, last_billed_day
from finops.warehouse.remediation_log import EXECUTED, executed_proposals
from finops.warehouse.tables import findings, remediation_proposals

# the actions after which the resource should bill no usage at all (``stops``) or no running
# hours (``stops_hours``: a stopped instance or database keeps its storage); the others keep
# the same usage at a new price
STOPS = frozenset(
    {"delete_unattached_volume", "delete_old_snapshot", "release_address", "delete_load_balancer"}
)
STOPS_HOURS = frozenset({"stop_instance", "stop_rds_instance"})
KEEPS_USAGE = frozenset({"resize_instance", "migrate_gp2_to_gp3"})

METHODS = {
    "stops": "resource's own bill before and after: its usage is expected to stop",
    "stops_hours": "resource's own bill before and after: its running hours are expected to stop",
    "keeps_usage": "same resource id before and after: the same usage at its new price",
    "leaves_snapshot": "deleted volume before; the snapshot it left after",
    "vanished": "resource's bill before; gone from the bill after (fixed outside the platform)",
    "changed": "same resource id billed under other usage types after (fixed outside the platform)",
}


@dataclass(frozen=True)
class Subject:
    """One change whose savings are measured."""

    key: str
    kind: str  # action | external_fix
    proposal_id: int | None
    fingerprint: str
    account_id: str
    region: str | None
    resource_id: str
    others: tuple[str, ...]  # resources billed in its place after (a volume's final snapshot)
    action: str | None
    finding_type: str
    policy: str | None
    change_day: date  # excluded from both windows
    changed_at: datetime | None
    baseline_end: date
    after_start: date
    rolled_back_on: date | None
    estimated_monthly_savings: Decimal
    currency: str
    expectation: str  # a key of METHODS


def _day(at: datetime) -> date:
    return at.astimezone(UTC).date()


def executed_actions(conn: Connection) -> list[Subject]:
    """Every executed proposal, with its change time and, for a rollback, its day."""
    return [_action_subject(r) for r in executed_proposals(conn)]


def _action_subject(row: Any) -> Subject:
    at: datetime = row["executed_at"]
    change = _day(at)
    undo = row["undo"] or {}
    snapshot = undo.get("snapshot_id") if row["action"] == "delete_unattached_volume" else None
    action = str(row["action"])
    if snapshot:
        expectation = "leaves_snapshot"
    elif action in STOPS:
        expectation = "stops"
    elif action in STOPS_HOURS:
        expectation = "stops_hours"
    else:
        expectation = "keeps_usage"
    rolled_back_at = row["rolled_back_at"]
    return Subject(
        key=f"proposal:{row['id']}",
        kind="action",
        proposal_id=int(row["id"]),
        fingerprint=str(row["fingerprint"]),
        account_id=str(row["account_id"]),
        region=row["region"],
        resource_id=str(row["resource_id"]),
        others=(str(snapshot),) if snapshot else (),
        action=action,
        finding_type=str(row["finding_type"]),
        policy=str(row["policy"]),
        change_day=change,
        changed_at=at,
        baseline_end=change - timedelta(days=1),
        after_start=change + timedelta(days=1),
        rolled_back_on=None if rolled_back_at is None else _day(rolled_back_at),
        estimated_monthly_savings=Decimal(row["estimated_monthly_savings"]),
        currency=str(row["currency"]),
        expectation=expectation,
    )


def external_fixes(
    conn: Connection, *, last_day: date, min_after_days: int, baseline_days: int
) -> list[Subject]:
    """Findings resolved by ``last_day`` without an executed proposal, whose resource the bill
    shows gone (``vanished``) or billed under other usage types (``changed``) over the first
    ``min_after_days`` days after it was resolved (once the account's bill has them). A
    finding resolved for another reason (its resource became busy) keeps its usage types and
    is not a fix."""
    f, p = findings, remediation_proposals
    acted = select(p.c.fingerprint).where(p.c.status.in_(EXECUTED))
    rows = conn.execute(
        select(f)
        .where(
            f.c.status == "resolved",
            f.c.resource_id.is_not(None),
            f.c.resolved_on.is_not(None),
            f.c.resolved_on + min_after_days <= last_day,
            f.c.fingerprint.not_in(acted),
        )
        .order_by(f.c.resolved_on, f.c.fingerprint)
    ).mappings()
    subjects = []
    for row in rows:
        billed = last_billed_day(conn, account_id=str(row["account_id"]), on_or_before=last_day)
        if billed is None or billed < row["resolved_on"] + timedelta(days=min_after_days):
            continue  # the bill cannot tell a fix yet
        expectation = _outside_fix(
            conn, row, min_after_days=min_after_days, baseline_days=baseline_days
        )
        if expectation is not None:
            subjects.append(_fix_subject(row, expectation))
    return subjects


def _outside_fix(
    conn: Connection, row: Any, *, min_after_days: int, baseline_days: int
) -> str | None:
    last_seen: date = row["last_seen"]
    resolved: date = row["resolved_on"]
    account, resource = str(row["account_id"]), str(row["resource_id"])
    before = daily_costs(
        conn,
        account_id=account,
        primary=resource,
        others=(),
        start=last_seen - timedelta(days=baseline_days - 1),
        end=last_seen,
    )
    after = daily_costs(
        conn,
        account_id=account,
        primary=resource,
        others=(),
        start=resolved + timedelta(days=1),
        end=resolved + timedelta(days=min_after_days),
    )
    types_before = set().union(*(d.usage_types for d in before.values()))
    types_after = set().union(*(d.usage_types for d in after.values()))
    if not types_before:
        return None  # nothing billed before: nothing to measure
    if not types_after and all(d.effective == 0 and d.list == 0 for d in after.values()):
        return "vanished"
    return "changed" if types_after != types_before else None


def _fix_subject(row: Any, expectation: str) -> Subject:
    resolved: date = row["resolved_on"]
    last_seen: date = row["last_seen"]
    return Subject(
        key=f"finding:{row['fingerprint']}:{resolved.isoformat()}",
        kind="external_fix",
        proposal_id=None,
        fingerprint=str(row["fingerprint"]),
        account_id=str(row["account_id"]),
        region=row["region"],
        resource_id=str(row["resource_id"]),
        others=(),
        action=None,
        finding_type=str(row["finding_type"]),
        policy=None,
        change_day=resolved,
        changed_at=None,
        baseline_end=last_seen,
        after_start=resolved + timedelta(days=1),
        rolled_back_on=None,
        estimated_monthly_savings=Decimal(row["estimated_monthly_savings"]),
        currency=str(row["currency"]),
        expectation=expectation,
    )
