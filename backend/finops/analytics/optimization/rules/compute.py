"""EC2 and RDS instance rules, evaluated on the evidence ``instances.collect`` reads. One instance
gets at most one of them: the lowest ``precedence`` that applies (stopping beats downsizing
beats modernising)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from finops.analytics.optimization.findings import (
    RATE_DIFFERENCE,
    REMOVAL,
    Finding,
    Pricing,
    rate_difference,
    removal,
)
from finops.analytics.optimization.instance_types import InstanceType, successor_type
from finops.analytics.optimization.instances import EC2_TYPE, RDS_TYPE, ComputeEvidence
from finops.analytics.optimization.policy import RightsizingPolicy, WastePolicy
from finops.analytics.optimization.rightsizing import Recommendation, derived_rate, recommend
from finops.analytics.optimization.rules.base import (
    FINDING_RULES,
    RIGHTSIZING_JOB,
    WASTE_JOB,
    FindingRule,
)

Rates = dict[tuple[str, str], Decimal]


class ComputeRule(FindingRule):
    """An instance rule: ``evaluate`` one instance's evidence."""

    kind: ClassVar[str]  # ec2 | rds: the evidence it applies to
    precedence: ClassVar[int]

    def evaluate(self, e: ComputeEvidence, rates: Rates) -> Finding | None:
        raise NotImplementedError

    def _finding(
        self, e: ComputeEvidence, savings: Decimal, details: dict[str, Any], pricing: Pricing
    ) -> Finding:
        service = "AmazonEC2" if e.kind == "ec2" else "AmazonRDS"
        return self.item_finding(
            e.item,
            service=service,
            scope=e.instance_type,
            savings=savings,
            details=details,
            pricing=pricing,
        )


class _Idle(ComputeRule):
    Parameters = WastePolicy
    job = WASTE_JOB
    savings_method = REMOVAL
    coh_action = "Stop"
    precedence = 0

    def matches(self, e: ComputeEvidence) -> bool:
        """Idle by this rule's measure (the window holds enough data: checked before)."""
        raise NotImplementedError

    def evaluate(self, e: ComputeEvidence, rates: Rates) -> Finding | None:
        p: WastePolicy = self.parameters
        if e.kind != self.kind or e.idle_cpu_max is None or e.idle_hours < p.idle_min_hours:
            return None
        if not self.matches(e):
            return None
        details: dict[str, Any] = {
            "instance_type": e.instance_type,
            "hourly_rate": e.hourly_rate,
            "monthly_hours": e.monthly_hours,
            "lookback_days": p.idle_lookback_days,
            "hours_of_data": round(e.idle_hours, 2),
            "max_cpu_percent": e.idle_cpu_max,
            "action": "stop or terminate" if e.kind == "ec2" else "stop or delete (snapshot first)",
        }
        details.update(self.measures(e))
        # a stopped database still pays for its storage: only its instance hours are saved
        pricing = removal() if e.kind == "ec2" else removal("InstanceUsage:")
        return self._finding(e, e.hourly_rate * e.monthly_hours, details, pricing)

    def measures(self, e: ComputeEvidence) -> dict[str, Any]:
        raise NotImplementedError


@FINDING_RULES.register
class IdleInstance(_Idle):
    """An EC2 instance with peak CPU under a threshold and almost no network over the lookback.

    Example::

        finding: idle_instance
        resource: AWS::EC2::Instance
        parameters:
          idle_lookback_days: 14
          idle_min_hours: 30
          idle_instance_max_cpu_percent: 5
          idle_instance_max_network_mbps: 2
    """

    finding_type = "idle_instance"
    resource_types = (EC2_TYPE,)
    label = "Idle EC2 instance"
    kind = "ec2"
    parameter_names = (
        "idle_lookback_days",
        "idle_min_hours",
        "idle_instance_max_cpu_percent",
        "idle_instance_max_network_mbps",
    )

    def matches(self, e: ComputeEvidence) -> bool:
        p: WastePolicy = self.parameters
        return (
            e.idle_cpu_max is not None
            and e.idle_cpu_max < p.idle_instance_max_cpu_percent
            and e.idle_network_mbps is not None
            and e.idle_network_mbps <= p.idle_instance_max_network_mbps
        )

    def measures(self, e: ComputeEvidence) -> dict[str, Any]:
        p: WastePolicy = self.parameters
        return {
            "avg_network_mbps": round(e.idle_network_mbps or 0.0, 4),
            "thresholds": {
                "max_cpu_percent": p.idle_instance_max_cpu_percent,
                "max_network_mbps": p.idle_instance_max_network_mbps,
            },
        }


_RIGHTSIZING_PARAMETERS = (
    "lookback_days",
    "min_hours",
    "cpu_percentile",
    "cpu_headroom",
    "memory_headroom",
    "network_headroom",
    "cross_family",
    "burstable_targets",
    "min_monthly_savings",
)


def _usage_type(e: ComputeEvidence) -> str:
    return f"BoxUsage:{e.instance_type}" if e.kind == "ec2" else f"InstanceUsage:{e.instance_type}"


class _Oversized(ComputeRule):
    Parameters = RightsizingPolicy
    parameter_names = _RIGHTSIZING_PARAMETERS
    job = RIGHTSIZING_JOB
    savings_method = RATE_DIFFERENCE
    coh_action = "Rightsize"
    precedence = 1

    def recommendation(self, e: ComputeEvidence, rates: Rates) -> Recommendation | None:
        """Compute Optimizer's method (``rightsizing.recommend``) at the bill's rates, kept
        only when it saves at least ``min_monthly_savings`` over the billed hours."""
        policy: RightsizingPolicy = self.parameters
        if e.spec is None or e.usage is None:
            return None
        prefix = "BoxUsage:" if e.kind == "ec2" else "InstanceUsage:db."
        region = e.item.region

        def rate_of(spec: InstanceType) -> Decimal | None:
            return derived_rate(spec, region, rates, usage_prefix=prefix)

        rec = recommend(
            current=e.spec,
            current_rate=e.hourly_rate,
            usage=e.usage,
            rate_of=rate_of,
            policy=policy,
        )
        if rec is None or rec.hourly_savings * e.monthly_hours < policy.min_monthly_savings:
            return None
        return rec

    def evaluate(self, e: ComputeEvidence, rates: Rates) -> Finding | None:
        if e.kind != self.kind:
            return None
        rec = self.recommendation(e, rates)
        if rec is None or e.usage is None:
            return None
        policy: RightsizingPolicy = self.parameters
        details = {
            "instance_type": e.instance_type,
            "recommended_instance_type": (
                rec.target.name if e.kind == "ec2" else f"db.{rec.target.name}"
            ),
            "hourly_rate": rec.current_rate,
            "recommended_hourly_rate": rec.target_rate,
            "monthly_hours": e.monthly_hours,
            "projected_cpu_percent": rec.projected_cpu_percent,
            "projected_memory_percent": rec.projected_memory_percent,
            "projected_network_percent": rec.projected_network_percent,
            "memory_checked": rec.memory_checked,
            "risk": rec.risk,
            "evidence": {
                "lookback_days": policy.lookback_days,
                "hours_of_data": round(e.usage.hours, 2),
                "cpu_percentile": policy.cpu_percentile,
                "cpu_percent_at_percentile": round(e.usage.cpu_percent, 4),
                "cpu_max_percent": e.usage.cpu_max_percent,
                "memory_percent_at_percentile": e.usage.memory_percent,
                "network_bytes_per_s_at_percentile": e.usage.network_bytes_per_s,
                "ebs_iops_at_percentile": e.usage.ebs_iops,
                "cpu_headroom": policy.cpu_headroom,
                "memory_headroom": policy.memory_headroom,
            },
        }
        pricing = rate_difference(rec.current_rate, rec.target_rate, _usage_type(e))
        return self._finding(e, rec.hourly_savings * e.monthly_hours, details, pricing)


@FINDING_RULES.register
class OversizedInstance(_Oversized):
    """An EC2 instance whose observed peaks fit a cheaper type with headroom.

    Example::

        finding: oversized_instance
        resource: AWS::EC2::Instance
        parameters:
          lookback_days: 14
          min_hours: 30
          cpu_percentile: 99.5
          cpu_headroom: 0.20
          memory_headroom: 0.20
          network_headroom: 0.20
          cross_family: true
          burstable_targets: false
          min_monthly_savings: 1
    """

    finding_type = "oversized_instance"
    resource_types = (EC2_TYPE,)
    label = "Oversized EC2 instance"
    kind = "ec2"


@FINDING_RULES.register
class PreviousGenerationInstance(ComputeRule):
    """An EC2 instance of a previous-generation family, priced against its successor type.

    Example::

        finding: previous_generation_instance
        resource: AWS::EC2::Instance
        parameters:
          previous_generation: true
    """

    finding_type = "previous_generation_instance"
    resource_types = (EC2_TYPE,)
    label = "Previous-generation instance"
    Parameters = WastePolicy
    parameter_names = ("previous_generation",)
    job = WASTE_JOB
    savings_method = RATE_DIFFERENCE
    coh_action = "Upgrade"
    kind = "ec2"
    precedence = 2

    def evaluate(self, e: ComputeEvidence, rates: Rates) -> Finding | None:
        if not self.parameters.previous_generation:
            return None
        if e.kind != "ec2" or e.spec is None or e.spec.current_generation:
            return None
        target = successor_type(e.spec)
        if target is None:
            return None
        rate = derived_rate(target, e.item.region, rates)
        if rate is None:
            return None
        details = {
            "instance_type": e.instance_type,
            "recommended_instance_type": target.name,
            "hourly_rate": e.hourly_rate,
            "recommended_hourly_rate": rate,
            "monthly_hours": e.monthly_hours,
            "generation": "previous",
        }
        savings = max(Decimal(0), (e.hourly_rate - rate) * e.monthly_hours)
        return self._finding(
            e, savings, details, rate_difference(e.hourly_rate, rate, _usage_type(e))
        )


@FINDING_RULES.register
class OversizedRds(_Oversized):
    """An RDS instance whose CPU peaks fit a cheaper class (memory is never shrunk: RDS reports
    no memory metric).

    Example::

        finding: oversized_rds
        resource: AWS::RDS::DBInstance
        parameters:
          lookback_days: 14
          min_hours: 30
          cpu_percentile: 99.5
          cpu_headroom: 0.20
          memory_headroom: 0.20
          network_headroom: 0.20
          cross_family: true
          burstable_targets: false
          min_monthly_savings: 1
    """

    finding_type = "oversized_rds"
    resource_types = (RDS_TYPE,)
    label = "Oversized RDS instance"
    kind = "rds"
    evaluated = False  # the generated estate plants no oversized database


@FINDING_RULES.register
class IdleRds(_Idle):
    """An RDS instance with no database connections over the lookback.

    Example::

        finding: idle_rds
        resource: AWS::RDS::DBInstance
        parameters:
          idle_lookback_days: 14
          idle_min_hours: 30
          idle_rds_max_connections: 0
    """

    finding_type = "idle_rds"
    resource_types = (RDS_TYPE,)
    label = "Idle RDS instance"
    kind = "rds"
    parameter_names = ("idle_lookback_days", "idle_min_hours", "idle_rds_max_connections")

    def matches(self, e: ComputeEvidence) -> bool:
        p: WastePolicy = self.parameters
        return (
            e.idle_connections_max is not None
            and e.idle_connections_max <= p.idle_rds_max_connections
        )

    def measures(self, e: ComputeEvidence) -> dict[str, Any]:
        p: WastePolicy = self.parameters
        return {
            "max_connections": e.idle_connections_max,
            "thresholds": {"max_connections": p.idle_rds_max_connections},
        }


def compute_rules(rightsizing: RightsizingPolicy, waste: WastePolicy) -> list[ComputeRule]:
    """The instance rules in order of precedence, each with its policy."""
    policies: dict[type, object] = {RightsizingPolicy: rightsizing, WastePolicy: waste}
    rules = [
        rule(policies[rule.Parameters]) for rule in FINDING_RULES if issubclass(rule, ComputeRule)
    ]
    return sorted(rules, key=lambda r: r.precedence)
