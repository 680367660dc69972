"""Remediation proposals ("actions"), their decision and execution log (``/actions``).

The names and values mirror ``finops.remediation.store`` (``Proposal``, ``Decision``, ``Step``);
the enums here are checked against the store's ``STATUSES`` by the API tests."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from finops.api.schemas.common import Money

MAX_REASON_CHARS = 1000
DIGEST_PATTERN = r"^[0-9a-f]{64}$"


class ActionStatus(StrEnum):
    """A proposal's lifecycle (enforced by the database: docs/remediation.md)."""

    proposed = "proposed"
    approved = "approved"
    rejected = "rejected"
    expired = "expired"
    stale = "stale"
    dry_run = "dry_run"
    executing = "executing"
    succeeded = "succeeded"
    failed = "failed"
    verified = "verified"
    rolled_back = "rolled_back"


class ActionRisk(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"


class ApprovalMode(StrEnum):
    manual = "manual"
    auto = "auto"


class DecisionKind(StrEnum):
    approve = "approve"
    reject = "reject"


class DecisionSource(StrEnum):
    """Where the decision was made: the dashboard (a session), the API (a token), the CLI, the
    Airflow UI (the ``remediation`` DAG's approval task) or a policy (``approval: auto``)."""

    dashboard = "dashboard"
    api = "api"
    cli = "cli"
    airflow = "airflow"
    policy = "policy"


class StepKind(StrEnum):
    describe = "describe"
    dry_run = "dry_run"
    execute = "execute"
    verify = "verify"
    rollback = "rollback"


class StepOutcome(StrEnum):
    ok = "ok"
    stale = "stale"
    refused = "refused"
    failed = "failed"
    expired = "expired"


class ActionPublic(BaseModel):
    """A proposal in the queue: what would be done to which resource, why, and where it is in
    its lifecycle."""

    id: int
    fingerprint: str = Field(description="the finding the proposal fixes")
    finding_type: str
    policy: str
    action: str = Field(description="the remediation action's registry name")
    account_id: str
    region: str
    resource_id: str
    resource_type: str | None
    digest: str = Field(
        description="sha256 of the account, region, resource, action, parameters and observed "
        "state: an approval is valid for this digest only"
    )
    estimated_monthly_savings: Money
    currency: str
    risk: ActionRisk
    reversible: bool
    approval_mode: ApprovalMode
    four_eyes: bool = Field(description="the proposer may not approve it")
    status: ActionStatus
    status_reason: str | None
    proposed_by: str
    proposed_at: datetime
    expires_at: datetime = Field(description="the proposal waits for a decision until then")
    approval_expiry_hours: int = Field(description="how long an approval stays valid")
    run_id: str | None
    updated_at: datetime


class ActionsPublic(BaseModel):
    items: list[ActionPublic]
    total: int = Field(description="proposals matching the filters (every page)")
    counts: dict[str, int] = Field(
        description="proposals per status in the caller's scope, whatever the filters (every "
        "status listed, 0 included)"
    )


class DecisionPublic(BaseModel):
    """The answer to a proposal (the first one wins)."""

    id: int
    decision: DecisionKind
    digest: str
    actor: str
    source: DecisionSource
    reason: str
    decided_at: datetime
    expires_at: datetime | None = Field(description="an approval is valid until then")
    request_id: str | None
    run_id: str | None


class StepPublic(BaseModel):
    """One step of the execution log: a describe, the dry run, the call, its verification or a
    rollback, with what it found."""

    id: int
    step: StepKind
    outcome: StepOutcome
    actor: str
    run_id: str | None
    request_id: str | None
    started_at: datetime
    finished_at: datetime | None
    detail: dict[str, Any]


class UtilizationDayPublic(BaseModel):
    day: date
    metric: str
    average: float | None
    maximum: float | None


class EvidencePublic(BaseModel):
    """Why the action is proposed: the finding's details, the resource's recent cost and its
    daily utilization (last 30 days, possibly empty)."""

    finding: dict[str, Any]
    cost_7d: Money | None
    cost_30d: Money | None
    currency: str | None
    savings_method: str | None = Field(
        default=None, description="how the finding priced the savings (see /findings)"
    )
    utilization: list[UtilizationDayPublic]


class ActionDetailPublic(ActionPublic):
    parameters: dict[str, Any]
    observed_state: dict[str, Any] = Field(
        description="the resource as described when proposed (bound by the digest)"
    )
    evidence: EvidencePublic
    undo: dict[str, Any] | None = Field(description="what a rollback restores, once executed")
    decision: DecisionPublic | None
    steps: list[StepPublic]


class ActionDecisionCreate(BaseModel):
    """An approval or a rejection: why, and the digest the approver saw (an approval for
    another digest is refused)."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=MAX_REASON_CHARS, pattern=r"\S")
    digest: str = Field(pattern=DIGEST_PATTERN, description="the proposal's digest, as shown")


class ActionRollbackCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=MAX_REASON_CHARS, pattern=r"\S")
