"""EBS actions: snapshot then delete an unattached volume; gp2 to gp3; delete old snapshots."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from finops.errors import ConfigurationError, RemediationError
from finops.remediation.actions.base import (
    ACTIONS,
    GONE,
    Action,
    Call,
    Clients,
    Deletion,
    Outcome,
    Target,
    positive,
)

VOLUME = "AWS::EC2::Volume"
SNAPSHOT = "AWS::EC2::Snapshot"


class VolumeAction(Action):
    resource_type = VOLUME
    service = "ec2"
    gone_codes = frozenset({"InvalidVolume.NotFound", "InvalidVolume.Malformed"})

    def describe(self, clients: Clients, target: Target) -> dict[str, Any]:
        ec2 = self.client(clients, target)
        v = self.first(
            target,
            "DescribeVolumes",
            ec2.describe_volumes,
            "Volumes",
            VolumeIds=[target.resource_id],
        )
        if v is None:
            return dict(GONE)
        return {
            "state": v["State"],
            "volume_type": v["VolumeType"],
            "size_gb": v["Size"],
            "attached": bool(v.get("Attachments")),
            "tags": {t["Key"]: t["Value"] for t in v.get("Tags", [])},
        }


@dataclass(frozen=True)
class FinalSnapshotPolicy:
    """The description of the snapshot taken before the volume is deleted."""

    snapshot_description: str = "finops remediation: final snapshot before deletion"

    def __post_init__(self) -> None:
        if not self.snapshot_description.strip() or len(self.snapshot_description) > 255:
            raise ConfigurationError("snapshot_description: must be 1 to 255 characters")


@ACTIONS.register
class DeleteUnattachedVolume(VolumeAction, Deletion):
    """Snapshot an unattached EBS volume, then delete it (not reversible beyond the snapshot).

    Example::

        action: delete_unattached_volume
        resource: AWS::EC2::Volume
        fixes: unattached_volume
        parameters:
          snapshot_description: "finops remediation: final snapshot before deletion"
    """

    name = "delete_unattached_volume"
    fixes = ("unattached_volume",)
    iam_actions = (
        "ec2:DescribeVolumes",
        "ec2:CreateSnapshot",
        "ec2:DeleteVolume",
        "ec2:DescribeSnapshots",
    )
    undo = "not reversible: a new volume can be created from the recorded snapshot"
    Parameters = FinalSnapshotPolicy
    parameter_names = ("snapshot_description",)
    gone_states = frozenset({"gone", "deleting", "deleted"})

    def unfit(self, state: dict[str, Any]) -> str | None:
        return "the volume is attached" if state["attached"] else None

    def calls(self, clients: Clients, target: Target, state: dict[str, Any]) -> list[Call]:
        ec2 = self.client(clients, target)
        vid = target.resource_id
        description = self.parameters.snapshot_description
        return [
            Call(
                "ec2:CreateSnapshot",
                ec2.create_snapshot,
                {"VolumeId": vid, "Description": description},
            ),
            Call("ec2:DeleteVolume", ec2.delete_volume, {"VolumeId": vid}),
        ]

    def recorded(self, results: list[Any]) -> dict[str, Any]:
        snapshot_id = results[0]["SnapshotId"]
        return {"undo": {"snapshot_id": snapshot_id}, "note": f"snapshot {snapshot_id}"}

    def verify(self, clients: Clients, target: Target) -> dict[str, Any]:
        state = super().verify(clients, target)
        ec2 = self.client(clients, target)
        snapshots = self.call(
            target,
            "DescribeSnapshots",
            ec2.describe_snapshots,
            OwnerIds=["self"],
            Filters=[{"Name": "volume-id", "Values": [target.resource_id]}],
        )["Snapshots"]
        if not snapshots:
            raise RemediationError(f"{self.where(target)}: no snapshot of the deleted volume")
        return {**state, "snapshot_ids": sorted(s["SnapshotId"] for s in snapshots)}


@dataclass(frozen=True)
class Gp3Policy:
    """The gp3 volume's provisioned IOPS and throughput (the gp3 baseline by default)."""

    iops: int = 3000
    throughput_mibps: int = 125

    def __post_init__(self) -> None:
        positive(self, "iops", low=3000, high=16000)
        positive(self, "throughput_mibps", low=125, high=1000)


@ACTIONS.register
class MigrateGp2ToGp3(VolumeAction):
    """Migrate a gp2 volume to gp3 in place (ModifyVolume; reversible: modify back to gp2).

    Example::

        action: migrate_gp2_to_gp3
        resource: AWS::EC2::Volume
        fixes: gp2_volume
        parameters:
          iops: 3000
          throughput_mibps: 125
    """

    name = "migrate_gp2_to_gp3"
    fixes = ("gp2_volume",)
    iam_actions = ("ec2:DescribeVolumes", "ec2:ModifyVolume")
    reversible = True
    undo = "ModifyVolume back to gp2 (AWS allows one modification per volume every 6 hours)"
    Parameters = Gp3Policy
    parameter_names = ("iops", "throughput_mibps")

    def checked(self, clients: Clients, target: Target) -> dict[str, Any]:
        state = self.describe(clients, target)
        if state.get("volume_type") not in (None, "gp2", "gp3"):
            raise self.stale(target, f"the volume is {state['volume_type']}, not gp2")
        return state

    def modify(self, clients: Clients, target: Target, **kwargs: Any) -> Any:
        ec2 = self.client(clients, target)
        return self.call(
            target, "ModifyVolume", ec2.modify_volume, VolumeId=target.resource_id, **kwargs
        )

    def gp3(self) -> dict[str, Any]:
        return {
            "VolumeType": "gp3",
            "Iops": self.parameters.iops,
            "Throughput": self.parameters.throughput_mibps,
        }

    def dry_run(self, clients: Clients, target: Target) -> dict[str, Any]:
        state = self.checked(clients, target)
        if state.get("volume_type") == "gp2":
            ec2 = self.client(clients, target)
            self.dry_run_call(
                target,
                "ModifyVolume",
                ec2.modify_volume,
                VolumeId=target.resource_id,
                **self.gp3(),
            )
        return state

    def execute(self, clients: Clients, target: Target) -> Outcome:
        state = self.checked(clients, target)
        if state["state"] == "gone":
            return self.outcome(target, note="already gone")
        if state["volume_type"] == "gp3":
            return self.outcome(target, note="already gp3")
        self.modify(clients, target, **self.gp3())
        return self.outcome(target, "ec2:ModifyVolume", undo={"volume_type": "gp2"})

    def verify(self, clients: Clients, target: Target) -> dict[str, Any]:
        state = self.describe(clients, target)
        if state["state"] != "gone" and state["volume_type"] != "gp3":
            raise RemediationError(f"{self.where(target)}: expected gp3, is {state['volume_type']}")
        return state

    def rollback(self, clients: Clients, target: Target, undo: Mapping[str, Any]) -> Outcome:
        if undo.get("volume_type") != "gp2":
            return self.outcome(target, note="nothing to undo")
        self.modify(clients, target, VolumeType="gp2")
        return self.outcome(target, "ec2:ModifyVolume")


@dataclass(frozen=True)
class RetentionPolicy:
    """Snapshots younger than this are kept even when a finding names them."""

    retention_days: int = 365

    def __post_init__(self) -> None:
        positive(self, "retention_days", low=1, high=36500)


@ACTIONS.register
class DeleteOldSnapshot(Deletion):
    """Delete an EBS snapshot past its retention (not reversible).

    A snapshot younger than ``retention_days`` when the action runs is stale and kept.

    Example::

        action: delete_old_snapshot
        resource: AWS::EC2::Snapshot
        fixes: old_snapshot
        parameters:
          retention_days: 365
    """

    name = "delete_old_snapshot"
    fixes = ("old_snapshot",)
    resource_type = SNAPSHOT
    service = "ec2"
    iam_actions = ("ec2:DescribeSnapshots", "ec2:DeleteSnapshot")
    undo = "not reversible: a deleted snapshot cannot be restored"
    gone_codes = frozenset({"InvalidSnapshot.NotFound", "InvalidSnapshot.Malformed"})
    Parameters = RetentionPolicy
    parameter_names = ("retention_days",)

    def __init__(self, parameters: Any = None, *, now: datetime | None = None) -> None:
        super().__init__(parameters)
        self.now = now  # the clock (None: the current time)

    def describe(self, clients: Clients, target: Target) -> dict[str, Any]:
        ec2 = self.client(clients, target)
        s = self.first(
            target,
            "DescribeSnapshots",
            ec2.describe_snapshots,
            "Snapshots",
            SnapshotIds=[target.resource_id],
        )
        if s is None:
            return dict(GONE)
        now = self.now or datetime.now(UTC)
        return {
            "state": s["State"],
            "start_time": s["StartTime"].isoformat(),
            "age_days": (now - s["StartTime"]).days,
            "volume_id": s.get("VolumeId"),
        }

    def unfit(self, state: dict[str, Any]) -> str | None:
        retention = self.parameters.retention_days
        if state["age_days"] < retention:
            return f"the snapshot is {state['age_days']} days old, retention {retention}"
        return None

    def calls(self, clients: Clients, target: Target, state: dict[str, Any]) -> list[Call]:
        ec2 = self.client(clients, target)
        return [Call("ec2:DeleteSnapshot", ec2.delete_snapshot, {"SnapshotId": target.resource_id})]
