"""Carrying out an approved proposal, once: re-describe, dry run, execute, verify; and undoing
a reversible one (docs/remediation.md, "Lifecycle").

1. Only a proposal in ``approved`` with a valid approval (an ``approve`` decision for its
   digest, unexpired) is carried out; an expired approval moves it to ``expired``. A per-proposal
   advisory lock, held for the whole execution, makes a second executor (a re-run, the
   dashboard and the DAG at once) refuse rather than act twice; after the first, the status is
   no longer ``approved``.
2. The policy must still exist and its maintenance window be open (otherwise nothing happens
   and the proposal stays approved).
3. The resource is described again through the remediation role; if the digest of its state
   differs from the approved one (retagged, resized, stopped by someone) the proposal becomes
   ``stale`` and nothing is changed.
4. Dry run (EC2 ``DryRun=True``): ``UnauthorizedOperation`` fails it with nothing changed.
5. ``executing`` is committed before the real call (the database checks the approval once
   more), then the call; "already gone" counts as done. Then verification by describing again.

Each step is logged in ``remediation_steps`` and the audit trail with its actor and run or
request id."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import structlog
from sqlalchemy import Connection, Engine, select, text

from finops.errors import (
    ActionRefusedError,
    ApprovalRefusedError,
    RemediationError,
    StaleResourceError,
)
from finops.remediation.actions import ACTIONS, Action, Clients, Outcome, Target
from finops.remediation.approvals import valid_approval
from finops.remediation.digest import digest
from finops.remediation.policies import Policy
from finops.remediation.store import Proposal, add_step, decision_of, get_proposal, transition
from finops.warehouse.tables import remediation_decisions, remediation_proposals

log = structlog.get_logger(__name__)

LOCK_CLASS = 16_016  # pg advisory lock namespace of remediation executions
SYSTEM = "finops.remediation"


def action_of(proposal: Proposal) -> Action:
    cls = ACTIONS.get(proposal.action)
    return cls(cls.parameters_from(dict(proposal.parameters)))


def target_of(proposal: Proposal) -> Target:
    return Target(
        account_id=proposal.account_id,
        region=proposal.region,
        resource_id=proposal.resource_id,
        details=dict(proposal.evidence.get("finding") or {}),
    )


def state_digest(proposal: Proposal, state: dict[str, Any]) -> str:
    return digest(
        account_id=proposal.account_id,
        region=proposal.region,
        resource_id=proposal.resource_id,
        action=proposal.action,
        parameters=proposal.parameters,
        observed_state=state,
    )


def changed_keys(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


@contextmanager
def execution_lock(engine: Engine, proposal_id: int) -> Iterator[None]:
    """Hold the proposal's advisory lock (one session) for the whole execution."""
    with engine.connect() as conn:
        got = conn.execute(
            text("SELECT pg_try_advisory_lock(:c, :k)"), {"c": LOCK_CLASS, "k": proposal_id}
        ).scalar_one()
        conn.commit()
        if not got:
            raise ApprovalRefusedError(
                f"remediation proposal {proposal_id} is being carried out by another run; "
                "nothing was done by this one"
            )
        try:
            yield
        finally:
            conn.execute(
                text("SELECT pg_advisory_unlock(:c, :k)"), {"c": LOCK_CLASS, "k": proposal_id}
            )
            conn.commit()


class _Run:
    """One execution's context: who, which run or request, and the step log."""

    def __init__(
        self,
        engine: Engine,
        proposal: Proposal,
        *,
        actor: str,
        run_id: str | None,
        request_id: str | None,
    ) -> None:
        self.engine, self.proposal = engine, proposal
        self.actor, self.run_id, self.request_id = actor, run_id, request_id

    def record(
        self,
        step: str,
        outcome: str,
        started: datetime,
        detail: dict[str, Any],
        *,
        status: str | None = None,
        reason: str | None = None,
        undo: dict[str, Any] | None = None,
    ) -> Proposal:
        """Log a step and (optionally) move the proposal, in one transaction."""
        with self.engine.begin() as conn:
            add_step(
                conn,
                self.proposal,
                step=step,
                outcome=outcome,
                actor=self.actor,
                started_at=started,
                finished_at=datetime.now(UTC),
                detail=detail,
                run_id=self.run_id,
                request_id=self.request_id,
            )
            if status is not None:
                self.proposal = self.move(conn, status, reason=reason, undo=undo)
        return self.proposal

    def move(
        self,
        conn: Connection,
        status: str,
        *,
        reason: str | None = None,
        undo: dict[str, Any] | None = None,
    ) -> Proposal:
        return transition(
            conn,
            self.proposal,
            status,
            actor=self.actor,
            now=datetime.now(UTC),
            reason=reason,
            run_id=self.run_id,
            request_id=self.request_id,
            undo=undo,
        )

    def failed(self, step: str, started: datetime, exc: Exception) -> Proposal:
        if isinstance(exc, StaleResourceError):
            outcome, status = "stale", "stale"
        elif isinstance(exc, ActionRefusedError):
            outcome, status = "refused", "failed"
        else:
            outcome, status = "failed", "failed"
        detail: dict[str, Any] = {"error": str(exc)}
        if isinstance(exc, ActionRefusedError):
            detail["code"] = exc.code
        return self.record(step, outcome, started, detail, status=status, reason=str(exc))


def execute(
    engine: Engine,
    *,
    proposal_id: int,
    clients: Clients,
    actor: str,
    now: datetime,
    policies: Sequence[Policy] | None = None,
    run_id: str | None = None,
    request_id: str | None = None,
) -> Proposal:
    """Carry out an approved proposal (see the module docstring); returns it as it ends.
    Stale, refused and failed outcomes are recorded and returned, not raised;
    ``ApprovalRefusedError`` when it has no valid approval (nothing done)."""
    with execution_lock(engine, proposal_id):
        run = _Run(
            engine,
            _approved(engine, proposal_id, actor=actor, now=now, run_id=run_id),
            actor=actor,
            run_id=run_id,
            request_id=request_id,
        )
        if policies is not None:
            _check_policy(run.proposal, policies, now)
        return _carry_out(run, clients)


def _approved(
    engine: Engine, proposal_id: int, *, actor: str, now: datetime, run_id: str | None
) -> Proposal:
    """The proposal if it is approved under a valid approval; an expired approval moves it to
    ``expired`` (committed) and is raised."""
    with engine.begin() as conn:
        proposal = get_proposal(conn, proposal_id, lock=True)
        if proposal.status != "approved":
            raise ApprovalRefusedError(
                f"remediation proposal {proposal_id} is {proposal.status}, not approved; "
                "nothing was done"
            )
        decision = decision_of(conn, proposal_id)
        try:
            valid_approval(conn, proposal, now=now)
        except ApprovalRefusedError as exc:
            refusal = exc
        else:
            return proposal
        if decision is not None and decision.expires_at is not None:
            transition(
                conn,
                proposal,
                "expired",
                actor=actor,
                now=now,
                reason=str(refusal),
                run_id=run_id,
            )
    raise refusal


def _check_policy(proposal: Proposal, policies: Sequence[Policy], now: datetime) -> None:
    policy = next((p for p in policies if p.name == proposal.policy), None)
    if policy is None:
        raise RemediationError(
            f"remediation proposal {proposal.id}: its policy {proposal.policy!r} is no longer "
            "among the policies loaded; nothing was done"
        )
    if not policy.in_window(now):
        window = policy.window.summary() if policy.window else ""
        raise RemediationError(
            f"remediation proposal {proposal.id}: outside policy {policy.name}'s maintenance "
            f"window ({window}); nothing was done, it stays approved"
        )


def _carry_out(run: _Run, clients: Clients) -> Proposal:
    proposal = run.proposal
    action, target = action_of(proposal), target_of(proposal)
    started = datetime.now(UTC)
    try:
        state = action.describe(clients, target)
    except RemediationError as exc:
        return run.failed("describe", started, exc)
    if state_digest(proposal, state) != proposal.digest:
        keys = changed_keys(proposal.observed_state, state)
        why = f"the resource changed since it was approved ({', '.join(keys)}); nothing was changed"
        detail = {"observed_state": state, "changed": keys}
        return run.record("describe", "stale", started, detail, status="stale", reason=why)
    started = datetime.now(UTC)
    try:
        checked = action.dry_run(clients, target)
    except RemediationError as exc:
        return run.failed("dry_run", started, exc)
    run.record("dry_run", "ok", started, {"state": checked}, status="dry_run")
    with run.engine.begin() as conn:
        run.proposal = run.move(conn, "executing")
    started = datetime.now(UTC)
    try:
        outcome = action.execute(clients, target)
    except RemediationError as exc:
        return run.failed("execute", started, exc)
    run.record(
        "execute",
        "ok",
        started,
        _outcome(outcome),
        status="succeeded",
        undo=outcome.undo,
        reason=outcome.note or None,
    )
    return _verify(run, action, clients, target)


def _outcome(outcome: Outcome) -> dict[str, Any]:
    return {"changed": outcome.changed, "calls": list(outcome.calls), "note": outcome.note}


def _verify(run: _Run, action: Action, clients: Clients, target: Target) -> Proposal:
    started = datetime.now(UTC)
    try:
        state = action.verify(clients, target)
    except RemediationError as exc:
        return run.failed("verify", started, exc)
    return run.record("verify", "ok", started, {"state": state}, status="verified")


def rollback(
    engine: Engine,
    *,
    proposal_id: int,
    clients: Clients,
    actor: str,
    reason: str,
    now: datetime,
    run_id: str | None = None,
    request_id: str | None = None,
) -> Proposal:
    """Undo a carried-out reversible proposal from the undo data its execution recorded."""
    if not reason.strip():
        raise ApprovalRefusedError("reason: a rollback needs a reason")
    with execution_lock(engine, proposal_id):
        with engine.connect() as conn:
            proposal = get_proposal(conn, proposal_id)
        if proposal.status not in ("succeeded", "verified"):
            raise ApprovalRefusedError(
                f"remediation proposal {proposal_id} is {proposal.status}; only a succeeded or "
                "verified action can be rolled back"
            )
        if not proposal.reversible:
            raise ApprovalRefusedError(
                f"remediation proposal {proposal_id}: {proposal.action} is not reversible "
                f"({ACTIONS.get(proposal.action).undo})"
            )
        run = _Run(engine, proposal, actor=actor, run_id=run_id, request_id=request_id)
        started = datetime.now(UTC)
        try:
            outcome = action_of(proposal).rollback(
                clients, target_of(proposal), proposal.undo or {}
            )
        except RemediationError as exc:
            run.record("rollback", "failed", started, {"error": str(exc), "reason": reason})
            raise
        return run.record(
            "rollback",
            "ok",
            started,
            {**_outcome(outcome), "reason": reason},
            status="rolled_back",
            reason=reason.strip(),
        )


def expire_due(conn: Connection, *, now: datetime, actor: str = SYSTEM) -> int:
    """Expire the proposals nobody decided in time and the approvals nobody carried out in
    time; returns how many."""
    p, d = remediation_proposals, remediation_decisions
    waiting = select(p.c.id).where(p.c.status == "proposed", p.c.expires_at <= now)
    unused = (
        select(p.c.id)
        .join(d, d.c.proposal_id == p.c.id)
        .where(p.c.status.in_(("approved", "dry_run")), d.c.expires_at <= now)
    )
    ids = sorted({*conn.execute(waiting).scalars(), *conn.execute(unused).scalars()})
    for proposal_id in ids:
        proposal = get_proposal(conn, proposal_id, lock=True)
        why = (
            "no decision before it expired"
            if proposal.status == "proposed"
            else "the approval expired before it was carried out"
        )
        transition(conn, proposal, "expired", actor=actor, now=now, reason=why)
    return len(ids)
