"""Under-used commitments: a Reserved Instance or Savings Plan whose utilization over the
lookback is below the threshold. What it reports is commitment waste (unused commitment per
730 h), never savings: the commitment is paid whatever is done this month."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from finops.analytics.commitments.policy import CommitmentPolicy
from finops.analytics.commitments.utilization import CommitmentDay
from finops.analytics.optimization.findings import COMMITMENT_WASTE, Finding
from finops.analytics.optimization.policy import HOURS_PER_MONTH
from finops.analytics.optimization.rules.base import COMMITMENTS_JOB, FINDING_RULES, FindingRule

RESERVED_INSTANCE = "Reserved Instance"
SAVINGS_PLAN = "Savings Plan"


class CommitmentRule(FindingRule):
    """An under-used commitment of one kind, over its daily utilization rows."""

    Parameters = CommitmentPolicy
    parameter_names = ("lookback_days", "min_utilization")
    job = COMMITMENTS_JOB
    savings_method = COMMITMENT_WASTE
    service: ClassVar[str]
    action: ClassVar[str]

    def applies_to(self, kind: str) -> bool:
        return kind in self.resource_types

    def evaluate(self, commitment_id: str, rows: list[CommitmentDay]) -> Finding | None:
        committed = sum((r.committed for r in rows), Decimal(0))
        used = sum((r.used for r in rows), Decimal(0))
        if committed <= 0:
            return None
        utilization = used / committed
        if utilization >= self.parameters.min_utilization:
            return None
        unused = committed - used
        parts = commitment_id.split(":")
        return Finding(
            finding_type=self.finding_type,
            account_id=parts[4] if len(parts) > 4 else "",
            region=parts[3] or None if len(parts) > 3 else None,
            resource_id=commitment_id,
            resource_type=rows[0].commitment_type,
            service=self.service,
            scope="",
            # not savings: the commitment is paid whatever is done this month
            estimated_monthly_savings=Decimal(0),
            savings_method=COMMITMENT_WASTE,
            commitment_waste=unused * HOURS_PER_MONTH / (24 * len(rows)),
            details={
                "utilization": round(float(utilization), 4),
                "committed": committed,
                "used": used,
                "unused": unused,
                "days": len(rows),
                "threshold": self.parameters.min_utilization,
                "action": self.action,
            },
            billing_ids=(commitment_id,),
        )


@FINDING_RULES.register
class UnderusedReservation(CommitmentRule):
    """A Reserved Instance used below the threshold over the lookback.

    Example::

        finding: underused_reservation
        resource: Reserved Instance
        parameters:
          lookback_days: 30
          min_utilization: 0.90
    """

    finding_type = "underused_reservation"
    resource_types = (RESERVED_INSTANCE,)
    label = "Under-used Reserved Instance"
    service = "AmazonEC2"
    action = "move workloads onto it, modify/exchange it, or sell it on the RI Marketplace"


@FINDING_RULES.register
class UnderusedSavingsPlan(CommitmentRule):
    """A Savings Plan used below the threshold over the lookback.

    Example::

        finding: underused_savings_plan
        resource: Savings Plan
        parameters:
          lookback_days: 30
          min_utilization: 0.90
    """

    finding_type = "underused_savings_plan"
    resource_types = (SAVINGS_PLAN,)
    label = "Under-used Savings Plan"
    service = "ComputeSavingsPlans"
    action = "hold new purchases until usage grows into the commitment"

    def applies_to(self, kind: str) -> bool:
        return kind != RESERVED_INSTANCE  # every other commitment kind is a plan


def underused_findings(days: list[CommitmentDay], policy: CommitmentPolicy) -> list[Finding]:
    """One finding per under-used commitment in ``days`` (its daily rows over the lookback)."""
    by_id: dict[str, list[CommitmentDay]] = {}
    for d in days:
        by_id.setdefault(d.commitment_id, []).append(d)
    rules = [rule(policy) for rule in FINDING_RULES if issubclass(rule, CommitmentRule)]
    out = []
    for cid, rows in sorted(by_id.items()):
        rule = next(r for r in rules if r.applies_to(rows[0].commitment_type))
        finding = rule.evaluate(cid, rows)
        if finding is not None:
            out.append(finding)
    return out
