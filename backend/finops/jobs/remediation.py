"""The remediation job's two halves, what the ``remediation`` DAG and ``finops actions`` call:
propose from the open findings under the policies of ``remediation_policy_dir``, and carry out
the approved proposals (each at most once: the lifecycle and the execution lock guarantee it).

AWS clients come from the remediation role (``finops.remediation.remediation_sessions``) unless
the caller passes its own."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import structlog
from sqlalchemy import select

from finops.config import Settings, get_settings
from finops.db.engine import get_engine
from finops.errors import ApprovalRefusedError, RemediationError
from finops.ingest.aws import AwsSettings
from finops.remediation import remediation_sessions
from finops.remediation.actions import Clients
from finops.remediation.executor import execute, expire_due
from finops.remediation.policies import load_policies
from finops.remediation.proposer import ProposeReport, propose
from finops.remediation.store import Proposal, get_proposal
from finops.warehouse.tables import remediation_proposals

log = structlog.get_logger(__name__)


def _sessions(settings: Settings) -> Clients:
    """The remediation role's clients under these settings (endpoint, accounts, retries)."""
    return remediation_sessions(settings=AwsSettings.from_settings(settings))


def run_propose(
    *,
    settings: Settings | None = None,
    now: datetime,
    run_id: str | None = None,
    clients: Clients | None = None,
) -> ProposeReport:
    """Expire what waited too long, then propose under every policy (``PolicyError`` when a
    policy file is wrong, ``PolicyLimitError`` when a policy's run is over its limits: nothing
    proposed)."""
    settings = settings or get_settings()
    policies = load_policies(settings.remediation_policy_path)
    engine = get_engine(settings)
    with engine.begin() as conn:
        expire_due(conn, now=now)
    return propose(
        engine,
        policies=policies,
        clients=clients or _sessions(settings),
        now=now,
        run_id=run_id,
        four_eyes=settings.remediation_four_eyes,
    )


def run_execute(
    *,
    settings: Settings | None = None,
    now: datetime,
    actor: str,
    run_id: str | None = None,
    proposal_ids: Sequence[int] | None = None,
    clients: Clients | None = None,
) -> list[Proposal]:
    """Carry out the approved proposals (or those of ``proposal_ids`` that are approved),
    after checking each policy's limits on the run: over a limit, nothing is done
    (``PolicyLimitError``). A proposal another run is carrying out, or whose approval expired,
    is logged and left as it is; returns every proposal as it ended."""
    settings = settings or get_settings()
    policies = load_policies(settings.remediation_policy_path)
    engine = get_engine(settings)
    p = remediation_proposals
    query = select(p.c.id).where(p.c.status == "approved").order_by(p.c.id)
    if proposal_ids is not None:
        query = query.where(p.c.id.in_(list(proposal_ids)))
    with engine.connect() as conn:
        approved = [get_proposal(conn, i) for i in conn.execute(query).scalars()]
    for policy in policies:
        policy.check_limits([a for a in approved if a.policy == policy.name])
    clients = clients or _sessions(settings)
    ended = []
    for proposal in approved:
        try:
            ended.append(
                execute(
                    engine,
                    proposal_id=proposal.id,
                    clients=clients,
                    actor=actor,
                    now=now,
                    policies=policies,
                    run_id=run_id,
                )
            )
        except (ApprovalRefusedError, RemediationError) as exc:
            log.warning("remediation.not_carried_out", proposal_id=proposal.id, error=str(exc))
            with engine.connect() as conn:
                ended.append(get_proposal(conn, proposal.id))
    return ended
