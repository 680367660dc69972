"""The approval store: the one decision a proposal gets, whichever path gives it first (the
dashboard, the API, ``finops actions approve|reject``, the Airflow UI through the
``remediation`` DAG, or an ``auto`` policy).

A decision names the digest it was given for; it is refused for another digest, for a proposal
no longer waiting, past the proposal's expiry, and (with four eyes) from the person who
proposed it. The database enforces the same (migration 0016's triggers and the unique
decision per proposal), so two paths answering at once cannot both win: the second gets
:class:`DecisionConflictError` naming the first. An approval is valid for
``approval_expiry_hours`` (the policy's, 72 by default)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import Connection, insert
from sqlalchemy.exc import IntegrityError

from finops.errors import (
    ApprovalRefusedError,
    DecisionConflictError,
    InvalidParameterError,
)
from finops.remediation.store import (
    SOURCES,
    WAITING,
    Decision,
    Proposal,
    decision_of,
    get_proposal,
    transition,
)
from finops.warehouse.tables import remediation_decisions

_PERSON = re.compile(r"^(user:|cli:|airflow:|token:[^@]*@)")


def person(actor: str) -> str:
    """The person behind an actor: ``user:alice``, ``token:ci@alice``, ``cli:alice`` and
    ``airflow:alice`` are all alice (four eyes compares people, not credentials)."""
    return _PERSON.sub("", actor)


def describe_decision(decision: Decision) -> str:
    verb = "approved" if decision.decision == "approve" else "rejected"
    return (
        f"{verb} by {decision.actor} ({decision.source}) at "
        f"{decision.decided_at:%Y-%m-%d %H:%M:%S %Z}: {decision.reason}"
    )


def check_decidable(
    conn: Connection, proposal: Proposal, *, actor: str, digest: str, now: datetime
) -> None:
    """Raise the reason ``actor`` may not decide ``proposal`` for ``digest`` now, if any."""
    existing = decision_of(conn, proposal.id)
    if existing is not None:
        raise DecisionConflictError(
            f"remediation proposal {proposal.id} was already {describe_decision(existing)}"
        )
    if proposal.status != WAITING:
        raise ApprovalRefusedError(
            f"remediation proposal {proposal.id} is {proposal.status}, not waiting for a "
            f"decision ({proposal.status_reason or 'no reason recorded'})"
        )
    if digest != proposal.digest:
        raise ApprovalRefusedError(
            f"digest: the decision is for {digest!r}, remediation proposal {proposal.id} is "
            f"{proposal.digest} (what was reviewed is not what would change)"
        )
    if now >= proposal.expires_at:
        raise ApprovalRefusedError(
            f"remediation proposal {proposal.id} expired at {proposal.expires_at:%Y-%m-%d %H:%M %Z}"
            " without a decision; the next run proposes it again if the finding remains"
        )
    if proposal.four_eyes and person(actor) == person(proposal.proposed_by):
        raise ApprovalRefusedError(
            f"remediation proposal {proposal.id}: {actor} proposed it and may not decide it "
            "(four eyes: another approver must)"
        )


def decide(
    conn: Connection,
    *,
    proposal_id: int,
    approve: bool,
    actor: str,
    source: str,
    reason: str,
    digest: str,
    now: datetime,
    request_id: str | None = None,
    run_id: str | None = None,
) -> Decision:
    """Record ``actor``'s decision on a waiting proposal, for ``digest``, and move it to
    approved or rejected (in the caller's transaction, audited)."""
    if source not in SOURCES:
        raise InvalidParameterError(f"source: one of {', '.join(SOURCES)}, got {source!r}")
    if not reason.strip():
        raise InvalidParameterError("reason: a decision needs a reason")
    if not actor.strip():
        raise InvalidParameterError("actor: a decision needs an actor")
    proposal = get_proposal(conn, proposal_id, lock=True)
    check_decidable(conn, proposal, actor=actor, digest=digest, now=now)
    expires_at = now + timedelta(hours=proposal.approval_expiry_hours) if approve else None
    try:
        with conn.begin_nested():
            row = (
                conn.execute(
                    insert(remediation_decisions)
                    .values(
                        proposal_id=proposal.id,
                        decision="approve" if approve else "reject",
                        digest=digest,
                        actor=actor,
                        source=source,
                        reason=reason.strip(),
                        decided_at=now,
                        expires_at=expires_at,
                        request_id=request_id,
                        run_id=run_id,
                    )
                    .returning(remediation_decisions)
                )
                .mappings()
                .one()
            )
    except IntegrityError as exc:  # another path decided between our check and our insert
        existing = decision_of(conn, proposal.id)
        if existing is None:
            raise ApprovalRefusedError(
                f"remediation proposal {proposal.id}: the decision was refused: {exc.orig}"
            ) from exc
        raise DecisionConflictError(
            f"remediation proposal {proposal.id} was already {describe_decision(existing)}"
        ) from exc
    decision = Decision(**dict(row))
    transition(
        conn,
        proposal,
        "approved" if approve else "rejected",
        actor=actor,
        now=now,
        reason=reason.strip(),
        run_id=run_id,
        request_id=request_id,
        details={
            "source": source,
            "approval_expires_at": expires_at.isoformat() if expires_at else None,
        },
    )
    return decision


def valid_approval(conn: Connection, proposal: Proposal, *, now: datetime) -> Decision:
    """The approval ``proposal`` may be carried out under: an ``approve`` decision for its
    digest, not expired at ``now``; otherwise :class:`ApprovalRefusedError`."""
    decision = decision_of(conn, proposal.id)
    if decision is None or decision.decision != "approve":
        raise ApprovalRefusedError(
            f"remediation proposal {proposal.id} has no approval"
            + (f" (it was {describe_decision(decision)})" if decision else "")
        )
    if decision.digest != proposal.digest:
        raise ApprovalRefusedError(
            f"remediation proposal {proposal.id}: the approval is for digest {decision.digest}, "
            f"not {proposal.digest}"
        )
    if decision.expires_at is None or now >= decision.expires_at:
        raise ApprovalRefusedError(
            f"remediation proposal {proposal.id}: its approval by {decision.actor} expired at "
            f"{decision.expires_at:%Y-%m-%d %H:%M %Z}; it must be proposed and approved again"
        )
    return decision
