"""Remediation proposals ("actions", written by ``finops actions propose`` and the
``remediation`` DAG): the queue by status, one proposal with its evidence, decision and
execution log, and what an approver does with it — approve or reject it for the digest shown,
execute an approved one, roll back an executed reversible one.

Everything goes through the remediation core (``finops.remediation.store``, ``approvals``,
``executor``), which enforces the lifecycle, writes the audit rows (the caller as actor, the
request id) and answers a refused change with an ``ApprovalError`` (409, the message naming the
first decision, the digest or the rule at fault). Row-level security scopes every read and
change to the caller's accounts: a proposal outside them is a 404, as if it did not exist. A
decision records where it came from: ``dashboard`` for a session (the cookie), ``api`` for a
bearer token."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query
from sqlalchemy import Connection

from finops.api.deps import (
    ConnectionDep,
    NowDep,
    PrincipalDep,
    RequestIdDep,
    SettingsDep,
)
from finops.api.errors import error_responses
from finops.api.params import MAX_BIGINT, PageDep
from finops.api.rows import from_row
from finops.api.schemas.actions import (
    ActionDecisionCreate,
    ActionDetailPublic,
    ActionPublic,
    ActionRollbackCreate,
    ActionsPublic,
    ActionStatus,
    DecisionPublic,
    EvidencePublic,
    StepPublic,
)
from finops.auth.principal import AuthKind, Principal
from finops.config import Settings
from finops.db.engine import get_engine
from finops.ingest.aws import AwsSettings
from finops.remediation import Clients, remediation_sessions, store
from finops.remediation.approvals import decide
from finops.remediation.executor import execute, rollback
from finops.remediation.policies import load_policies

router = APIRouter(prefix="/actions", tags=["actions"])

ActionIdPath = Annotated[int, Path(ge=1, le=MAX_BIGINT, description="the proposal's id")]
StatusQuery = Annotated[
    list[ActionStatus] | None,
    Query(description="lifecycle status; repeat for several (default: every status)"),
]
ACTION_ERRORS = error_responses(404, 409)


def decision_source(principal: Principal) -> str:
    """``dashboard`` for a session (the dashboard's cookie), ``api`` for a bearer token."""
    return "dashboard" if principal.auth is AuthKind.SESSION else "api"


def _detail(conn: Connection, proposal_id: int) -> ActionDetailPublic:
    proposal = store.get_proposal(conn, proposal_id)
    decision = store.decision_of(conn, proposal_id)
    return from_row(
        ActionDetailPublic,
        proposal,
        evidence=EvidencePublic.model_validate(
            {"finding": {}, "utilization": [], **(proposal.evidence or {})}
        ),
        decision=None if decision is None else from_row(DecisionPublic, decision),
        steps=[from_row(StepPublic, s) for s in store.steps_of(conn, proposal_id)],
    )


def _clients(settings: Settings) -> Clients:
    """The remediation role's clients, reaching AWS as the settings say (``aws_*``)."""
    return remediation_sessions(settings=AwsSettings.from_settings(settings))


@router.get("", response_model=ActionsPublic)
def read_actions(
    conn: ConnectionDep,
    page: PageDep,
    status: StatusQuery = None,
    account: Annotated[
        str | None, Query(min_length=1, max_length=64, description="the account id")
    ] = None,
    action: Annotated[
        str | None,
        Query(min_length=1, max_length=64, description="the action's name (stop_instance, …)"),
    ] = None,
) -> ActionsPublic:
    """Proposals in the caller's scope, newest first, one page at a time; ``total`` counts
    every proposal matching the filters, ``counts`` every proposal per status (for the queue's
    tabs)."""
    proposals, total = store.list_proposals(
        conn,
        statuses=None if not status else [s.value for s in status],
        account_id=account,
        action=action,
        limit=page.limit,
        offset=page.offset,
    )
    return ActionsPublic(
        items=[from_row(ActionPublic, p) for p in proposals],
        total=total,
        counts=store.status_counts(conn),
    )


@router.get("/{action_id}", response_model=ActionDetailPublic, responses=error_responses(404))
def read_action(conn: ConnectionDep, action_id: ActionIdPath) -> ActionDetailPublic:
    """One proposal with its parameters, the resource's observed state (what the digest binds),
    the evidence, the decision and every step of its execution log."""
    return _detail(conn, action_id)


def _decide(
    conn: Connection,
    *,
    principal: Principal,
    request_id: str,
    now: datetime,
    action_id: int,
    body: ActionDecisionCreate,
    approve: bool,
) -> ActionDetailPublic:
    decide(
        conn,
        proposal_id=action_id,
        approve=approve,
        actor=principal.actor,
        source=decision_source(principal),
        reason=body.reason,
        digest=body.digest,
        now=now,
        request_id=request_id,
    )
    conn.commit()
    return _detail(conn, action_id)


@router.post("/{action_id}/approve", response_model=ActionDetailPublic, responses=ACTION_ERRORS)
def approve_action(
    conn: ConnectionDep,
    principal: PrincipalDep,
    request_id: RequestIdDep,
    now: NowDep,
    action_id: ActionIdPath,
    body: ActionDecisionCreate,
) -> ActionDetailPublic:
    """Approve a waiting proposal for the digest given (approvers). The first decision wins:
    a proposal already decided, one whose digest differs, an expired one or (four-eyes) one the
    caller proposed is a 409 naming why, and nothing changes."""
    return _decide(
        conn,
        principal=principal,
        request_id=request_id,
        now=now,
        action_id=action_id,
        body=body,
        approve=True,
    )


@router.post("/{action_id}/reject", response_model=ActionDetailPublic, responses=ACTION_ERRORS)
def reject_action(
    conn: ConnectionDep,
    principal: PrincipalDep,
    request_id: RequestIdDep,
    now: NowDep,
    action_id: ActionIdPath,
    body: ActionDecisionCreate,
) -> ActionDetailPublic:
    """Reject a waiting proposal (approvers); it is never executed. Refused as an approval
    is (409) when the proposal is no longer waiting or the digest differs."""
    return _decide(
        conn,
        principal=principal,
        request_id=request_id,
        now=now,
        action_id=action_id,
        body=body,
        approve=False,
    )


@router.post("/{action_id}/execute", response_model=ActionDetailPublic, responses=ACTION_ERRORS)
def execute_action(
    conn: ConnectionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    request_id: RequestIdDep,
    now: NowDep,
    action_id: ActionIdPath,
) -> ActionDetailPublic:
    """Carry out an approved proposal now (approvers), as ``finops actions execute`` does:
    its policy must still be loaded and inside its maintenance window; the resource is
    described again (a state that no longer matches the digest makes it ``stale`` and changes
    nothing), then the dry run, the call through the remediation role, verification. A stale,
    refused or failed execution is recorded in the log and answered with the proposal; no valid
    approval (or another execution under way) is a 409."""
    store.get_proposal(conn, action_id)  # in the caller's scope, or a 404
    conn.commit()
    # the executor commits each step on its own connections: the application's, once the
    # caller's scope has admitted the proposal
    execute(
        get_engine(settings),
        proposal_id=action_id,
        clients=_clients(settings),
        actor=principal.actor,
        now=now,
        policies=load_policies(settings.remediation_policy_path),
        request_id=request_id,
    )
    return _detail(conn, action_id)


@router.post("/{action_id}/rollback", response_model=ActionDetailPublic, responses=ACTION_ERRORS)
def rollback_action(
    conn: ConnectionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    request_id: RequestIdDep,
    now: NowDep,
    action_id: ActionIdPath,
    body: ActionRollbackCreate,
) -> ActionDetailPublic:
    """Undo an executed reversible action (approvers), from the undo data its execution
    recorded; an action that cannot be undone, or not in its state, is a 409."""
    store.get_proposal(conn, action_id)  # in the caller's scope, or a 404
    conn.commit()
    rollback(
        get_engine(settings),
        proposal_id=action_id,
        clients=_clients(settings),
        actor=principal.actor,
        reason=body.reason,
        now=now,
        request_id=request_id,
    )
    return _detail(conn, action_id)
