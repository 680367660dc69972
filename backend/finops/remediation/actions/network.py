"""Network actions: release an unassociated Elastic IP; delete an idle load balancer."""

from __future__ import annotations

from typing import Any

from finops.remediation.actions.base import (
    ACTIONS,
    GONE,
    Call,
    Clients,
    Deletion,
    NoParameters,
    Target,
)


@ACTIONS.register
class ReleaseAddress(Deletion):
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

    def unfit(self, state: dict[str, Any]) -> str | None:
        return "the address is associated" if state["state"] == "associated" else None

    def calls(self, clients: Clients, target: Target, state: dict[str, Any]) -> list[Call]:
        ec2 = self.client(clients, target)
        aid = target.resource_id
        return [Call("ec2:ReleaseAddress", ec2.release_address, {"AllocationId": aid})]

    def recorded(self, results: list[Any]) -> dict[str, Any]:
        return {"note": "released"}


@ACTIONS.register
class DeleteLoadBalancer(Deletion):
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
    dry_run_supported = False

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

    def unfit(self, state: dict[str, Any]) -> str | None:
        if state["state"] in ("active", "failed", "active_impaired"):
            return None
        return f"the load balancer is {state['state']}"

    def calls(self, clients: Clients, target: Target, state: dict[str, Any]) -> list[Call]:
        elb = self.client(clients, target)
        arn = state["arn"]
        return [
            Call(
                "elasticloadbalancing:DeleteLoadBalancer",
                elb.delete_load_balancer,
                {"LoadBalancerArn": arn},
            )
        ]
