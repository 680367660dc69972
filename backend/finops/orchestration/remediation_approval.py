"""What the ``remediation`` DAG's approval wait needs of the platform: which proposals of a run
wait for a person, what Airflow's human-in-the-loop task shows for one, the platform's own
answer when the dashboard, the API or the CLI decided first, and the record of an answer given
in the Airflow UI (``approvals.decide(source="airflow")``).

"Whichever path answers first wins" (docs/remediation.md, "Approval paths"): the one approval
store decides. The wait (:mod:`finops.orchestration.approval_trigger`) ends on the first of an
Airflow response or a decision in the store; an Airflow response recorded after another path
decided is refused by the store and reported with the first decision named, never executed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Engine, select

from finops.config import Settings, get_settings
from finops.db.engine import get_engine
from finops.errors import ApprovalRefusedError, DecisionConflictError
from finops.remediation import approvals, store
from finops.remediation.approvals import describe_decision
from finops.remediation.store import Proposal
from finops.warehouse.tables import remediation_proposals

APPROVE = "Approve"
REJECT = "Reject"
EXECUTOR = "airflow:remediation"  # the actor of the DAG's dry runs, executions, verifications


def airflow_actor(responder: str) -> str:
    """How the approval store names an Airflow user (``airflow:admin``): the same person as
    ``user:admin`` for four eyes (``approvals.person``)."""
    return f"airflow:{responder}"


@dataclass(frozen=True, slots=True)
class ApprovalRequest:
    """What the human-in-the-loop task asks about one proposal, and until when."""

    proposal_id: int
    subject: str
    body: str
    expires_at: datetime


def _engine(settings: Settings | None) -> Engine:
    return get_engine(settings or get_settings())


def run_proposals(*, run_id: str, settings: Settings | None = None) -> list[Proposal]:
    """Every proposal made by DAG run ``run_id`` (a retried propose task finds the same)."""
    p = remediation_proposals
    with _engine(settings).connect() as conn:
        ids = conn.execute(select(p.c.id).where(p.c.run_id == run_id).order_by(p.c.id))
        return [store.get_proposal(conn, i) for i in ids.scalars()]


def waiting_for_a_person(
    *, run_id: str, every: bool = False, settings: Settings | None = None
) -> list[int]:
    """The ids of run ``run_id``'s proposals that wait for a decision, oldest first; with
    ``every``, of every proposal that waits (made by the CLI, the demo, an earlier run).
    Two runs waiting for one proposal is harmless: the first answer closes both requests."""
    p = remediation_proposals
    query = select(p.c.id).where(p.c.status == store.WAITING).order_by(p.c.id)
    if not every:
        query = query.where(p.c.run_id == run_id)
    with _engine(settings).connect() as conn:
        return [int(i) for i in conn.execute(query).scalars()]


def money(amount: Decimal, currency: str) -> str:
    return f"{amount.quantize(Decimal('0.01'))} {currency}"


def request_for(proposal: Proposal) -> ApprovalRequest:
    """The subject and Markdown body the Airflow UI shows for ``proposal``."""
    subject = (
        f"{proposal.action} {proposal.resource_id} in {proposal.account_id}/{proposal.region}"
        f" (proposal {proposal.id})"
    )
    body = "\n".join(
        [
            f"**{proposal.action}** on `{proposal.resource_id}` ({proposal.resource_type}),"
            f" account `{proposal.account_id}`, region `{proposal.region}`.",
            "",
            f"- finding: `{proposal.finding_type}` (policy `{proposal.policy}`)",
            f"- estimated savings: {money(proposal.estimated_monthly_savings, proposal.currency)}"
            " a month",
            f"- risk: {proposal.risk}; reversible: {'yes' if proposal.reversible else 'no'}",
            f"- digest: `{proposal.digest}`",
            f"- waits until: {proposal.expires_at.isoformat()}",
            "",
            "Approve to dry-run, execute and verify it in this DAG run; the dashboard and"
            " `finops actions show` have the evidence. The first answer from any path wins.",
        ]
    )
    return ApprovalRequest(proposal.id, subject, body, proposal.expires_at)


@dataclass(frozen=True, slots=True)
class PlatformAnswer:
    """The store's answer that ends a wait: a decision (``approve`` set) or a proposal that no
    longer waits (expired, stale: ``approve`` is None)."""

    proposal_id: int
    approve: bool | None
    summary: str

    def report(self) -> dict[str, object]:
        return {
            "proposal_id": self.proposal_id,
            "answered_in": "platform",
            "approved": self.approve,
            "recorded": False,
            "decision": self.summary,
        }


def pending(
    *, proposal_id: int, settings: Settings | None = None
) -> ApprovalRequest | PlatformAnswer:
    """The request to show for ``proposal_id``, or the platform's answer if it no longer
    waits (the task then does not wait)."""
    answer = platform_answer(proposal_id=proposal_id, settings=settings)
    if answer is not None:
        return answer
    with _engine(settings).connect() as conn:
        return request_for(store.get_proposal(conn, proposal_id))


def platform_answer(*, proposal_id: int, settings: Settings | None = None) -> PlatformAnswer | None:
    """The decision the store holds for ``proposal_id`` (made by any path), or the proposal's
    status when it no longer waits; None while it waits for a person."""
    with _engine(settings).connect() as conn:
        decision = store.decision_of(conn, proposal_id)
        if decision is not None:
            return PlatformAnswer(
                proposal_id, decision.decision == "approve", describe_decision(decision)
            )
        proposal = store.get_proposal(conn, proposal_id)
    if proposal.status == store.WAITING:
        return None
    reason = f": {proposal.status_reason}" if proposal.status_reason else ""
    return PlatformAnswer(proposal_id, None, f"no longer waits: {proposal.status}{reason}")


def record_answer(
    *,
    proposal_id: int,
    approve: bool,
    responder: str,
    reason: str,
    now: datetime,
    run_id: str,
    settings: Settings | None = None,
) -> dict[str, object]:
    """Record the Airflow responder's answer in the approval store. A decision another path
    made first is reported with its author, not raised: the store keeps the first answer and
    nothing runs on the second."""
    engine = _engine(settings)
    report: dict[str, object] = {
        "proposal_id": proposal_id,
        "answered_in": "airflow",
        "approved": approve,
        "responder": airflow_actor(responder),
    }
    try:
        with engine.begin() as conn:
            proposal = store.get_proposal(conn, proposal_id)
            decision = approvals.decide(
                conn,
                proposal_id=proposal_id,
                approve=approve,
                actor=airflow_actor(responder),
                source="airflow",
                reason=reason,
                digest=proposal.digest,
                now=now,
                run_id=run_id,
            )
    except (DecisionConflictError, ApprovalRefusedError) as exc:
        # another path decided first, or the proposal stopped waiting (expired, stale)
        return {**report, "recorded": False, "refused": str(exc)}
    return {**report, "recorded": True, "decision": describe_decision(decision)}


def approvers(settings: Settings | None = None) -> list[dict[str, str]]:
    """The Airflow users assigned to every approval task (``FINOPS_REMEDIATION_AIRFLOW_APPROVERS``);
    empty: anyone Airflow lets respond to the DAG's tasks."""
    names = (settings or get_settings()).remediation_airflow_approvers
    return [{"id": name, "name": name} for name in names]
