"""EC2 instance actions: stop an idle instance; change an oversized instance's type."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import WaiterError

from finops.errors import RemediationError
from finops.remediation.actions.base import (
    ACTIONS,
    GONE,
    Action,
    Clients,
    Outcome,
    Target,
    positive,
)

INSTANCE = "AWS::EC2::Instance"
ENDED = frozenset({"shutting-down", "terminated"})


@dataclass(frozen=True)
class WaitPolicy:
    """How long to wait for an instance to stop (or start) before failing."""

    max_wait_seconds: int = 600

    def __post_init__(self) -> None:
        positive(self, "max_wait_seconds", low=15, high=3600)


class InstanceAction(Action):
    resource_type = INSTANCE
    service = "ec2"
    gone_codes = frozenset({"InvalidInstanceID.NotFound", "InvalidInstanceID.Malformed"})
    Parameters = WaitPolicy
    parameter_names = ("max_wait_seconds",)

    def describe(self, clients: Clients, target: Target) -> dict[str, Any]:
        ec2 = self.client(clients, target)
        reservation = self.first(
            target,
            "DescribeInstances",
            ec2.describe_instances,
            "Reservations",
            InstanceIds=[target.resource_id],
        )
        instances = reservation["Instances"] if reservation else []
        if not instances or instances[0]["State"]["Name"] == "terminated":
            return dict(GONE)
        i = instances[0]
        return {
            "state": i["State"]["Name"],
            "instance_type": i["InstanceType"],
            "tags": {t["Key"]: t["Value"] for t in i.get("Tags", [])},
        }

    def wait(self, ec2: Any, target: Target, state: str) -> None:
        """Wait for ``instance_<state>`` (DescribeInstances polls), bounded by the policy."""
        delay = 5
        attempts = max(1, self.parameters.max_wait_seconds // delay)
        try:
            ec2.get_waiter(f"instance_{state}").wait(
                InstanceIds=[target.resource_id],
                WaiterConfig={"Delay": delay, "MaxAttempts": attempts},
            )
        except WaiterError as exc:
            raise RemediationError(f"{self.where(target)}: not {state}: {exc}") from exc


@ACTIONS.register
class StopInstance(InstanceAction):
    """Stop an idle EC2 instance (reversible: start it again).

    Example::

        action: stop_instance
        resource: AWS::EC2::Instance
        fixes: idle_instance
        parameters:
          max_wait_seconds: 600
    """

    name = "stop_instance"
    fixes = ("idle_instance",)
    iam_actions = ("ec2:DescribeInstances", "ec2:StopInstances", "ec2:StartInstances")
    reversible = True
    undo = "StartInstances (the instance keeps its EBS volumes, type and private address)"

    def dry_run(self, clients: Clients, target: Target) -> dict[str, Any]:
        state = self.describe(clients, target)
        if state["state"] in ("running", "pending"):
            ec2 = self.client(clients, target)
            ids = [target.resource_id]
            self.dry_run_call(target, "StopInstances", ec2.stop_instances, InstanceIds=ids)
        return state

    def execute(self, clients: Clients, target: Target) -> Outcome:
        state = self.describe(clients, target)
        if state["state"] == "gone" or state["state"] in ENDED:
            return self.outcome(target, note="already gone")
        if state["state"] in ("stopping", "stopped"):
            return self.outcome(target, note=f"already {state['state']}")
        ec2 = self.client(clients, target)
        self.call(target, "StopInstances", ec2.stop_instances, InstanceIds=[target.resource_id])
        return self.outcome(target, "ec2:StopInstances", undo={"start": True})

    def verify(self, clients: Clients, target: Target) -> dict[str, Any]:
        state = self.describe(clients, target)
        if state["state"] not in ("stopping", "stopped", "gone"):
            raise RemediationError(f"{self.where(target)}: expected stopped, is {state['state']}")
        return state

    def rollback(self, clients: Clients, target: Target, undo: Mapping[str, Any]) -> Outcome:
        if not undo.get("start"):
            return self.outcome(target, note="nothing to undo")
        ec2 = self.client(clients, target)
        ids = [target.resource_id]
        self.wait(ec2, target, "stopped")
        self.call(target, "StartInstances", ec2.start_instances, InstanceIds=ids)
        return self.outcome(target, "ec2:StartInstances")


@ACTIONS.register
class ResizeInstance(InstanceAction):
    """Change an oversized instance's type to the one its finding recommends (stop, modify,
    start; reversible: the same back to the previous type).

    The target type is the finding's ``recommended_instance_type``, never a parameter; when the
    instance's type is no longer the finding's ``instance_type`` the resource is stale.

    Example::

        action: resize_instance
        resource: AWS::EC2::Instance
        fixes: oversized_instance
        parameters:
          max_wait_seconds: 600
    """

    name = "resize_instance"
    fixes = ("oversized_instance", "previous_generation_instance")
    iam_actions = (
        "ec2:DescribeInstances",
        "ec2:StopInstances",
        "ec2:ModifyInstanceAttribute",
        "ec2:StartInstances",
    )
    reversible = True
    undo = "stop, ModifyInstanceAttribute back to the previous type, start if it was running"

    def types(self, target: Target) -> tuple[str | None, str]:
        recommended = target.details.get("recommended_instance_type")
        if not isinstance(recommended, str) or not recommended:
            raise RemediationError(
                f"{self.where(target)}: the finding's details have no recommended_instance_type"
            )
        current = target.details.get("instance_type")
        return (current if isinstance(current, str) else None), recommended

    def checked(self, clients: Clients, target: Target) -> dict[str, Any]:
        state = self.describe(clients, target)
        expected, recommended = self.types(target)
        observed = state.get("instance_type")
        if observed is not None and observed not in (expected or observed, recommended):
            raise self.stale(target, f"instance type is {observed}, the finding saw {expected}")
        return state

    def dry_run(self, clients: Clients, target: Target) -> dict[str, Any]:
        state = self.checked(clients, target)
        _, recommended = self.types(target)
        if state["state"] == "gone" or state["instance_type"] == recommended:
            return state
        ec2 = self.client(clients, target)
        ids = [target.resource_id]
        if state["state"] == "running":
            self.dry_run_call(target, "StopInstances", ec2.stop_instances, InstanceIds=ids)
            self.dry_run_call(target, "StartInstances", ec2.start_instances, InstanceIds=ids)
        self.dry_run_call(
            target,
            "ModifyInstanceAttribute",
            ec2.modify_instance_attribute,
            InstanceId=target.resource_id,
            InstanceType={"Value": recommended},
        )
        return state

    def execute(self, clients: Clients, target: Target) -> Outcome:
        state = self.checked(clients, target)
        _, recommended = self.types(target)
        if state["state"] == "gone":
            return self.outcome(target, note="already gone")
        if state["instance_type"] == recommended:
            return self.outcome(target, note=f"already {recommended}")
        calls = self.change_type(clients, target, recommended, start=state["state"] == "running")
        undo = {"instance_type": state["instance_type"], "start": state["state"] == "running"}
        return self.outcome(target, *calls, undo=undo)

    def change_type(
        self, clients: Clients, target: Target, instance_type: str, *, start: bool
    ) -> tuple[str, ...]:
        ec2 = self.client(clients, target)
        ids = [target.resource_id]
        calls: list[str] = []
        if start:
            self.call(target, "StopInstances", ec2.stop_instances, InstanceIds=ids)
            calls.append("ec2:StopInstances")
        self.wait(ec2, target, "stopped")
        self.call(
            target,
            "ModifyInstanceAttribute",
            ec2.modify_instance_attribute,
            InstanceId=target.resource_id,
            InstanceType={"Value": instance_type},
        )
        calls.append("ec2:ModifyInstanceAttribute")
        if start:
            self.call(target, "StartInstances", ec2.start_instances, InstanceIds=ids)
            calls.append("ec2:StartInstances")
        return tuple(calls)

    def verify(self, clients: Clients, target: Target) -> dict[str, Any]:
        state = self.describe(clients, target)
        _, recommended = self.types(target)
        if state["state"] != "gone" and state["instance_type"] != recommended:
            raise RemediationError(
                f"{self.where(target)}: expected {recommended}, is {state['instance_type']}"
            )
        return state

    def rollback(self, clients: Clients, target: Target, undo: Mapping[str, Any]) -> Outcome:
        previous = undo.get("instance_type")
        if not isinstance(previous, str):
            return self.outcome(target, note="nothing to undo")
        state = self.describe(clients, target)
        if state["state"] == "gone":
            raise RemediationError(f"{self.where(target)}: cannot roll back, instance is gone")
        start = bool(undo.get("start"))
        calls = self.change_type(clients, target, previous, start=start)
        return self.outcome(target, *calls)
