"""Browser end to end: an approver signs in to the dashboard served by ``finops serve``, opens
/actions, opens a proposal waiting for a decision (made by the remediation core for an idle
instance in a moto server), approves it with a reason; the page shows it approved with the
decision's actor, and the warehouse holds that decision: the approver, the dashboard as source,
the reason and the digest the page showed."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from finops.auth.roles import Role
from finops.auth.users import create_user
from finops.config import Settings
from finops.db.engine import get_engine, server_url
from finops.remediation import store
from tests.e2e.conftest import ARTIFACTS, browser, require_dist, serve
from tests.factories.remediation import ACCOUNT, idle_policy_folder, moto_aws, propose_idle
from tests.factories.usage import MotoAws

APPROVER = ("e2e-approver", "approver-e2e-Passw0rd")
REASON = "idle for two weeks, owner agreed"


@pytest.fixture
def aws() -> Iterator[MotoAws]:
    with moto_aws() as moto:
        yield moto


def test_an_approver_approves_a_proposal_in_the_page(
    fresh_settings: Settings, aws: MotoAws, tmp_path: Path
) -> None:
    require_dist()
    settings = fresh_settings.model_copy(
        update={
            "aws_endpoint_url": aws.endpoint,
            "remediation_policy_dir": idle_policy_folder(tmp_path / "policies"),
        }
    )
    waiting, action_id = propose_idle(settings, aws, accounts={ACCOUNT: 2})
    with get_engine(settings).begin() as conn:
        create_user(conn, username=APPROVER[0], role=Role.APPROVER, password=APPROVER[1])
        digest = store.get_proposal(conn, action_id).digest

    env = dict(
        os.environ,
        FINOPS_DATABASE_URL=server_url(settings),
        FINOPS_AWS_ENDPOINT_URL=aws.endpoint,
    )
    with serve(env, tmp_path) as base_url:
        stdout = browser(
            "actions.e2e.mjs",
            base_url=base_url,
            E2E_LOGIN=f"{APPROVER[0]}:{APPROVER[1]}",
            ACTION_ID=str(action_id),
            REASON=REASON,
        )

    assert "waiting: 2" in stdout
    assert f"digest: {digest}" in stdout
    assert f"approved: {action_id} by user:{APPROVER[0]}" in stdout
    assert f"user:{APPROVER[0]} (dashboard)" in stdout
    with get_engine(settings).connect() as conn:
        proposal = store.get_proposal(conn, action_id)
        decision = store.decision_of(conn, action_id)
        other = store.get_proposal(conn, waiting)
    assert proposal.status == "approved"
    assert decision is not None
    assert (decision.decision, decision.actor, decision.source, decision.reason) == (
        "approve",
        f"user:{APPROVER[0]}",
        "dashboard",
        REASON,
    )
    assert decision.digest == digest
    assert decision.request_id
    assert other.status == store.WAITING  # only the one approved
    assert (ARTIFACTS / "actions.png").stat().st_size > 10_000
    assert (ARTIFACTS / "actions-approved.png").stat().st_size > 10_000
