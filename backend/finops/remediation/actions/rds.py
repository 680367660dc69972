"""RDS actions: stop an idle database instance."""

from __future__ import annotations

from collections.abc import Mapping
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
class StopRdsInstance(Action):
    """Stop an idle RDS database instance (reversible: start it again).

    The resource id is the DB instance identifier. RDS has no DryRun: the dry run describes the
    instance and requires it ``available`` (or already stopped). AWS starts a stopped instance
    again after 7 days by itself.

    Example::

        action: stop_rds_instance
        resource: AWS::RDS::DBInstance
        fixes: idle_rds
        parameters: {}
    """

    name = "stop_rds_instance"
    fixes = ("idle_rds",)
    resource_type = "AWS::RDS::DBInstance"
    service = "rds"
    iam_actions = ("rds:DescribeDBInstances", "rds:StopDBInstance", "rds:StartDBInstance")
    reversible = True
    undo = "StartDBInstance"
    gone_codes = frozenset({"DBInstanceNotFound", "DBInstanceNotFoundFault"})
    Parameters = NoParameters

    def describe(self, clients: Clients, target: Target) -> dict[str, Any]:
        rds = self.client(clients, target)
        db = self.first(
            target,
            "DescribeDBInstances",
            rds.describe_db_instances,
            "DBInstances",
            DBInstanceIdentifier=target.resource_id,
        )
        if db is None:
            return dict(GONE)
        return {
            "state": db["DBInstanceStatus"],
            "instance_class": db["DBInstanceClass"],
            "engine": db["Engine"],
        }

    def dry_run(self, clients: Clients, target: Target) -> dict[str, Any]:
        state = self.describe(clients, target)
        if state["state"] not in ("gone", "available", "stopping", "stopped", "deleting"):
            raise self.stale(target, f"the instance is {state['state']}")
        return state

    def execute(self, clients: Clients, target: Target) -> Outcome:
        state = self.dry_run(clients, target)
        if state["state"] in ("gone", "deleting"):
            return self.outcome(target, note="already gone")
        if state["state"] in ("stopping", "stopped"):
            return self.outcome(target, note=f"already {state['state']}")
        rds = self.client(clients, target)
        rid = target.resource_id
        self.call(target, "StopDBInstance", rds.stop_db_instance, DBInstanceIdentifier=rid)
        return self.outcome(target, "rds:StopDBInstance", undo={"start": True})

    def verify(self, clients: Clients, target: Target) -> dict[str, Any]:
        state = self.describe(clients, target)
        if state["state"] not in ("gone", "stopping", "stopped"):
            raise RemediationError(f"{self.where(target)}: expected stopped, is {state['state']}")
        return state

    def rollback(self, clients: Clients, target: Target, undo: Mapping[str, Any]) -> Outcome:
        if not undo.get("start"):
            return self.outcome(target, note="nothing to undo")
        rds = self.client(clients, target)
        rid = target.resource_id
        self.call(target, "StartDBInstance", rds.start_db_instance, DBInstanceIdentifier=rid)
        return self.outcome(target, "rds:StartDBInstance")
