"""Network actions: release an unassociated Elastic IP; delete an idle load balancer."""

from __future__ import annotations

from typing import Any

from finops.errors import RemediationError
from finops.remediation.actions.base import (
    ACTIONS,
    GONE,
    Action,
    Clients,
    NoParameters,
    Outcome,
    Target,
)


@ACTIONS.register
class ReleaseAddress(Action):
    """Release an unassociated Elastic IP (not reversible: the address goes back to AWS).

    The resource id is the allocation id; an address associated since the finding is stale.

    Example::

        action: release_address
        resource: AWS::EC2::EIP
        fixes: unassociated_eip
        parameters: {}
    """

    name = "release_address"
    fixes = ("unassociated_eip",)
    resource_type = "AWS::EC2::EIP"
    service = "ec2"
    iam_actions = ("ec2:DescribeAddresses", "ec2:ReleaseAddress")
    undo = "not reversible: a released address can rarely be recovered"
    gone_codes = frozenset({"InvalidAllocationID.NotFound", "InvalidAddress.NotFound"})
    Parameters = NoParameters

    def describe(self, clients: Clients, target: Target) -> dict[str, Any]:
        ec2 = self.client(clients, target)
        a = self.first(
            target,
            "DescribeAddresses",
            ec2.describe_addresses,
            "Addresses",
            AllocationIds=[target.resource_id],
        )
        if a is None:
            return dict(GONE)
        associated = bool(a.get("AssociationId") or a.get("InstanceId"))
        return {
            "state": "associated" if associated else "unassociated",
            "public_ip": a.get("PublicIp"),
        }

    def checked(self, clients: Clients, target: Target) -> dict[str, Any]:
        state = self.describe(clients, target)
        if state["state"] == "associated":
            raise self.stale(target, "the address is associated")
        return state

    def dry_run(self, clients: Clients, target: Target) -> dict[str, Any]:
        state = self.checked(clients, target)
        if state["state"] != "gone":
            ec2 = self.client(clients, target)
            aid = target.resource_id
            self.dry_run_call(target, "ReleaseAddress", ec2.release_address, AllocationId=aid)
        return state

    def execute(self, clients: Clients, target: Target) -> Outcome:
        state = self.checked(clients, target)
        if state["state"] == "gone":
            return self.outcome(target, note="already gone")
        ec2 = self.client(clients, target)
        aid = target.resource_id
        self.call(target, "ReleaseAddress", ec2.release_address, AllocationId=aid)
        return self.outcome(target, "ec2:ReleaseAddress", note=f"released {state['public_ip']}")

    def verify(self, clients: Clients, target: Target) -> dict[str, Any]:
        state = self.describe(clients, target)
        if state["state"] != "gone":
            raise RemediationError(f"{self.where(target)}: address still allocated")
        return state


@ACTIONS.register
class DeleteLoadBalancer(Action):
    """Delete an idle Application or Network Load Balancer (elbv2; not reversible).

    The resource id is the load balancer's ARN (or its name). elbv2 has no DryRun: the dry run
    describes the load balancer and requires it to exist in state ``active`` or ``failed``;
    deletion protection makes the deletion a refusal (``OperationNotPermitted``).

    Example::

        action: delete_load_balancer
        resource: AWS::ElasticLoadBalancingV2::LoadBalancer
        fixes: idle_load_balancer
        parameters: {}
    """

    name = "delete_load_balancer"
    fixes = ("idle_load_balancer",)
    resource_type = "AWS::ElasticLoadBalancingV2::LoadBalancer"
    service = "elbv2"
    iam_actions = (
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DeleteLoadBalancer",
    )
    undo = "not reversible: listeners and rules must be recreated from infrastructure code"
    gone_codes = frozenset({"LoadBalancerNotFound"})
    Parameters = NoParameters

    def selector(self, target: Target) -> dict[str, Any]:
        rid = target.resource_id
        return {"LoadBalancerArns": [rid]} if rid.startswith("arn:") else {"Names": [rid]}

    def describe(self, clients: Clients, target: Target) -> dict[str, Any]:
        elb = self.client(clients, target)
        lb = self.first(
            target,
            "DescribeLoadBalancers",
            elb.describe_load_balancers,
            "LoadBalancers",
            **self.selector(target),
        )
        if lb is None:
            return dict(GONE)
        return {
            "state": lb["State"]["Code"],
            "arn": lb["LoadBalancerArn"],
            "type": lb["Type"],
            "scheme": lb.get("Scheme"),
        }

    def dry_run(self, clients: Clients, target: Target) -> dict[str, Any]:
        state = self.describe(clients, target)
        if state["state"] not in ("gone", "active", "failed", "active_impaired"):
            raise self.stale(target, f"the load balancer is {state['state']}")
        return state

    def execute(self, clients: Clients, target: Target) -> Outcome:
        state = self.dry_run(clients, target)
        if state["state"] == "gone":
            return self.outcome(target, note="already gone")
        elb = self.client(clients, target)
        arn = state["arn"]
        self.call(target, "DeleteLoadBalancer", elb.delete_load_balancer, LoadBalancerArn=arn)
        return self.outcome(target, "elasticloadbalancing:DeleteLoadBalancer")

    def verify(self, clients: Clients, target: Target) -> dict[str, Any]:
        state = self.describe(clients, target)
        if state["state"] != "gone":
            raise RemediationError(f"{self.where(target)}: load balancer still {state['state']}")
        return state
