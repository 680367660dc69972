"""The ``remediation`` DAG on a real Airflow 3.3 (api-server, scheduler, dag-processor,
triggerer) against a moto server: a planted idle instance becomes a finding (the real waste
job), a proposal (the DAG's propose task), waits in the Airflow UI's "Required actions", is
approved through Airflow's human-in-the-loop REST API exactly as the UI does it (PATCH
``…/hitlDetails`` as the logged-in user), dry-run, executed and verified: the instance is
stopped in moto, the audit chain verifies and its rows name the Airflow responder.

Then the other approval paths: a decision in the approval store (the dashboard's) ends the
DAG's wait and closes the Airflow request (a later Airflow answer is refused, 409); an Airflow
answer after another path decided is recorded nowhere and reported with the first decision;
a cleared, re-run run acts on nothing twice.

One Airflow for the module, under a FINOPS_HOME of its own (its own embedded PostgreSQL and
Airflow metadata database), so no other test's DAG state reaches its scheduler."""

from __future__ import annotations

import shutil
import socket
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from finops.config import Settings
from finops.db.engine import get_engine
from finops.errors import DecisionConflictError, FinOpsError
from finops.ingest.aws import AwsSettings
from finops.jobs.remediation import run_propose
from finops.orchestration.airflow_api import AirflowApi
from finops.orchestration.airflow_runtime import start_airflow, wait_for_run
from finops.orchestration.processes import ProcessGroup
from finops.orchestration.remediation_approval import record_answer
from finops.remediation import approvals, remediation_sessions, store
from finops.warehouse.audit_chain import verify_chain
from tests.factories.idle_estate import REGION, IdleInstance, plant_idle_instance
from tests.factories.moto import start_moto_server, stop_moto_server
from tests.factories.policies import BASE, write_policies
from tests.factories.usage import MotoAws

DAG = "remediation"
AS_OF = date(2026, 11, 20)


@dataclass
class Stack:
    settings: Settings
    api: AirflowApi
    aws: MotoAws
    group: ProcessGroup
    folder: Path

    def plant(self) -> IdleInstance:
        self.folder.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(dir=self.folder))
        return plant_idle_instance(self.aws, self.settings, folder, AS_OF)

    def trigger(self, name: str, **conf: object) -> str:
        run_id = f"test__{name}_{time.time_ns()}"
        self.api.trigger(DAG, run_id=run_id, conf=conf)
        return run_id

    def finish(self, run_id: str) -> str:
        return wait_for_run(self.settings, DAG, run_id, group=self.group, timeout_s=600)

    def sql(self, query: str, **params: object) -> list[tuple[Any, ...]]:
        with get_engine(self.settings).connect() as conn:
            return [tuple(r) for r in conn.execute(text(query), params)]

    def instance_state(self, instance_id: str) -> str:
        reservations = self.aws.client("ec2", REGION).describe_instances(InstanceIds=[instance_id])
        return str(reservations["Reservations"][0]["Instances"][0]["State"]["Name"])

    def proposal_of(self, instance_id: str) -> store.Proposal:
        with get_engine(self.settings).connect() as conn:
            found, _ = store.list_proposals(conn, limit=1000)
        (proposal,) = [p for p in found if p.resource_id == instance_id]
        return proposal


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    from finops.db.embedded import stop_server
    from finops.db.migrate import upgrade

    home = Path(tempfile.mkdtemp(prefix="finops-test-remediation-"))
    server, endpoint = start_moto_server()
    write_policies(home / "policies", "stop-idle.yaml", BASE.format(name="stop-idle"))
    group = ProcessGroup(log_dir=home / "logs")
    with pytest.MonkeyPatch.context() as mp:
        # what the Airflow processes (and their tasks) inherit
        for name, value in {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_CONFIG_FILE": "/nonexistent",
            "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
            "FINOPS_AWS_ENDPOINT_URL": endpoint,
            "FINOPS_REMEDIATION_POLICY_DIR": str(home / "policies"),
            "FINOPS_REMEDIATION_AIRFLOW_APPROVERS": '["admin"]',
            # log servers of their own: other Airflows on this machine hold the defaults
            "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(_free_port()),
            "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(_free_port()),
        }.items():
            mp.setenv(name, value)
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
            mp.delenv(name, raising=False)
        settings = Settings(home=home, environment="test", airflow_port=_free_port())
        try:
            upgrade(get_engine(settings))
            access = start_airflow(settings, group)
            api = AirflowApi.login(
                url=access.url, username=access.username, password=access.password
            )
            api.set_paused((DAG,), paused=False)
            yield Stack(settings, api, MotoAws(endpoint), group, home / "estates")
        finally:
            group.stop()
            get_engine(settings).dispose()
            stop_moto_server(server, endpoint)
            stop_server(home / "pgdata")
            shutil.rmtree(home, ignore_errors=True)


def _until(what: str, stack: Stack, probe: Callable[[], Any], timeout_s: float = 300) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        stack.group.raise_if_failed(during=what)
        found = probe()
        if found:
            return found
        time.sleep(1)
    raise AssertionError(f"timed out waiting for {what}")


def _pending_request(stack: Stack, run_id: str) -> dict[str, Any]:
    """The run's one approval request once its task waits (deferred, its trigger running in
    the triggerer) for a person."""

    def probe() -> dict[str, Any] | None:
        details = stack.api.hitl_details(DAG, run_id)
        waiting = [
            d
            for d in details
            if d["task_instance"]["state"] == "deferred"
            and (d["task_instance"].get("trigger") or {}).get("triggerer_id") is not None
        ]
        return waiting[0] if len(waiting) == 1 else None

    return dict(_until(f"{run_id} to wait for approval", stack, probe))


def _dashboard_decides(stack: Stack, proposal: store.Proposal, *, reason: str) -> None:
    """A rejection by user:alice from the dashboard (the call its route makes)."""
    with get_engine(stack.settings).begin() as conn:
        approvals.decide(
            conn,
            proposal_id=proposal.id,
            approve=False,
            actor="user:alice",
            source="dashboard",
            reason=reason,
            digest=proposal.digest,
            now=datetime.now(UTC),
        )


def test_an_idle_instance_is_stopped_after_approval_in_the_airflow_ui(stack: Stack) -> None:
    planted = stack.plant()
    run_id = stack.trigger("airflow_ui")
    request = _pending_request(stack, run_id)
    proposal = stack.proposal_of(planted.instance_id)
    assert (proposal.status, proposal.action, proposal.run_id) == (
        "proposed",
        "stop_instance",
        run_id,
    )
    assert request["options"] == ["Approve", "Reject"]
    assert request["assigned_users"] == [{"id": "admin", "name": "admin"}]
    assert planted.instance_id in request["subject"] and proposal.digest in request["body"]
    assert request["task_instance"]["task_id"] == "approval"
    assert stack.instance_state(planted.instance_id) == "running"

    answer = stack.api.respond(
        DAG,
        run_id,
        "approval",
        map_index=request["task_instance"]["map_index"],
        chosen_options=["Approve"],
        params_input={"reason": "idle for two weeks"},
    )
    assert answer["responded_by"] == {"id": "admin", "name": "admin"}
    assert stack.finish(run_id) == "success"

    report = stack.api.task_result(DAG, run_id, "approval", map_index=0)
    assert (report["answered_in"], report["responder"], report["recorded"]) == (
        "airflow",
        "airflow:admin",
        True,
    )
    executed = stack.api.task_result(DAG, run_id, "execute")
    proposal = stack.proposal_of(planted.instance_id)
    assert [(e["proposal_id"], e["status"]) for e in executed] == [(proposal.id, "verified")]
    assert stack.instance_state(planted.instance_id) == "stopped"
    assert proposal.status == "verified"
    with get_engine(stack.settings).connect() as conn:
        decision = store.decision_of(conn, proposal.id)
        steps = store.steps_of(conn, proposal.id)
    assert decision is not None
    assert (decision.decision, decision.actor, decision.source, decision.reason) == (
        "approve",
        "airflow:admin",
        "airflow",
        "idle for two weeks",
    )
    assert decision.digest == proposal.digest and decision.run_id == run_id
    assert [(s.step, s.outcome) for s in steps] == [
        ("dry_run", "ok"),
        ("execute", "ok"),
        ("verify", "ok"),
    ]

    with get_engine(stack.settings).connect() as conn:
        chain = verify_chain(conn)
    assert chain.intact, chain.broken
    assert chain.rows_checked >= 6  # proposed, approved, three steps and their transitions
    actors = stack.sql(
        "SELECT actor, action FROM finops.audit_log WHERE subject = :subject ORDER BY id",
        subject=proposal.subject,
    )
    assert ("airflow:admin", "remediation.approved") in actors, actors
    assert {a for a, action in actors if action.startswith("remediation.step.")} == {
        "airflow:remediation"
    }

    # the dashboard now finds it decided, and by whom
    with pytest.raises(DecisionConflictError, match=r"airflow:admin \(airflow\)"):
        _dashboard_decides(stack, proposal, reason="too late")

    # cleared and run again, the run acts on nothing twice
    steps_before = len(steps)
    stack.api.clear_run(DAG, run_id)
    assert stack.finish(run_id) == "success"
    with get_engine(stack.settings).connect() as conn:
        assert len(store.steps_of(conn, proposal.id)) == steps_before
    assert stack.proposal_of(planted.instance_id).status == "verified"


def test_a_dashboard_decision_ends_the_wait_and_closes_the_airflow_request(stack: Stack) -> None:
    planted = stack.plant()
    # proposed outside the DAG (as `finops actions propose` or the demo do); a run with
    # wait_for=all waits for it too
    report = run_propose(
        settings=stack.settings,
        now=datetime.now(UTC),
        run_id="cli-propose",
        clients=remediation_sessions(settings=AwsSettings.from_settings(stack.settings)),
    )
    proposal = stack.proposal_of(planted.instance_id)
    assert report.proposed == [proposal.id] and proposal.run_id == "cli-propose"
    run_id = stack.trigger("dashboard_first", wait_for="all")
    request = _pending_request(stack, run_id)
    assert f"(proposal {proposal.id})" in request["subject"]
    _dashboard_decides(stack, proposal, reason="keep it: a standby")
    assert stack.finish(run_id) == "success"

    (closed,) = stack.api.hitl_details(DAG, run_id)
    assert closed["response_received"] is True
    assert closed["chosen_options"] == ["Reject"]
    assert "user:alice (dashboard)" in closed["params_input"]["reason"]
    with pytest.raises(FinOpsError, match="409"):
        stack.api.respond(
            DAG,
            run_id,
            "approval",
            map_index=request["task_instance"]["map_index"],
            chosen_options=["Approve"],
            params_input={"reason": "late"},
        )
    assert stack.instance_state(planted.instance_id) == "running"
    assert stack.proposal_of(planted.instance_id).status == "rejected"
    report = stack.api.task_result(DAG, run_id, "approval", map_index=0)
    assert (report["answered_in"], report["approved"], report["recorded"]) == (
        "platform",
        False,
        False,
    )
    assert report["decision"].startswith("rejected by user:alice (dashboard)")
    assert stack.api.task_result(DAG, run_id, "execute") == []

    # an Airflow answer that reached the record step after the dashboard's is reported, not
    # recorded: the first decision stays, named in the report
    report = record_answer(
        proposal_id=proposal.id,
        approve=True,
        responder="admin",
        reason="late",
        now=datetime.now(UTC),
        run_id=run_id,
        settings=stack.settings,
    )
    assert report["recorded"] is False
    assert "rejected by user:alice (dashboard)" in str(report["refused"])
    with get_engine(stack.settings).connect() as conn:
        decision = store.decision_of(conn, proposal.id)
    assert decision is not None and (decision.actor, decision.source) == (
        "user:alice",
        "dashboard",
    )
