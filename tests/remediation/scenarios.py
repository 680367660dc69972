"""Each action's resource, created in moto, as the :class:`Target` a finding would name."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from finops.remediation.actions import ACTIONS, Action, Target
from finops.remediation.actions.ebs import DeleteOldSnapshot
from tests.factories.usage import MotoAws, run_instance
from tests.remediation.conftest import ACCOUNT, REGION

LATER = timedelta(days=400)  # the clock of the snapshot action: past a 365-day retention


def target(resource_id: str, **details: Any) -> Target:
    return Target(account_id=ACCOUNT, region=REGION, resource_id=resource_id, details=details)


def idle_instance(aws: MotoAws) -> Target:
    return target(run_instance(aws.client("ec2"), tags={"Name": "idle"}))


def oversized_instance(aws: MotoAws) -> Target:
    iid = run_instance(aws.client("ec2"), instance_type="m5.2xlarge", tags={"Name": "big"})
    return target(iid, instance_type="m5.2xlarge", recommended_instance_type="m5.large")


def volume(aws: MotoAws, volume_type: str) -> str:
    made = aws.client("ec2").create_volume(
        Size=20, AvailabilityZone=f"{REGION}a", VolumeType=volume_type
    )
    return str(made["VolumeId"])


def unattached_volume(aws: MotoAws) -> Target:
    return target(volume(aws, "gp3"))


def gp2_volume(aws: MotoAws) -> Target:
    return target(volume(aws, "gp2"))


def snapshot(aws: MotoAws) -> Target:
    ec2 = aws.client("ec2")
    return target(str(ec2.create_snapshot(VolumeId=volume(aws, "gp2"))["SnapshotId"]))


def address(aws: MotoAws) -> Target:
    return target(str(aws.client("ec2").allocate_address(Domain="vpc")["AllocationId"]))


def load_balancer(aws: MotoAws) -> Target:
    ec2 = aws.client("ec2")
    subnets = ec2.describe_subnets()["Subnets"]
    by_zone = {s["AvailabilityZone"]: s["SubnetId"] for s in subnets}
    made = aws.client("elbv2").create_load_balancer(
        Name=f"idle-{len(subnets)}-{datetime.now(UTC):%H%M%S%f}"[:32],
        Subnets=sorted(by_zone.values())[:2],
    )
    return target(str(made["LoadBalancers"][0]["LoadBalancerArn"]))


def rds_instance(aws: MotoAws) -> Target:
    name = f"idle-db-{datetime.now(UTC):%H%M%S%f}"
    aws.client("rds").create_db_instance(
        DBInstanceIdentifier=name,
        DBInstanceClass="db.t3.micro",
        Engine="postgres",
        MasterUsername="finops",
        MasterUserPassword="finops-secret-1",
        AllocatedStorage=20,
    )
    return target(name)


SCENARIOS: dict[str, Callable[[MotoAws], Target]] = {
    "stop_instance": idle_instance,
    "resize_instance": oversized_instance,
    "delete_unattached_volume": unattached_volume,
    "migrate_gp2_to_gp3": gp2_volume,
    "delete_old_snapshot": snapshot,
    "release_address": address,
    "delete_load_balancer": load_balancer,
    "stop_rds_instance": rds_instance,
}


def action(name: str) -> Action:
    """The registered action with its default parameters (the snapshot one 400 days later)."""
    cls = ACTIONS.get(name)
    if cls is DeleteOldSnapshot:
        return DeleteOldSnapshot(now=datetime.now(UTC) + LATER)
    return cls()
