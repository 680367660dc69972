"""Proposals from findings: for each policy, the open findings it acts on become one proposal
per (finding, action), with the evidence and the digest of what would change.

A finding already in flight for the action (proposed, approved, dry run, executing) is not
proposed again, nor one a person rejected or one already carried out (succeeded, verified,
rolled back): a re-run proposes only what is new. One that expired, went stale or failed is
proposed again with the resource's current state. The resource is described (through the
remediation role) so the digest binds its observed state and the policy sees its tags; a
resource already gone is skipped. Every policy's limits are checked on the whole run before
anything is written (``PolicyLimitError``). A policy in ``auto`` mode approves a proposal whose
facts meet its conditions, as ``policy:<name>``; the rest wait for a person."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import structlog
from botocore.exceptions import BotoCoreError, ClientError
from sqlalchemy import Connection, Engine, insert, select

from finops.analytics.optimization.findings import Finding
from finops.remediation.actions import ACTIONS, Action, Clients, Target
from finops.remediation.approvals import decide
from finops.remediation.digest import digest
from finops.remediation.policies import Policy, ProposalFacts
from finops.remediation.store import IN_FLIGHT, get_proposal
from finops.warehouse.audit import audit
from finops.warehouse.tables import findings, remediation_proposals, utilization_daily

log = structlog.get_logger(__name__)

PROPOSER = "finops.remediation"
NOT_AGAIN = (*IN_FLIGHT, "rejected", "succeeded", "verified", "rolled_back")
EVIDENCE_DAYS = 30
EVIDENCE_METRICS = ("CPUUtilization", "NetworkIn", "NetworkOut", "DatabaseConnections")


@dataclass
class ProposeReport:
    """What a proposing run did."""

    proposed: list[int] = field(default_factory=list)
    auto_approved: list[int] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, why: str) -> None:
        self.skipped[why] = self.skipped.get(why, 0) + 1


@dataclass(frozen=True)
class Candidate:
    """A finding a policy acts on, with the resource's observed state."""

    policy: Policy
    action: Action
    finding: Finding
    row: Mapping[str, Any]
    state: dict[str, Any]

    @property
    def account_id(self) -> str:
        return self.finding.account_id


def risk_of(action: Action) -> str:
    """low: reversible without downtime; medium: reversible with downtime (a type change);
    high: not reversible (a deletion, whatever snapshot it keeps)."""
    if not action.reversible:
        return "high"
    return "medium" if action.name == "resize_instance" else "low"


def propose(
    engine: Engine,
    *,
    policies: Sequence[Policy],
    clients: Clients,
    actor: str = PROPOSER,
    now: datetime,
    run_id: str | None = None,
    four_eyes: bool = False,
) -> ProposeReport:
    """Propose what ``policies`` fix among the open findings (see the module docstring)."""
    report = ProposeReport()
    with engine.connect() as conn:
        open_findings = _open_findings(conn)
        done = _not_again(conn)
    candidates: list[Candidate] = []
    for policy in policies:
        mine = _candidates(policy, open_findings, done, clients, report)
        policy.check_limits(mine)  # PolicyLimitError: nothing proposed by this run
        candidates += mine
    tags = AccountTags(clients)
    with engine.begin() as conn:
        for c in candidates:
            proposal_id = _insert(conn, c, actor=actor, now=now, run_id=run_id, four_eyes=four_eyes)
            report.proposed.append(proposal_id)
            facts = ProposalFacts(
                estimated_monthly_savings=Decimal(c.row["estimated_monthly_savings"]),
                account_tags=tags.of(c.account_id) if c.policy.approval.mode == "auto" else {},
            )
            if c.policy.auto_approves(facts):
                _auto_approve(conn, proposal_id, c.policy, now=now, run_id=run_id)
                report.auto_approved.append(proposal_id)
    log.info(
        "remediation.proposed",
        proposed=len(report.proposed),
        auto_approved=len(report.auto_approved),
        skipped=report.skipped,
        run_id=run_id,
    )
    return report


def _open_findings(conn: Connection) -> list[Mapping[str, Any]]:
    f = findings
    query = (
        select(f)
        .where(f.c.status.in_(("new", "open")), f.c.resource_id.is_not(None))
        .order_by(f.c.estimated_monthly_savings.desc(), f.c.fingerprint)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def _not_again(conn: Connection) -> set[tuple[str, str]]:
    p = remediation_proposals
    rows = conn.execute(select(p.c.fingerprint, p.c.action).where(p.c.status.in_(NOT_AGAIN)))
    return {(fp, action) for fp, action in rows}


def _finding(row: Mapping[str, Any]) -> Finding:
    return Finding(
        finding_type=row["finding_type"],
        account_id=row["account_id"],
        region=row["region"],
        resource_id=row["resource_id"],
        resource_type=row["resource_type"],
        service=row["service"],
        scope=row["scope"],
        estimated_monthly_savings=Decimal(row["estimated_monthly_savings"]),
        details=dict(row["details"] or {}),
    )


def _candidates(
    policy: Policy,
    rows: Sequence[Mapping[str, Any]],
    done: set[tuple[str, str]],
    clients: Clients,
    report: ProposeReport,
) -> list[Candidate]:
    action = ACTIONS.get(policy.action)(policy.action_parameters())
    out = []
    for row in rows:
        if row["finding_type"] not in policy.finding_types:
            continue
        if (row["fingerprint"], policy.action) in done:
            report.skip("already proposed or decided")
            continue
        if not row["region"]:
            report.skip("no region")
            continue
        finding = _finding(row)
        state = action.describe(clients, _target(row))
        if state["state"] == "gone":
            report.skip("resource gone")
            continue
        if not policy.matches(finding, state.get("tags") or {}):
            report.skip("outside the policy's scope")
            continue
        out.append(Candidate(policy, action, finding, row, state))
    return out


def _target(row: Mapping[str, Any]) -> Target:
    return Target(
        account_id=row["account_id"],
        region=row["region"],
        resource_id=row["resource_id"],
        details=dict(row["details"] or {}),
    )


def parameters_json(action: Action) -> dict[str, Any]:
    return dataclasses.asdict(action.parameters)


def _insert(
    conn: Connection,
    c: Candidate,
    *,
    actor: str,
    now: datetime,
    run_id: str | None,
    four_eyes: bool,
) -> int:
    row, params = c.row, parameters_json(c.action)
    bound = digest(
        account_id=row["account_id"],
        region=row["region"],
        resource_id=row["resource_id"],
        action=c.action.name,
        parameters=params,
        observed_state=c.state,
    )
    evidence = _evidence(conn, row)
    proposal_id = conn.execute(
        insert(remediation_proposals)
        .values(
            fingerprint=row["fingerprint"],
            finding_type=row["finding_type"],
            policy=c.policy.name,
            action=c.action.name,
            account_id=row["account_id"],
            region=row["region"],
            resource_id=row["resource_id"],
            resource_type=row["resource_type"],
            parameters=params,
            observed_state=c.state,
            digest=bound,
            evidence=evidence,
            estimated_monthly_savings=row["estimated_monthly_savings"],
            currency=row["currency"],
            risk=risk_of(c.action),
            reversible=c.action.reversible,
            approval_mode=c.policy.approval.mode,
            four_eyes=four_eyes,
            status="proposed",
            proposed_by=actor,
            proposed_at=now,
            expires_at=now + timedelta(hours=c.policy.approval_expiry_hours),
            approval_expiry_hours=c.policy.approval_expiry_hours,
            run_id=run_id,
            updated_at=now,
        )
        .returning(remediation_proposals.c.id)
    ).scalar_one()
    audit(
        conn,
        action="remediation.proposed",
        subject=f"remediation:{proposal_id}",
        run_id=run_id,
        actor=actor,
        details={
            "policy": c.policy.name,
            "action": c.action.name,
            "finding": row["fingerprint"],
            "account_id": row["account_id"],
            "region": row["region"],
            "resource_id": row["resource_id"],
            "digest": bound,
            "estimated_monthly_savings": str(row["estimated_monthly_savings"]),
        },
    )
    return int(proposal_id)


def _evidence(conn: Connection, row: Mapping[str, Any]) -> dict[str, Any]:
    """What a person reviews: the finding's details and cost, and the resource's daily
    utilization over the last 30 days of data."""
    u = utilization_daily
    newest = select(u.c.day).where(u.c.resource_id == row["resource_id"])
    last = conn.execute(newest.order_by(u.c.day.desc()).limit(1)).scalar()
    utilization = []
    if last is not None:
        points = conn.execute(
            select(u.c.day, u.c.metric_name, u.c.avg, u.c.max)
            .where(
                u.c.resource_id == row["resource_id"],
                u.c.account_id == row["account_id"],
                u.c.metric_name.in_(EVIDENCE_METRICS),
                u.c.day > last - timedelta(days=EVIDENCE_DAYS),
            )
            .order_by(u.c.metric_name, u.c.day)
        )
        utilization = [
            {"day": d.isoformat(), "metric": m, "average": a, "maximum": x} for d, m, a, x in points
        ]

    def text(value: Any) -> str | None:
        return None if value is None else str(value)

    return {
        "finding": dict(row["details"] or {}),
        "finding_status": row["status"],
        "first_seen": text(row["first_seen"]),
        "cost_7d": text(row["cost_7d"]),
        "cost_30d": text(row["cost_30d"]),
        "estimated_monthly_savings": text(row["estimated_monthly_savings"]),
        "savings_method": row["savings_method"],
        "currency": row["currency"],
        "utilization": utilization,
    }


def _auto_approve(
    conn: Connection, proposal_id: int, policy: Policy, *, now: datetime, run_id: str | None
) -> None:
    proposal = get_proposal(conn, proposal_id)
    decide(
        conn,
        proposal_id=proposal_id,
        approve=True,
        actor=f"policy:{policy.name}",
        source="policy",
        reason=f"auto approval: {policy.approval.describe()}",
        digest=proposal.digest,
        now=now,
        run_id=run_id,
    )


class AccountTags:
    """Account tags from AWS Organizations (``ListTagsForResource`` through the base session),
    read once per account; none when Organizations cannot be read (an ``auto`` condition on
    account tags then does not hold, so the proposal waits for a person)."""

    def __init__(self, clients: Clients) -> None:
        self.clients = clients
        self.cache: dict[str, dict[str, str]] = {}

    def of(self, account_id: str) -> dict[str, str]:
        if account_id not in self.cache:
            self.cache[account_id] = self._read(account_id)
        return self.cache[account_id]

    def _read(self, account_id: str) -> dict[str, str]:
        try:
            org = self.clients.client("organizations", account_id=None, region="us-east-1")
            pages = org.get_paginator("list_tags_for_resource").paginate(ResourceId=account_id)
            return {t["Key"]: t["Value"] for page in pages for t in page["Tags"]}
        except (ClientError, BotoCoreError) as exc:
            log.warning(
                "remediation.account_tags_unreadable", account_id=account_id, error=str(exc)
            )
            return {}
