"""``finops actions`` end to end in a subprocess: propose from a planted finding (the resource
in a moto server), show, approve as ``cli:<login>``, a second decision refused naming the
first, execute (the instance stops in moto), roll back (it starts again)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import Engine

from finops.config import Settings
from finops.db.engine import get_engine, server_url
from finops.remediation.store import list_proposals
from tests.factories.remediation import plant_findings, policy_folder
from tests.factories.usage import MotoAws
from tests.remediation.scenarios import idle_instance
from tests.remediation.test_lifecycle import instance_state


def cli(
    settings: Settings, aws: MotoAws, policies: Path, *args: str, user: str = "carol"
) -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ,
        FINOPS_DATABASE_URL=server_url(settings),
        FINOPS_REMEDIATION_POLICY_DIR=str(policies),
        FINOPS_AWS_ENDPOINT_URL=aws.endpoint,
        USER=user,
        LOGNAME=user,
        COLUMNS="300",
    )
    return subprocess.run(
        [sys.executable, "-m", "finops", "actions", *args], env=env, capture_output=True, text=True
    )


def only_proposal(engine: Engine) -> int:
    with engine.connect() as conn:
        rows, total = list_proposals(conn)
    assert total == 1
    return rows[0].id


def test_finops_actions_from_proposal_to_rollback(
    fresh_settings: Settings, aws: MotoAws, tmp_path: Path
) -> None:
    engine = get_engine(fresh_settings)
    folder = policy_folder(tmp_path / "policies", "")
    instance = idle_instance(aws).resource_id
    plant_findings(engine, instance, savings="61.25")

    proposed = cli(fresh_settings, aws, folder, "propose")
    assert proposed.returncode == 0, proposed.stderr
    assert "proposed 1 (0 approved by an auto policy)" in proposed.stdout
    pid = only_proposal(engine)

    listed = cli(fresh_settings, aws, folder, "list", "--status", "proposed")
    assert f"| {pid} | proposed | stop_instance | {instance} |" in listed.stdout
    assert "61.25 USD" in listed.stdout and "1 of 1; proposed 1" in listed.stdout
    bad = cli(fresh_settings, aws, folder, "list", "--status", "waiting")
    assert bad.returncode == 1 and "--status: unknown waiting" in bad.stderr

    shown = cli(fresh_settings, aws, folder, "show", str(pid))
    assert '"state": "running"' in shown.stdout and "decision: none yet" in shown.stdout

    approved = cli(fresh_settings, aws, folder, "approve", str(pid), "--reason", "idle 30 days")
    assert approved.returncode == 0, approved.stderr
    assert "approved by cli:carol (cli)" in approved.stdout
    again = cli(fresh_settings, aws, folder, "reject", str(pid), "--reason", "no", user="dave")
    assert again.returncode == 1
    assert "already approved by cli:carol (cli)" in again.stderr

    executed = cli(fresh_settings, aws, folder, "execute")
    assert executed.returncode == 0, executed.stderr
    assert f"proposal {pid} stop_instance on {instance}: verified" in executed.stdout
    assert instance_state(aws, instance) in ("stopping", "stopped")
    nothing = cli(fresh_settings, aws, folder, "execute")
    assert "nothing approved to carry out" in nothing.stdout

    back = cli(fresh_settings, aws, folder, "rollback", str(pid), "--reason", "owner needs it")
    assert back.returncode == 0, back.stderr
    assert "rolled_back" in back.stdout
    assert instance_state(aws, instance) in ("pending", "running")
