"""The remediation store: proposals, their one decision and their execution log (migration
0016), read as frozen dataclasses, and the writes the proposer, the approval paths and the
executor share. The status lifecycle is the database's (a trigger refuses any other move), and
every write here is audited in the same transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from finops.errors import NotFoundError
from finops.warehouse.audit import audit
from finops.warehouse.tables import (
    remediation_decisions,
    remediation_proposals,
    remediation_steps,
)

STATUSES = (
    "proposed",
    "approved",
    "rejected",
    "expired",
    "dry_run",
    "executing",
    "succeeded",
    "failed",
    "verified",
    "stale",
    "rolled_back",
)
WAITING = "proposed"
IN_FLIGHT = ("proposed", "approved", "dry_run", "executing")
SOURCES = ("dashboard", "api", "cli", "airflow", "policy")


@dataclass(frozen=True)
class Proposal:
    """One remediation of one finding's resource by one action, and where it stands."""

    id: int
    fingerprint: str
    finding_type: str
    policy: str
    action: str
    account_id: str
    region: str
    resource_id: str
    resource_type: str | None
    parameters: dict[str, Any]
    observed_state: dict[str, Any]
    digest: str
    evidence: dict[str, Any]
    estimated_monthly_savings: Decimal
    currency: str
    risk: str
    reversible: bool
    approval_mode: str
    four_eyes: bool
    status: str
    status_reason: str | None
    proposed_by: str
    proposed_at: datetime
    expires_at: datetime
    approval_expiry_hours: int
    run_id: str | None
    updated_at: datetime
    undo: dict[str, Any] | None

    @property
    def subject(self) -> str:
        """How the audit trail names it."""
        return f"remediation:{self.id}"


@dataclass(frozen=True)
class Decision:
    """The approval or rejection a proposal got: who, from where, why, for which digest."""

    id: int
    proposal_id: int
    decision: str
    digest: str
    actor: str
    source: str
    reason: str
    decided_at: datetime
    expires_at: datetime | None
    request_id: str | None
    run_id: str | None


@dataclass(frozen=True)
class Step:
    """One entry of the execution log."""

    id: int
    proposal_id: int
    step: str
    outcome: str
    actor: str
    run_id: str | None
    request_id: str | None
    started_at: datetime
    finished_at: datetime
    detail: dict[str, Any]


def _build(kind: type[Any], row: Any) -> Any:
    return kind(**{f.name: row[f.name] for f in fields(kind)})


def list_proposals(
    conn: Connection,
    *,
    statuses: Sequence[str] | None = None,
    account_id: str | None = None,
    action: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[Proposal], int]:
    """Proposals, newest first, with the count of all that match."""
    p = remediation_proposals
    where: list[Any] = []
    if statuses:
        where.append(p.c.status.in_(list(statuses)))
    if account_id:
        where.append(p.c.account_id == account_id)
    if action:
        where.append(p.c.action == action)
    total = conn.execute(select(func.count()).select_from(p).where(*where)).scalar_one()
    rows = conn.execute(
        select(p).where(*where).order_by(p.c.id.desc()).limit(limit).offset(offset)
    ).mappings()
    return [_build(Proposal, r) for r in rows], int(total)


def get_proposal(conn: Connection, proposal_id: int, *, lock: bool = False) -> Proposal:
    query = select(remediation_proposals).where(remediation_proposals.c.id == proposal_id)
    row = conn.execute(query.with_for_update() if lock else query).mappings().first()
    if row is None:
        raise NotFoundError(f"remediation proposal {proposal_id} does not exist (or not in scope)")
    proposal: Proposal = _build(Proposal, row)
    return proposal


def decision_of(conn: Connection, proposal_id: int) -> Decision | None:
    d = remediation_decisions
    row = conn.execute(select(d).where(d.c.proposal_id == proposal_id)).mappings().first()
    return None if row is None else _build(Decision, row)


def steps_of(conn: Connection, proposal_id: int) -> list[Step]:
    s = remediation_steps
    rows = conn.execute(select(s).where(s.c.proposal_id == proposal_id).order_by(s.c.id))
    return [_build(Step, r) for r in rows.mappings()]


def status_counts(conn: Connection) -> dict[str, int]:
    """How many proposals are in each status (every status named, zero included)."""
    p = remediation_proposals
    rows = conn.execute(select(p.c.status, func.count()).group_by(p.c.status)).all()
    counts = dict.fromkeys(STATUSES, 0)
    counts.update({status: int(n) for status, n in rows})
    return counts


def transition(
    conn: Connection,
    proposal: Proposal,
    status: str,
    *,
    actor: str,
    now: datetime,
    reason: str | None = None,
    run_id: str | None = None,
    request_id: str | None = None,
    undo: dict[str, Any] | None = None,
    details: Mapping[str, Any] | None = None,
) -> Proposal:
    """Move ``proposal`` to ``status`` (the trigger refuses a move the lifecycle does not
    have) and audit it."""
    values: dict[str, Any] = {"status": status, "status_reason": reason, "updated_at": now}
    if undo is not None:
        values["undo"] = undo
    p = remediation_proposals
    row = (
        conn.execute(update(p).where(p.c.id == proposal.id).values(**values).returning(p))
        .mappings()
        .one()
    )
    audit(
        conn,
        action=f"remediation.{status}",
        subject=proposal.subject,
        run_id=run_id or request_id,
        request_id=request_id,
        actor=actor,
        details={
            "from": proposal.status,
            "to": status,
            "reason": reason,
            "digest": proposal.digest,
            "action": proposal.action,
            "resource": proposal.resource_id,
            **(details or {}),
        },
    )
    moved: Proposal = _build(Proposal, row)
    return moved


def add_step(
    conn: Connection,
    proposal: Proposal,
    *,
    step: str,
    outcome: str,
    actor: str,
    started_at: datetime,
    finished_at: datetime,
    detail: Mapping[str, Any],
    run_id: str | None = None,
    request_id: str | None = None,
) -> None:
    """Log one step of carrying out ``proposal`` and audit it."""
    conn.execute(
        insert(remediation_steps).values(
            proposal_id=proposal.id,
            step=step,
            outcome=outcome,
            actor=actor,
            run_id=run_id,
            request_id=request_id,
            started_at=started_at,
            finished_at=finished_at,
            detail=dict(detail),
        )
    )
    audit(
        conn,
        action=f"remediation.step.{step}",
        subject=proposal.subject,
        run_id=run_id or request_id,
        request_id=request_id,
        actor=actor,
        details={"outcome": outcome, "digest": proposal.digest, **detail},
    )
