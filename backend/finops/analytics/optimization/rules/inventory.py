"""The base of the storage and network waste rules: each evaluates one inventory item of its
resource type on the inputs ``waste.read_waste_inputs`` read once per run."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from finops.analytics.optimization import warehouse as wh
from finops.analytics.optimization.findings import Finding, Pricing
from finops.analytics.optimization.policy import WastePolicy
from finops.analytics.optimization.rules.base import FINDING_RULES, WASTE_JOB, FindingRule
from finops.analytics.optimization.waste import WasteInputs


class InventoryRule(FindingRule):
    """A waste rule over one inventory item."""

    Parameters = WastePolicy
    job = WASTE_JOB
    service: ClassVar[str]  # the bill's service of the resource

    def evaluate(self, item: wh.InventoryItem, inputs: WasteInputs) -> Finding | None:
        raise NotImplementedError

    def _finding(
        self,
        item: wh.InventoryItem,
        savings: Decimal,
        pricing: Pricing,
        details: dict[str, Any],
        scope: str = "",
    ) -> Finding:
        return self.item_finding(
            item,
            service=self.service,
            scope=scope,
            savings=savings,
            details=details,
            pricing=pricing,
        )


def inventory_findings(inputs: WasteInputs, policy: WastePolicy) -> list[Finding]:
    """Every storage/network waste finding: each registered inventory rule over the items of
    its resource types."""
    out: list[Finding] = []
    for rule_class in FINDING_RULES:
        if not issubclass(rule_class, InventoryRule):
            continue
        rule = rule_class(policy)
        for resource_type in rule.resource_types:
            for item in inputs.of_type(resource_type):
                finding = rule.evaluate(item, inputs)
                if finding is not None:
                    out.append(finding)
    return out
