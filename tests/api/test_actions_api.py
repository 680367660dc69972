"""The Actions API against real proposals: idle instances run in a moto server, their findings
written by the optimization jobs' writer, proposals made by the remediation core
(``finops.remediation.proposer.propose``), in a migrated warehouse of its own. The queue's
filters, paging and counts; a proposal's detail; an approval recorded with its actor and source;
every way around an approval refused with nothing changed (a viewer's or analyst's token,
another digest, a replay, an expired proposal, four-eyes, another team's accounts); execution
against moto stops the instance, a rollback starts it again."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from finops.api.main import create_app
from finops.auth.roles import Role
from finops.config import Settings
from finops.db.engine import get_engine
from finops.remediation import store
from finops.warehouse.scope import Scope
from tests.conftest import migrated_settings
from tests.factories.identity import BASE_URL, add_token, add_user, bearer, log_in
from tests.factories.remediation import (
    ACCOUNT,
    OTHER,
    PROPOSER,
    REGION,
    idle_policy_folder,
    instance_state,
    moto_aws,
    propose_idle,
)
from tests.factories.usage import MotoAws

V1 = "/api/v1/actions"
STARTED = datetime.now(UTC).replace(microsecond=0)


@dataclass
class Clock:
    """The app's clock: tokens, sessions, decisions and expiry read it."""

    now: datetime = STARTED

    def __call__(self) -> datetime:
        return self.now


@dataclass
class World:
    settings: Settings
    aws: MotoAws
    clock: Clock
    client: TestClient
    tokens: dict[str, dict[str, str]] = field(default_factory=dict)

    def as_(self, username: str) -> dict[str, str]:
        return self.tokens[username]


USERS = {
    "approver1": (Role.APPROVER, Scope()),
    "viewer1": (Role.VIEWER, Scope()),
    "analyst1": (Role.ANALYST, Scope()),
    "scoped-approver": (Role.APPROVER, Scope(accounts=frozenset({OTHER}))),
    "proposer": (Role.APPROVER, Scope()),
}


@pytest.fixture(scope="module")
def aws() -> Iterator[MotoAws]:
    with moto_aws() as moto:
        yield moto


@pytest.fixture(scope="module")
def world(
    pg_server: object, admin_url: str, finops_home: Path, aws: MotoAws, tmp_path_factory: Any
) -> Iterator[World]:
    settings = migrated_settings(
        pg_server,
        admin_url,
        finops_home,
        "t_actions",
        aws_endpoint_url=aws.endpoint,
        remediation_policy_dir=idle_policy_folder(tmp_path_factory.mktemp("policies")),
    )
    assert isinstance(settings, Settings)
    clock = Clock()
    app = create_app(settings=settings, frontend_dist=None, clock=clock)
    tokens = {}
    for username, (role, scope) in USERS.items():
        add_user(settings, username, role, scope=scope)
        tokens[username] = bearer(add_token(settings, username, now=STARTED, days=30))
    with TestClient(app, base_url=BASE_URL) as client:
        yield World(settings, aws, clock, client, tokens)


@pytest.fixture
def world_now(world: World) -> Iterator[World]:
    """The world with its clock back at the start after the test."""
    yield world
    world.clock.now = STARTED


def _detail(world: World, action_id: int, who: str = "approver1") -> dict[str, Any]:
    response = world.client.get(f"{V1}/{action_id}", headers=world.as_(who))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _decisions(settings: Settings, action_id: int) -> list[store.Decision]:
    with get_engine(settings).connect() as conn:
        return [d for d in [store.decision_of(conn, action_id)] if d is not None]


def _unchanged(world: World, action_id: int) -> None:
    """Still waiting, no decision, no step."""
    with get_engine(world.settings).connect() as conn:
        proposal = store.get_proposal(conn, action_id)
        assert proposal.status == store.WAITING
        assert store.decision_of(conn, action_id) is None
        assert store.steps_of(conn, action_id) == []


def _approve(
    world: World, action_id: int, who: str, *, digest: str | None = None, reason: str = "idle"
) -> Any:
    if digest is None:
        digest = _detail(world, action_id)["digest"]
    return world.client.post(
        f"{V1}/{action_id}/approve",
        json={"reason": reason, "digest": digest},
        headers=world.as_(who),
    )


# ---- the queue ------------------------------------------------------------------------------


def test_the_queue_filters_pages_and_counts(world: World) -> None:
    ids = propose_idle(world.settings, world.aws, accounts={ACCOUNT: 3, OTHER: 1})
    assert len(ids) == 4
    headers = world.as_("viewer1")

    everything = world.client.get(V1, headers=headers).json()
    assert everything["total"] >= 4
    listed = [item["id"] for item in everything["items"]]
    assert set(ids) <= set(listed)
    assert listed == sorted(listed, reverse=True)  # newest first
    counts = everything["counts"]
    assert set(counts) == set(store.STATUSES)
    assert sum(counts.values()) == everything["total"]

    waiting = world.client.get(V1, params={"status": "proposed"}, headers=headers).json()
    assert waiting["total"] == counts["proposed"]
    assert all(item["status"] == "proposed" for item in waiting["items"])
    assert waiting["counts"] == counts  # counts ignore the filters

    other = world.client.get(
        V1, params={"account": OTHER, "action": "stop_instance"}, headers=headers
    ).json()
    assert [item["id"] for item in other["items"]] == [ids[-1]]
    assert other["total"] == 1
    assert other["items"][0]["account_id"] == OTHER

    first = world.client.get(V1, params={"limit": 2, "offset": 0}, headers=headers).json()
    second = world.client.get(V1, params={"limit": 2, "offset": 2}, headers=headers).json()
    assert len(first["items"]) == 2
    assert first["total"] == second["total"] == everything["total"]
    assert [i["id"] for i in first["items"] + second["items"]] == listed[:4]

    none = world.client.get(V1, params={"status": "verified", "account": OTHER}, headers=headers)
    assert (none.json()["items"], none.json()["total"]) == ([], 0)
    assert world.client.get(V1, params={"status": "done"}, headers=headers).status_code == 422


def test_the_detail_has_evidence_digest_and_no_decision_yet(world: World) -> None:
    (action_id,) = propose_idle(world.settings, world.aws, accounts={ACCOUNT: 1})
    body = _detail(world, action_id, "viewer1")
    assert body["id"] == action_id
    assert body["status"] == "proposed"
    assert body["action"] == "stop_instance"
    assert body["account_id"] == ACCOUNT and body["region"] == REGION
    assert body["resource_id"].startswith("i-")
    assert len(body["digest"]) == 64
    assert body["observed_state"]["state"] == "running"
    assert body["proposed_by"] == PROPOSER
    assert body["decision"] is None and body["steps"] == []
    assert body["evidence"]["finding"] is not None
    assert isinstance(body["evidence"]["utilization"], list)
    missing = world.client.get(f"{V1}/987654321", headers=world.as_("viewer1"))
    assert missing.status_code == 404
    assert "987654321" in missing.json()["detail"]


# ---- approving ------------------------------------------------------------------------------


def test_an_approval_for_the_digest_shown_is_recorded_with_actor_and_source(world: World) -> None:
    (action_id,) = propose_idle(world.settings, world.aws, accounts={ACCOUNT: 1})
    digest = _detail(world, action_id)["digest"]
    response = _approve(world, action_id, "approver1", digest=digest, reason="idle 14 days")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "approved"
    decision = body["decision"]
    assert decision["decision"] == "approve"
    assert decision["actor"].startswith("token:") and decision["actor"].endswith("@approver1")
    assert decision["source"] == "api"
    assert decision["reason"] == "idle 14 days"
    assert decision["digest"] == digest
    assert decision["request_id"]
    (stored,) = _decisions(world.settings, action_id)
    assert (stored.actor, stored.source, stored.digest) == (decision["actor"], "api", digest)


def test_a_session_records_the_dashboard_as_source(world: World) -> None:
    (action_id,) = propose_idle(world.settings, world.aws, accounts={ACCOUNT: 1})
    digest = _detail(world, action_id)["digest"]
    app = create_app(settings=world.settings, frontend_dist=None, clock=world.clock)
    with TestClient(app, base_url=BASE_URL) as browser:
        log_in(browser, "approver1")
        response = browser.post(
            f"{V1}/{action_id}/reject", json={"reason": "production box", "digest": digest}
        )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "rejected"
    (stored,) = _decisions(world.settings, action_id)
    assert (stored.decision, stored.actor, stored.source, stored.reason) == (
        "reject",
        "user:approver1",
        "dashboard",
        "production box",
    )


@pytest.mark.parametrize("who", ["viewer1", "analyst1"])
def test_below_approver_is_refused_and_nothing_changes(world: World, who: str) -> None:
    (action_id,) = propose_idle(world.settings, world.aws, accounts={ACCOUNT: 1})
    response = _approve(world, action_id, who)
    assert response.status_code == 403
    assert "approver" in response.json()["detail"]
    for path in ("reject", "execute", "rollback"):
        body = {"reason": "x", "digest": "0" * 64} if path == "reject" else {"reason": "x"}
        refused = world.client.post(f"{V1}/{action_id}/{path}", json=body, headers=world.as_(who))
        assert refused.status_code == 403
    _unchanged(world, action_id)


def test_an_approval_for_another_digest_is_refused(world: World) -> None:
    (action_id,) = propose_idle(world.settings, world.aws, accounts={ACCOUNT: 1})
    response = _approve(world, action_id, "approver1", digest="a" * 64)
    assert response.status_code == 409
    assert "digest" in response.json()["detail"]
    _unchanged(world, action_id)


def test_a_second_approval_is_refused_naming_the_first(world: World) -> None:
    (action_id,) = propose_idle(world.settings, world.aws, accounts={ACCOUNT: 1})
    digest = _detail(world, action_id)["digest"]
    assert _approve(world, action_id, "approver1", digest=digest).status_code == 200
    replay = _approve(world, action_id, "approver1", digest=digest)
    assert replay.status_code == 409
    assert "approver1" in replay.json()["detail"]
    other = world.client.post(
        f"{V1}/{action_id}/reject",
        json={"reason": "no", "digest": digest},
        headers=world.as_("proposer"),
    )
    assert other.status_code == 409
    assert "approver1" in other.json()["detail"]
    decisions = _decisions(world.settings, action_id)
    assert [(d.decision, d.actor.split("@")[-1]) for d in decisions] == [("approve", "approver1")]
    assert _detail(world, action_id)["status"] == "approved"


def test_an_approval_after_the_proposal_expired_is_refused(world_now: World) -> None:
    world = world_now
    (action_id,) = propose_idle(world.settings, world.aws, accounts={ACCOUNT: 1})
    detail = _detail(world, action_id)
    expires = datetime.fromisoformat(detail["expires_at"])
    world.clock.now = expires + timedelta(minutes=1)
    response = _approve(world, action_id, "approver1", digest=detail["digest"])
    assert response.status_code == 409
    assert "expire" in response.json()["detail"]
    assert _decisions(world.settings, action_id) == []
    with get_engine(world.settings).connect() as conn:
        assert store.steps_of(conn, action_id) == []
        assert store.get_proposal(conn, action_id).status in (store.WAITING, "expired")


def test_four_eyes_the_proposer_cannot_approve(world: World) -> None:
    four_eyes = world.settings.model_copy(update={"remediation_four_eyes": True})
    (action_id,) = propose_idle(four_eyes, world.aws, accounts={ACCOUNT: 1}, actor=PROPOSER)
    detail = _detail(world, action_id)
    assert detail["four_eyes"] is True and detail["proposed_by"] == PROPOSER
    # the proposer's own token is the same person as user:proposer
    own = _approve(world, action_id, "proposer", digest=detail["digest"])
    assert own.status_code == 409
    assert "four eyes" in own.json()["detail"]
    _unchanged(world, action_id)
    other = _approve(world, action_id, "approver1", digest=detail["digest"])
    assert other.status_code == 200, other.text
    assert other.json()["decision"]["actor"].endswith("@approver1")


def test_a_scoped_approver_neither_sees_nor_approves_another_teams_proposal(
    world: World,
) -> None:
    mine, theirs = propose_idle(world.settings, world.aws, accounts={OTHER: 1, ACCOUNT: 1})
    headers = world.as_("scoped-approver")
    listed = world.client.get(V1, params={"limit": 500}, headers=headers).json()
    assert {item["account_id"] for item in listed["items"]} == {OTHER}
    assert mine in [item["id"] for item in listed["items"]]
    assert sum(listed["counts"].values()) == listed["total"]
    assert world.client.get(f"{V1}/{theirs}", headers=headers).status_code == 404
    digest = _detail(world, theirs)["digest"]
    refused = _approve(world, theirs, "scoped-approver", digest=digest)
    assert refused.status_code == 404
    for path, body in (("execute", None), ("rollback", {"reason": "x"})):
        hidden = world.client.post(f"{V1}/{theirs}/{path}", json=body, headers=headers)
        assert hidden.status_code == 404
    _unchanged(world, theirs)
    allowed = _approve(world, mine, "scoped-approver")
    assert allowed.status_code == 200, allowed.text
    assert allowed.json()["decision"]["actor"].endswith("@scoped-approver")


# ---- execution and rollback -----------------------------------------------------------------


def test_execute_stops_the_instance_and_rollback_starts_it(world: World) -> None:
    (action_id,) = propose_idle(world.settings, world.aws, accounts={ACCOUNT: 1})
    detail = _detail(world, action_id)
    instance = detail["resource_id"]
    not_yet = world.client.post(f"{V1}/{action_id}/execute", headers=world.as_("approver1"))
    assert not_yet.status_code == 409  # no approval
    assert instance_state(world.aws, instance) == "running"

    assert _approve(world, action_id, "approver1", digest=detail["digest"]).status_code == 200
    executed = world.client.post(f"{V1}/{action_id}/execute", headers=world.as_("approver1"))
    assert executed.status_code == 200, executed.text
    body = executed.json()
    assert body["status"] == "verified"
    assert [(s["step"], s["outcome"]) for s in body["steps"]] == [
        ("dry_run", "ok"),
        ("execute", "ok"),
        ("verify", "ok"),
    ]
    assert {s["request_id"] for s in body["steps"]} == {executed.headers["x-request-id"]}
    assert body["steps"][1]["detail"]["calls"] == ["ec2:StopInstances"]
    assert body["undo"] is not None
    assert instance_state(world.aws, instance) == "stopped"

    twice = world.client.post(f"{V1}/{action_id}/execute", headers=world.as_("approver1"))
    assert twice.status_code == 409

    rolled = world.client.post(
        f"{V1}/{action_id}/rollback",
        json={"reason": "the team needs it"},
        headers=world.as_("approver1"),
    )
    assert rolled.status_code == 200, rolled.text
    assert rolled.json()["status"] == "rolled_back"
    assert rolled.json()["steps"][-1]["step"] == "rollback"
    assert instance_state(world.aws, instance) == "running"
    with get_engine(world.settings).connect() as conn:
        steps = store.steps_of(conn, action_id)
    assert steps[-1].step == "rollback" and steps[-1].actor.endswith("@approver1")


def test_a_resource_changed_after_approval_is_stale_and_left_alone(world: World) -> None:
    (action_id,) = propose_idle(world.settings, world.aws, accounts={ACCOUNT: 1})
    detail = _detail(world, action_id)
    assert _approve(world, action_id, "approver1", digest=detail["digest"]).status_code == 200
    ec2 = world.aws.client("ec2", REGION)
    ec2.create_tags(Resources=[detail["resource_id"]], Tags=[{"Key": "Name", "Value": "busy"}])
    executed = world.client.post(f"{V1}/{action_id}/execute", headers=world.as_("approver1"))
    assert executed.status_code == 200, executed.text
    body = executed.json()
    assert body["status"] == "stale" and "tags" in body["status_reason"]
    assert [(s["step"], s["outcome"]) for s in body["steps"]] == [("describe", "stale")]
    assert instance_state(world.aws, detail["resource_id"]) == "running"


def test_the_api_names_the_stores_statuses_and_sources() -> None:
    from finops.api.schemas.actions import ActionStatus, DecisionSource

    assert {s.value for s in ActionStatus} == set(store.STATUSES)
    assert {s.value for s in DecisionSource} == set(store.SOURCES)
