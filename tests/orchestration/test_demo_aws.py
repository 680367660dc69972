"""The demo's AWS: an in-process moto server holding the open findings' resources under the ids
the bill names; the demo's policies propose for them, and the ones an ``auto`` policy approves
are carried out there (the rest wait)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from finops.config import Settings, get_settings
from finops.db.engine import get_engine
from finops.jobs.remediation import run_execute, run_propose
from finops.orchestration.demo import DEMO_POLICIES
from finops.orchestration.demo_aws import DemoAws
from finops.remediation.store import list_proposals
from tests.factories.moto import reset_moto
from tests.factories.remediation import plant_findings

INSTANCE = "i-0123456789abcdef0"
SMALL_GP2 = "vol-0123456789abcdef1"
LARGE_GP2 = "vol-0123456789abcdef2"
ADDRESS = "eipalloc-0123456789abcdef3"


@pytest.fixture
def demo_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[DemoAws]:
    aws = DemoAws()
    aws.start()
    reset_moto(aws.endpoint)
    for key, value in aws.env().items():
        monkeypatch.setenv(key, value)
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    yield aws
    reset_moto(aws.endpoint)
    aws.stop()


def test_the_demo_remediates_under_its_auto_policies_and_leaves_the_rest_waiting(
    fresh_settings: Settings, demo_aws: DemoAws, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "policies"
    folder.mkdir()
    shutil.copy(DEMO_POLICIES, folder / "demo.yaml")
    settings = fresh_settings.model_copy(
        update={"aws_endpoint_url": demo_aws.endpoint, "remediation_policy_dir": folder}
    )
    engine = get_engine(settings)
    # the jobs act under the settings they are given, not the process's (nothing listens here)
    monkeypatch.setenv("FINOPS_AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    get_settings.cache_clear()
    plant_findings(engine, INSTANCE, details={"instance_type": "m5.xlarge"}, savings="99.53")
    gp2 = {"size_gb": "100", "volume_type": "gp2"}
    plant_findings(
        engine, SMALL_GP2, finding_type="gp2_volume", savings="1.94", details=gp2, job="rightsizing"
    )
    plant_findings(
        engine, LARGE_GP2, finding_type="gp2_volume", savings="7.74", details=gp2, job="commitments"
    )

    plant_findings(
        engine, ADDRESS, finding_type="unassociated_eip", savings="3.60", job="allocation"
    )

    mirrored = demo_aws.mirror(engine)
    assert mirrored.created == {"idle_instance": 1, "gp2_volume": 2, "unassociated_eip": 1}
    ec2 = demo_aws.client("ec2", "123456789012", "us-east-1")
    described = ec2.describe_instances(InstanceIds=[INSTANCE])["Reservations"][0]["Instances"]
    assert described[0]["InstanceType"] == "m5.xlarge"
    assert demo_aws.mirror(engine).existing == 4  # a second run finds them

    now = datetime.now(UTC)
    report = run_propose(settings=settings, now=now)
    assert len(report.proposed) == 4 and len(report.auto_approved) == 2
    ended = run_execute(
        settings=settings, now=now, actor="finops.demo", proposal_ids=report.auto_approved
    )
    assert sorted((p.resource_id, p.status) for p in ended) == [
        (ADDRESS, "verified"),
        (SMALL_GP2, "verified"),
    ]
    volume = ec2.describe_volumes(VolumeIds=[SMALL_GP2])["Volumes"][0]
    assert volume["VolumeType"] == "gp3"
    assert ec2.describe_addresses()["Addresses"] == []  # released
    with engine.connect() as conn:
        waiting = {p.resource_id for p in list_proposals(conn, statuses=["proposed"])[0]}
    assert waiting == {INSTANCE, LARGE_GP2}
    get_settings.cache_clear()
