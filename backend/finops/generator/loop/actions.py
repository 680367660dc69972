"""What was done to the estate: every executed remediation (read from the warehouse) and the
owner changes an evaluation adds on top (the cases that must not count in full)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection

from finops.generator.options import GeneratorError
from finops.warehouse.remediation_log import executed_proposals

OWNER_CHANGES = ("restart", "usage_growth", "savings_plan")


@dataclass(frozen=True, slots=True)
class ExecutedAction:
    """One executed proposal: what it did, to which resource and when (the end of its
    successful ``execute`` step; for a rollback, the end of its ``rollback`` step)."""

    proposal_id: int
    action: str
    account_id: str
    resource_id: str
    executed_at: datetime
    estimated_monthly_savings: Decimal
    target_type: str | None = None  # resize: the finding's recommended_instance_type
    snapshot_id: str | None = None  # delete_unattached_volume: the snapshot it left
    rolled_back_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "proposal_id": self.proposal_id,
            "action": self.action,
            "account_id": self.account_id,
            "resource_id": self.resource_id,
            "executed_at": self.executed_at.isoformat(),
            "estimated_monthly_savings": str(self.estimated_monthly_savings),
            "target_type": self.target_type,
            "snapshot_id": self.snapshot_id,
            "rolled_back_at": None
            if self.rolled_back_at is None
            else self.rolled_back_at.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class OwnerChange:
    """Something the resource's owner did besides the action, from the action's change hour
    (``restart``: ``days`` later):

    - ``restart``: a stopped instance started again ``days`` days after the stop;
    - ``usage_growth``: the usage grew, in both the world with the action and the one without
      (an office-hours instance now runs round the clock; a volume grows by ``factor``);
    - ``savings_plan``: a Savings Plan sized to the resource's hourly on-demand cost before the
      action starts covering it, in both worlds.
    """

    proposal_id: int
    kind: str
    days: int = 7
    factor: Decimal = Decimal(2)

    def to_json(self) -> dict[str, Any]:
        return {
            "proposal_id": self.proposal_id,
            "kind": self.kind,
            "days": self.days,
            "factor": str(self.factor),
        }


def parse_owner_change(text: str) -> OwnerChange:
    """``PROPOSAL:KIND[:N]`` (``12:restart:7``, ``14:usage_growth``, ``15:savings_plan``)."""
    parts = text.split(":")
    if len(parts) not in (2, 3) or not parts[0].isdigit() or parts[1] not in OWNER_CHANGES:
        raise GeneratorError(
            f"--owner-change {text!r}: expected PROPOSAL:KIND[:N] with KIND one of "
            f"{', '.join(OWNER_CHANGES)}"
        )
    extra: dict[str, Any] = {}
    if len(parts) == 3:
        try:
            if parts[1] == "restart":
                extra["days"] = int(parts[2])
            else:
                extra["factor"] = Decimal(parts[2])
        except (ValueError, ArithmeticError):
            raise GeneratorError(f"--owner-change {text!r}: {parts[2]!r} is not a number") from None
    return OwnerChange(proposal_id=int(parts[0]), kind=parts[1], **extra)


def executed_actions(conn: Connection) -> list[ExecutedAction]:
    """Every proposal in succeeded, verified or rolled_back with its successful execute step,
    in proposal order."""
    rows = executed_proposals(conn)
    actions = []
    for row in rows:
        finding = (row["evidence"] or {}).get("finding") or {}
        undo = row["undo"] or {}
        target = finding.get("recommended_instance_type")
        snapshot = undo.get("snapshot_id")
        actions.append(
            ExecutedAction(
                proposal_id=int(row["id"]),
                action=str(row["action"]),
                account_id=str(row["account_id"]),
                resource_id=str(row["resource_id"]),
                executed_at=row["executed_at"],
                estimated_monthly_savings=Decimal(row["estimated_monthly_savings"]),
                target_type=str(target) if target else None,
                snapshot_id=str(snapshot) if snapshot else None,
                rolled_back_at=row["rolled_back_at"],
            )
        )
    return actions
