"""The finding rule base class and the registry every rule joins.

A rule is a small class: its ``finding_type`` (the one place that name is written), the resource
types it looks at, the dashboard label, the job that writes it, how its savings are priced, the
Cost Optimization Hub action it corresponds to, whether the generated estate's ground truth
scores it, the job policy it reads (``Parameters``) and which of that policy's fields
(``parameter_names``), and a docstring whose ``Example::`` block shows them in YAML. An
instance is the rule configured with its policy; its ``evaluate`` method turns the data its job
already read into a ``Finding`` or None.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from finops.analytics.optimization import warehouse as wh
from finops.analytics.optimization.findings import Finding, Pricing
from finops.errors import ConfigurationError
from finops.registry import Registered, Registry

RIGHTSIZING_JOB = "rightsizing"
WASTE_JOB = "waste"
TAGGING_JOB = "tagging"
COMMITMENTS_JOB = "commitments"
NO_SAVINGS = "none"


class FindingRule(Registered):
    """One finding type: what it looks at, how it is priced, and what it reads."""

    finding_type: ClassVar[str]
    resource_types: ClassVar[tuple[str, ...]]
    label: ClassVar[str]  # what the dashboard shows (frontend/src/lib/findings.ts)
    job: ClassVar[str]
    savings_method: ClassVar[str]
    coh_action: ClassVar[str | None] = None  # Cost Optimization Hub action type, if any
    evaluated: ClassVar[bool] = True  # the generator plants it and the eval scores it

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "finding_type" in cls.__dict__:
            cls.name = cls.finding_type

    def __init__(self, parameters: Any) -> None:
        if not isinstance(parameters, self.Parameters):
            raise ConfigurationError(
                f"{self.name}: parameters must be a {self.Parameters.__name__}, "
                f"got {type(parameters).__name__}"
            )
        self.parameters = parameters

    def item_finding(
        self,
        item: wh.InventoryItem,
        *,
        service: str | None,
        scope: str,
        savings: Decimal,
        details: dict[str, Any],
        pricing: Pricing | None = None,
    ) -> Finding:
        """This rule's finding on an inventory resource (billed under its id and ARN)."""
        return Finding(
            finding_type=self.finding_type,
            account_id=item.account_id,
            region=item.region,
            resource_id=item.resource_id,
            resource_type=item.resource_type,
            service=service,
            scope=scope,
            estimated_monthly_savings=savings,
            details=details,
            billing_ids=item.billing_ids,
            pricing=pricing,
        )

    @classmethod
    def summary(cls) -> str:
        """The first line of the docstring."""
        return (cls.__doc__ or "").strip().splitlines()[0]


FINDING_RULES: Registry[type[FindingRule]] = Registry("finding rule")
