"""From finding to verified change against a moto server, and every way around an approval
tried: each must change nothing in AWS and leave the audit chain intact.

The warehouse is a real embedded PostgreSQL (migrated, triggers on); AWS is a moto server,
reached through the same ``AwsSessions`` the remediation role uses."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError

from finops.config import Settings
from finops.db.engine import get_engine
from finops.errors import ApprovalRefusedError, DecisionConflictError, PolicyLimitError
from finops.remediation.approvals import decide
from finops.remediation.executor import execute, expire_due, rollback
from finops.remediation.policies import Policy, load_policies
from finops.remediation.proposer import propose
from finops.remediation.store import Proposal, get_proposal, list_proposals, steps_of
from finops.warehouse.audit_chain import verify_chain
from finops.warehouse.tables import audit_log
from tests.factories.remediation import now, plant_findings, policy_folder
from tests.factories.usage import MotoAws
from tests.remediation.conftest import RecordingClients
from tests.remediation.scenarios import idle_instance


def instance_state(aws: MotoAws, instance_id: str) -> str:
    reservations = aws.client("ec2").describe_instances(InstanceIds=[instance_id])
    return str(reservations["Reservations"][0]["Instances"][0]["State"]["Name"])


@pytest.fixture
def engine(fresh_settings: Settings) -> Engine:
    return get_engine(fresh_settings)


@pytest.fixture
def policies(tmp_path: Path) -> list[Policy]:
    return load_policies(policy_folder(tmp_path / "policies", ""))


def proposed(
    engine: Engine, aws: MotoAws, clients: RecordingClients, policies: list[Policy], **kw: Any
) -> tuple[Proposal, str]:
    instance = idle_instance(aws).resource_id
    plant_findings(engine, instance)
    report = propose(engine, policies=policies, clients=clients, now=now(), run_id="r1", **kw)
    assert len(report.proposed) == 1
    with engine.connect() as conn:
        return get_proposal(conn, report.proposed[0]), instance


def approve(engine: Engine, proposal: Proposal, *, actor: str = "user:ann", **kw: Any) -> None:
    with engine.begin() as conn:
        decide(
            conn,
            proposal_id=proposal.id,
            approve=True,
            actor=actor,
            source="cli",
            reason="idle for 30 days",
            digest=kw.pop("digest", proposal.digest),
            now=kw.pop("at", now()),
            **kw,
        )


def status(engine: Engine, proposal: Proposal) -> str:
    with engine.connect() as conn:
        return get_proposal(conn, proposal.id).status


def test_finding_to_verified_stop(
    engine: Engine, aws: MotoAws, clients: RecordingClients, policies: list[Policy]
) -> None:
    proposal, instance = proposed(engine, aws, clients, policies)
    assert proposal.status == "proposed"
    assert proposal.observed_state == {
        "state": "running",
        "instance_type": "t3.large",
        "tags": {"Name": "idle"},
    }
    assert proposal.evidence["estimated_monthly_savings"] == "42.000000"
    assert (proposal.risk, proposal.reversible, proposal.approval_mode) == ("low", True, "manual")
    # a second run proposes nothing new: one proposal per (finding, action)
    again = propose(engine, policies=policies, clients=clients, now=now(), run_id="r2")
    assert again.proposed == [] and again.skipped == {"already proposed or decided": 1}

    approve(engine, proposal)
    ended = execute(engine, proposal_id=proposal.id, clients=clients, actor="user:ann", now=now())
    assert ended.status == "verified"
    assert instance_state(aws, instance) in ("stopping", "stopped")
    assert ended.undo == {"start": True}
    with engine.connect() as conn:
        log = [(s.step, s.outcome) for s in steps_of(conn, proposal.id)]
        actions = conn.execute(
            select(audit_log.c.action, audit_log.c.actor)
            .where(audit_log.c.subject == f"remediation:{proposal.id}")
            .order_by(audit_log.c.chain_seq)
        ).all()
    assert log == [("dry_run", "ok"), ("execute", "ok"), ("verify", "ok")]
    assert [a for a, _ in actions] == [
        "remediation.proposed",
        "remediation.approved",
        "remediation.step.dry_run",
        "remediation.dry_run",
        "remediation.executing",
        "remediation.step.execute",
        "remediation.succeeded",
        "remediation.step.verify",
        "remediation.verified",
    ]
    assert {actor for a, actor in actions if a != "remediation.proposed"} == {"user:ann"}
    with engine.connect() as conn:
        assert verify_chain(conn).intact

    # replaying the execution does nothing: StopInstances was called once
    with pytest.raises(ApprovalRefusedError, match="is verified, not approved"):
        execute(engine, proposal_id=proposal.id, clients=clients, actor="user:ann", now=now())
    assert clients.calls.count("ec2:StopInstances") == 2  # the DryRun and the real call

    back = rollback(
        engine,
        proposal_id=proposal.id,
        clients=clients,
        actor="user:bob",
        reason="needed",
        now=now(),
    )
    assert back.status == "rolled_back"
    assert instance_state(aws, instance) in ("pending", "running")


def test_replayed_approval_is_refused_naming_the_first(
    engine: Engine, aws: MotoAws, clients: RecordingClients, policies: list[Policy]
) -> None:
    proposal, _ = proposed(engine, aws, clients, policies)
    approve(engine, proposal, actor="user:ann")
    with pytest.raises(DecisionConflictError, match=r"already approved by user:ann \(cli\)"):
        approve(engine, proposal, actor="airflow:bob")


def test_approval_for_another_digest_changes_nothing(
    engine: Engine, aws: MotoAws, clients: RecordingClients, policies: list[Policy]
) -> None:
    proposal, instance = proposed(engine, aws, clients, policies)
    with pytest.raises(ApprovalRefusedError, match="digest: the decision is for"):
        approve(engine, proposal, digest="0" * 64)
    # the database refuses it too, whoever writes
    with pytest.raises(DBAPIError, match="the decision is for digest"), engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO remediation_decisions (proposal_id, decision, digest, actor, "
                "source, reason, decided_at, expires_at) VALUES (:id, 'approve', :d, 'x', "
                "'api', 'r', now(), now() + interval '1 hour')"
            ),
            {"id": proposal.id, "d": "0" * 64},
        )
    assert status(engine, proposal) == "proposed"
    with pytest.raises(ApprovalRefusedError, match="is proposed, not approved"):
        execute(engine, proposal_id=proposal.id, clients=clients, actor="user:ann", now=now())
    assert instance_state(aws, instance) == "running"


def test_expired_approval_changes_nothing(
    engine: Engine, aws: MotoAws, clients: RecordingClients, policies: list[Policy]
) -> None:
    proposal, instance = proposed(engine, aws, clients, policies)
    approve(engine, proposal)
    later = now() + timedelta(hours=73)
    with pytest.raises(ApprovalRefusedError, match="its approval by user:ann expired"):
        execute(engine, proposal_id=proposal.id, clients=clients, actor="user:ann", now=later)
    assert status(engine, proposal) == "expired"
    assert instance_state(aws, instance) == "running"
    assert "ec2:StopInstances" not in clients.calls


def test_unanswered_proposals_expire(
    engine: Engine, aws: MotoAws, clients: RecordingClients, policies: list[Policy]
) -> None:
    proposal, _ = proposed(engine, aws, clients, policies)
    with engine.begin() as conn:
        assert expire_due(conn, now=now()) == 0
        assert expire_due(conn, now=now() + timedelta(hours=72, seconds=1)) == 1
    assert status(engine, proposal) == "expired"
    with pytest.raises(ApprovalRefusedError, match="expired, not waiting"):
        approve(engine, proposal)


def test_resource_changed_after_approval_goes_stale(
    engine: Engine, aws: MotoAws, clients: RecordingClients, policies: list[Policy]
) -> None:
    proposal, instance = proposed(engine, aws, clients, policies)
    approve(engine, proposal)
    aws.client("ec2").create_tags(Resources=[instance], Tags=[{"Key": "owner", "Value": "eve"}])
    ended = execute(engine, proposal_id=proposal.id, clients=clients, actor="user:ann", now=now())
    assert ended.status == "stale"
    assert ended.status_reason is not None and "(tags)" in ended.status_reason
    assert instance_state(aws, instance) == "running"
    assert "ec2:StopInstances" not in clients.calls


def test_four_eyes_refuses_the_proposer(
    engine: Engine, aws: MotoAws, clients: RecordingClients, policies: list[Policy]
) -> None:
    proposal, _ = proposed(engine, aws, clients, policies, actor="user:ann", four_eyes=True)
    with pytest.raises(ApprovalRefusedError, match="four eyes"):
        approve(engine, proposal, actor="token:ci@ann")
    approve(engine, proposal, actor="user:bob")
    assert status(engine, proposal) == "approved"


def test_policy_over_its_limit_proposes_nothing(
    engine: Engine, aws: MotoAws, clients: RecordingClients, tmp_path: Path
) -> None:
    policies = load_policies(policy_folder(tmp_path / "p", "max_resources_per_run: 1\n"))
    plant_findings(engine, idle_instance(aws).resource_id, idle_instance(aws).resource_id)
    with pytest.raises(PolicyLimitError, match="2 resources exceed max_resources_per_run 1"):
        propose(engine, policies=policies, clients=clients, now=now())
    with engine.connect() as conn:
        assert list_proposals(conn) == ([], 0)


def test_lifecycle_is_enforced_by_the_database(
    engine: Engine, aws: MotoAws, clients: RecordingClients, policies: list[Policy]
) -> None:
    proposal, _ = proposed(engine, aws, clients, policies)
    refusals = {
        "UPDATE remediation_proposals SET status = 'executing' WHERE id = :id": (
            "proposed -> executing is not a step of the lifecycle"
        ),
        "UPDATE remediation_proposals SET status = 'approved' WHERE id = :id": (
            "approved without an approval"
        ),
        "UPDATE remediation_proposals SET digest = repeat('a', 64) WHERE id = :id": (
            "cannot be edited"
        ),
        "DELETE FROM remediation_proposals WHERE id = :id": "permission denied",
    }
    for statement, message in refusals.items():
        with pytest.raises(DBAPIError, match=message), engine.begin() as conn:
            conn.execute(text(statement), {"id": proposal.id})
    assert status(engine, proposal) == "proposed"


class _Refused:
    status_code = 403


def refuse_dry_run(params: dict[str, Any], **_: Any) -> tuple[Any, dict[str, Any]] | None:
    """AWS's answer to a DryRun the role may not make (moto cannot produce
    ``UnauthorizedOperation``; the rest of the call path is real)."""
    if params["body"].get("DryRun") != "true":  # the serialized query of EC2's API
        return None
    error = {"Code": "UnauthorizedOperation", "Message": "You are not authorized"}
    return _Refused(), {"Error": error, "ResponseMetadata": {"HTTPStatusCode": 403}}


class RefusingClients(RecordingClients):
    def client(self, service: str, *, account_id: str | None, region: str) -> Any:
        client = super().client(service, account_id=account_id, region=region)
        client.meta.events.register("before-call.ec2.StopInstances", self._refuse)
        return client

    def _refuse(self, params: dict[str, Any], **kw: Any) -> tuple[Any, dict[str, Any]] | None:
        # a more specific handler runs before the recorder's, and its answer ends the call
        self.calls.append("ec2:StopInstances")
        return refuse_dry_run(params, **kw)


def test_unauthorized_dry_run_fails_with_nothing_changed(
    engine: Engine, aws: MotoAws, clients: RecordingClients, policies: list[Policy]
) -> None:
    proposal, instance = proposed(engine, aws, clients, policies)
    approve(engine, proposal)
    refusing = RefusingClients(clients.sessions)
    ended = execute(engine, proposal_id=proposal.id, clients=refusing, actor="user:ann", now=now())
    assert ended.status == "failed"
    assert ended.status_reason is not None and "UnauthorizedOperation" in ended.status_reason
    assert instance_state(aws, instance) == "running"
    assert refusing.calls.count("ec2:StopInstances") == 1  # the DryRun only
    with engine.connect() as conn:
        assert [(s.step, s.outcome, s.detail.get("code")) for s in steps_of(conn, proposal.id)] == [
            ("dry_run", "refused", "UnauthorizedOperation")
        ]


def test_auto_policy_approves_under_its_conditions_only(
    engine: Engine, aws: MotoAws, clients: RecordingClients, tmp_path: Path
) -> None:
    auto = "approval:\n  mode: auto\n  conditions:\n    max_estimated_monthly_savings: '50'\n"
    policies = load_policies(policy_folder(tmp_path / "p", auto))
    cheap, dear = idle_instance(aws).resource_id, idle_instance(aws).resource_id
    plant_findings(engine, cheap, savings="20.00")
    plant_findings(engine, dear, savings="80.00", job="rightsizing")
    report = propose(engine, policies=policies, clients=clients, now=now())
    assert len(report.proposed) == 2 and len(report.auto_approved) == 1
    with engine.connect() as conn:
        by_resource = {p.resource_id: p for p in list_proposals(conn)[0]}
    assert by_resource[cheap].status == "approved"
    assert by_resource[dear].status == "proposed"
    ended = execute(
        engine,
        proposal_id=by_resource[cheap].id,
        clients=clients,
        actor="finops.remediation",
        now=now(),
    )
    assert ended.status == "verified"
