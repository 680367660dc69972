"""Each remediation action against a moto server: the resource ends in the expected state (read
back with plain boto3, not through the action), "already gone" is done, reversible actions roll
back, and a state that no longer fits is stale with nothing changed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from finops.errors import RemediationError, StaleResourceError
from finops.ingest.aws import AwsSettings
from finops.remediation import remediation_sessions
from finops.remediation.actions import ACTIONS, Action, Target
from finops.remediation.actions.ebs import DeleteOldSnapshot, Gp3Policy, RetentionPolicy
from tests.factories.usage import MotoAws, run_instance
from tests.remediation.conftest import RecordingClients
from tests.remediation.scenarios import (
    LATER,
    address,
    gp2_volume,
    idle_instance,
    load_balancer,
    oversized_instance,
    rds_instance,
    snapshot,
    target,
    unattached_volume,
    volume,
)


def instance(aws: MotoAws, iid: str) -> dict[str, Any]:
    found = aws.client("ec2").describe_instances(InstanceIds=[iid])["Reservations"]
    i = found[0]["Instances"][0]
    return {"state": i["State"]["Name"], "type": i["InstanceType"]}


def already_gone(act: Action, clients: RecordingClients, t: Target) -> None:
    """Executing again on a resource that no longer exists is done, with no change."""
    again = act.execute(clients, t)
    assert (again.changed, again.calls, again.note) == (False, (), "already gone")
    assert act.verify(clients, t) == {"state": "gone"}


def test_stop_instance_stops_and_rolls_back(aws: MotoAws, clients: RecordingClients) -> None:
    act, t = ACTIONS.get("stop_instance")(), idle_instance(aws)
    assert act.dry_run(clients, t)["state"] == "running"
    assert instance(aws, t.resource_id)["state"] == "running"  # the DryRun changed nothing
    outcome = act.execute(clients, t)
    assert (outcome.changed, outcome.calls, outcome.undo) == (
        True,
        ("ec2:StopInstances",),
        {"start": True},
    )
    assert instance(aws, t.resource_id)["state"] == "stopped"
    assert act.verify(clients, t)["state"] == "stopped"
    again = act.execute(clients, t)
    assert (again.changed, again.note) == (False, "already stopped")
    assert act.rollback(clients, t, outcome.undo).calls == ("ec2:StartInstances",)
    assert instance(aws, t.resource_id)["state"] == "running"
    aws.client("ec2").terminate_instances(InstanceIds=[t.resource_id])
    already_gone(act, clients, t)
    already_gone(act, clients, target("i-0123456789abcdef0"))


def test_resize_instance_to_the_recommended_type(aws: MotoAws, clients: RecordingClients) -> None:
    act, t = ACTIONS.get("resize_instance")(), oversized_instance(aws)
    act.dry_run(clients, t)
    assert instance(aws, t.resource_id) == {"state": "running", "type": "m5.2xlarge"}
    outcome = act.execute(clients, t)
    assert outcome.calls == (
        "ec2:StopInstances",
        "ec2:ModifyInstanceAttribute",
        "ec2:StartInstances",
    )
    assert outcome.undo == {"instance_type": "m5.2xlarge", "start": True}
    assert instance(aws, t.resource_id) == {"state": "running", "type": "m5.large"}
    assert act.verify(clients, t)["instance_type"] == "m5.large"
    assert act.execute(clients, t).note == "already m5.large"
    act.rollback(clients, t, outcome.undo)
    assert instance(aws, t.resource_id) == {"state": "running", "type": "m5.2xlarge"}


def test_resize_refuses_a_changed_instance_and_needs_the_recommendation(
    aws: MotoAws, clients: RecordingClients
) -> None:
    act = ACTIONS.get("resize_instance")()
    iid = run_instance(aws.client("ec2"), instance_type="c5.xlarge", tags={"Name": "resized"})
    seen = target(iid, instance_type="m5.2xlarge", recommended_instance_type="m5.large")
    with pytest.raises(StaleResourceError, match=r"instance type is c5\.xlarge"):
        act.execute(clients, seen)
    with pytest.raises(RemediationError, match="no recommended_instance_type"):
        act.execute(clients, target(iid, instance_type="c5.xlarge"))
    assert instance(aws, iid) == {"state": "running", "type": "c5.xlarge"}


def test_delete_unattached_volume_keeps_a_snapshot(aws: MotoAws, clients: RecordingClients) -> None:
    act, t = ACTIONS.get("delete_unattached_volume")(), unattached_volume(aws)
    act.dry_run(clients, t)
    outcome = act.execute(clients, t)
    assert outcome.calls == ("ec2:CreateSnapshot", "ec2:DeleteVolume")
    ec2 = aws.client("ec2")
    assert (
        ec2.describe_volumes(Filters=[{"Name": "volume-id", "Values": [t.resource_id]}])["Volumes"]
        == []
    )
    snaps = ec2.describe_snapshots(SnapshotIds=[outcome.undo["snapshot_id"]])["Snapshots"]
    assert [(s["VolumeId"], s["Description"]) for s in snaps] == [
        (t.resource_id, "finops remediation: final snapshot before deletion")
    ]
    assert act.verify(clients, t)["snapshot_ids"] == [outcome.undo["snapshot_id"]]
    assert act.execute(clients, t).note == "already gone"


def test_an_attached_volume_is_stale(aws: MotoAws, clients: RecordingClients) -> None:
    act, t = ACTIONS.get("delete_unattached_volume")(), unattached_volume(aws)
    iid = idle_instance(aws).resource_id
    aws.client("ec2").attach_volume(VolumeId=t.resource_id, InstanceId=iid, Device="/dev/sdf")
    with pytest.raises(StaleResourceError, match="attached; nothing was changed"):
        act.execute(clients, t)
    assert len(aws.client("ec2").describe_volumes(VolumeIds=[t.resource_id])["Volumes"]) == 1


def test_gp2_to_gp3_and_back(aws: MotoAws, clients: RecordingClients) -> None:
    act, t = (
        ACTIONS.get("migrate_gp2_to_gp3")(Gp3Policy(iops=4000, throughput_mibps=250)),
        (gp2_volume(aws)),
    )
    ec2 = aws.client("ec2")

    def observed() -> tuple[str, int | None, int | None]:
        v = ec2.describe_volumes(VolumeIds=[t.resource_id])["Volumes"][0]
        return v["VolumeType"], v.get("Iops"), v.get("Throughput")

    act.dry_run(clients, t)
    assert observed()[0] == "gp2"
    outcome = act.execute(clients, t)
    assert (outcome.calls, outcome.undo) == (("ec2:ModifyVolume",), {"volume_type": "gp2"})
    assert observed() == ("gp3", 4000, 250)
    assert act.execute(clients, t).note == "already gp3"
    act.rollback(clients, t, outcome.undo)
    assert observed()[0] == "gp2"
    sc1 = target(volume(aws, "sc1"))
    with pytest.raises(StaleResourceError, match="the volume is sc1, not gp2"):
        act.execute(clients, sc1)
    already_gone(act, clients, target("vol-0123456789abcdef0"))


def test_old_snapshots_are_deleted_recent_ones_kept(
    aws: MotoAws, clients: RecordingClients
) -> None:
    """moto stamps a snapshot with the current time, so the action's clock moves instead: the
    same snapshot is recent today and past a 365-day retention 400 days later."""
    old, recent = snapshot(aws), snapshot(aws)
    today = DeleteOldSnapshot(RetentionPolicy(retention_days=365))
    later = DeleteOldSnapshot(RetentionPolicy(retention_days=365), now=datetime.now(UTC) + LATER)
    with pytest.raises(StaleResourceError, match="0 days old, retention 365"):
        today.execute(clients, recent)
    assert later.dry_run(clients, old)["age_days"] == 400
    assert later.execute(clients, old).calls == ("ec2:DeleteSnapshot",)
    ids = {
        s["SnapshotId"]
        for s in aws.client("ec2").describe_snapshots(OwnerIds=["self"])["Snapshots"]
    }
    assert recent.resource_id in ids and old.resource_id not in ids
    already_gone(later, clients, old)


def test_release_an_unassociated_address(aws: MotoAws, clients: RecordingClients) -> None:
    act, t = ACTIONS.get("release_address")(), address(aws)
    act.dry_run(clients, t)
    assert act.execute(clients, t).calls == ("ec2:ReleaseAddress",)
    ec2 = aws.client("ec2")
    ids = {a["AllocationId"] for a in ec2.describe_addresses()["Addresses"]}
    assert t.resource_id not in ids
    already_gone(act, clients, t)
    associated = address(aws)
    iid = idle_instance(aws).resource_id
    ec2.associate_address(AllocationId=associated.resource_id, InstanceId=iid)
    with pytest.raises(StaleResourceError, match="associated"):
        act.execute(clients, associated)


def test_delete_an_idle_load_balancer(aws: MotoAws, clients: RecordingClients) -> None:
    act, t = ACTIONS.get("delete_load_balancer")(), load_balancer(aws)
    assert act.dry_run(clients, t)["state"] == "active"
    assert act.execute(clients, t).calls == ("elasticloadbalancing:DeleteLoadBalancer",)
    arns = {
        lb["LoadBalancerArn"]
        for lb in aws.client("elbv2").describe_load_balancers()["LoadBalancers"]
    }
    assert t.resource_id not in arns
    already_gone(act, clients, t)


def test_stop_an_idle_rds_instance(aws: MotoAws, clients: RecordingClients) -> None:
    act, t = ACTIONS.get("stop_rds_instance")(), rds_instance(aws)
    rds = aws.client("rds")

    def status() -> str:
        found = rds.describe_db_instances(DBInstanceIdentifier=t.resource_id)
        return str(found["DBInstances"][0]["DBInstanceStatus"])

    assert act.dry_run(clients, t)["state"] == "available"
    outcome = act.execute(clients, t)
    assert outcome.calls == ("rds:StopDBInstance",)
    assert status() == "stopped"
    assert act.execute(clients, t).note == "already stopped"
    act.rollback(clients, t, outcome.undo)
    assert status() == "available"
    already_gone(act, clients, target("no-such-db"))


def test_the_clients_retry_adaptively(clients: RecordingClients) -> None:
    ec2 = clients.client("ec2", account_id=None, region="us-east-1")
    assert ec2.meta.config.retries["mode"] == "adaptive"
    # FINOPS_AWS_MAX_ATTEMPTS=10 retries: botocore counts the first call too
    assert ec2.meta.config.retries["total_max_attempts"] == 11


def test_a_linked_account_is_changed_through_the_remediation_role(aws: MotoAws) -> None:
    """The action acts in the finding's account: through sts:AssumeRole into the remediation
    role there (moto keeps one backend per account), not in the caller's account."""
    linked = "111122223333"
    iid = run_instance(aws.client("ec2", account=linked), tags={"Name": "idle-linked"})
    sessions = remediation_sessions(settings=AwsSettings(endpoint_url=aws.endpoint))
    assert sessions.role_arn(linked) == "arn:aws:iam::111122223333:role/FinOpsRemediation"
    t = Target(account_id=linked, region="us-east-1", resource_id=iid)
    assert ACTIONS.get("stop_instance")().execute(sessions, t).calls == ("ec2:StopInstances",)
    found = aws.client("ec2", account=linked).describe_instances(InstanceIds=[iid])
    assert found["Reservations"][0]["Instances"][0]["State"]["Name"] == "stopped"
    own = aws.client("ec2").describe_instances(Filters=[{"Name": "instance-id", "Values": [iid]}])
    assert own["Reservations"] == []
