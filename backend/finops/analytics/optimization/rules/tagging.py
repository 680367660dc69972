"""Tag findings against the tag policy (``allocation.tagging.problems``): resources carrying
none of its keys, and resources carrying some with a key missing, misspelt or a value not
allowed. Priced at the resource's last 30 days of effective cost (what cannot be allocated),
never as savings."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import ClassVar

from sqlalchemy import Connection

from finops.analytics.allocation.tagging import SERVICES, TAGGABLE, problems
from finops.analytics.optimization import warehouse as wh
from finops.analytics.optimization.findings import Finding
from finops.analytics.optimization.policy import TagPolicy
from finops.analytics.optimization.rules.base import (
    FINDING_RULES,
    NO_SAVINGS,
    TAGGING_JOB,
    FindingRule,
)


class TagRule(FindingRule):
    """A tag-policy rule: the resources whose tags have the problem ``status``."""

    Parameters = TagPolicy
    parameter_names = ("required", "allowed")
    resource_types = TAGGABLE
    job = TAGGING_JOB
    savings_method = NO_SAVINGS
    status: ClassVar[str]  # what allocation.tagging.problems calls it

    def evaluate(
        self, item: wh.InventoryItem, lines: dict[str, list[wh.UsageLine]]
    ) -> Finding | None:
        policy: TagPolicy = self.parameters
        status, found = problems(item.tags, policy)
        if status != self.status:
            return None
        cost = sum(
            (line.effective_cost for bid in item.billing_ids for line in lines.get(bid, [])),
            Decimal(0),
        )
        return self.item_finding(
            item,
            service=SERVICES.get(item.resource_type),
            scope=json.dumps(item.tags, sort_keys=True),
            savings=Decimal(0),
            details={
                "problems": found,
                "tags": item.tags,
                "unallocatable_cost_30d": cost,
                "policy_required": list(policy.required),
            },
        )


@FINDING_RULES.register
class UntaggedResource(TagRule):
    """A resource carrying none of the tag policy's keys (nor a near miss of one).

    Example::

        finding: untagged_resource
        resource: AWS::EC2::Instance
        parameters:
          required: [team, environment, cost-center, application]
          allowed: {}
    """

    finding_type = "untagged_resource"
    label = "Untagged resource"
    status = "untagged"


@FINDING_RULES.register
class MistaggedResource(TagRule):
    """A resource with a required tag key missing, misspelt, or a value the policy forbids.

    Example::

        finding: mistagged_resource
        resource: AWS::EC2::Instance
        parameters:
          required: [team, environment, cost-center, application]
          allowed:
            environment: [prod, staging, dev]
    """

    finding_type = "mistagged_resource"
    label = "Mis-tagged resource"
    status = "mistagged"


def tag_findings(conn: Connection, *, as_of: date, policy: TagPolicy) -> list[Finding]:
    """The tag findings of every resource in the inventory as of ``as_of`` (the lines are
    those of the 30 days ending with it)."""
    items = wh.inventory_as_of(conn, as_of=as_of, types=list(TAGGABLE))
    start, end = as_of.fromordinal(as_of.toordinal() - 29), as_of.fromordinal(as_of.toordinal() + 1)
    lines = wh.usage_lines(
        conn, start=start, end=end, ids=[i for r in items for i in r.billing_ids]
    )
    rules = [rule(policy) for rule in FINDING_RULES if issubclass(rule, TagRule)]
    out = []
    for item in items:
        for rule in rules:
            finding = rule.evaluate(item, lines)
            if finding is not None:
                out.append(finding)
    return out
