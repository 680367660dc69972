"""Impacts that only the generated bill can tell: what each anomaly added, how much of each
commitment went unused, and each optimization's monthly impact at the price actually paid."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from finops.generator import catalog
from finops.generator.billing.batch import RECENT_DAYS
from finops.generator.billing.engine import BillingEngine
from finops.generator.estate.model import Estate, Situation
from finops.generator.streams.model import COST_SCALE
from finops.generator.timeline import MONTH_HOURS

SP_RECENT_DAYS = 30


def dollars(units: int | float) -> Decimal:
    """An amount of 1e-8 dollars in dollars, rounded half up to cents."""
    return (Decimal(int(units)) / COST_SCALE).quantize(Decimal("0.01"), ROUND_HALF_UP)


def measure_impacts(estate: Estate, engine: BillingEngine) -> None:
    """Fill impacts that only the bill can tell: anomalies, unused commitments."""
    acc = engine.acc
    for s in estate.situations:
        if s.anomaly_id is not None:
            index = s.anomaly_id - 1
            extra = int(acc.anomaly_extra[index])
            hours = int(acc.anomaly_hours[index])
            total = dollars(extra)
            s.details["total_cost_impact"] = float(total)
            s.details["anomalous_hours"] = hours
            if s.kind == "cost_spike":
                s.monthly_cost_impact = total
            else:
                span = max(1, (estate.timeline.hours - estate.anomalies[index].start_hour))
                s.monthly_cost_impact = dollars(extra * MONTH_HOURS / span)
        if s.kind == "underused_reservation":
            arn = str(s.details["reservation_arn"])
            used, total_h = acc.ri_used_hours.get(arn, 0), acc.ri_hours.get(arn, 0)
            s.details["utilization_over_range"] = round(used / total_h, 4) if total_h else None
        if s.kind == "underused_savings_plan" or (
            s.kind == "healthy" and "savings_plan_arn" in s.details
        ):
            arn = str(s.details["savings_plan_arn"])
            used, commit = acc.sp_used.get(arn, 0), acc.sp_commitment.get(arn, 0)
            s.details["utilization_over_range"] = round(used / commit, 4) if commit else None
            first_recent = estate.timeline.days - SP_RECENT_DAYS
            recent_used = sum(
                v for d, v in acc.sp_used_by_day.get(arn, {}).items() if d >= first_recent
            )
            recent_commit = sum(
                v for d, v in acc.sp_commitment_by_day.get(arn, {}).items() if d >= first_recent
            )
            s.details["utilization_last_30_days"] = (
                round(recent_used / recent_commit, 4) if recent_commit else None
            )
            if s.kind == "underused_savings_plan":
                # an ongoing under-use: its monthly impact is today's rate of waste, the unused
                # commitment over the last 30 days of the range (720 h) per 730 h
                sp = next(p for p in estate.savings_plans if p.arn == arn)
                recent_hours = max(1, recent_commit // int(sp.commitment * COST_SCALE))
                s.monthly_cost_impact = dollars(
                    (recent_commit - recent_used) * MONTH_HOURS / recent_hours
                )
                s.details["unused_commitment_total"] = float(dollars(commit - used))
                s.details["unused_commitment_last_30_days"] = float(
                    dollars(recent_commit - recent_used)
                )


REMOVAL_KINDS = (
    "idle_instance",
    "idle_rds",
    "unattached_volume",
    "old_snapshot",
    "unassociated_eip",
    "idle_load_balancer",
)


def _change_fraction(s: Situation, region: str) -> tuple[Decimal, str] | None:
    """(share of the priced usage a change of type saves, the usage type it prices)."""
    if s.kind == "oversized_instance":
        now = Decimal(str(s.details["hourly_rate"]))
        target = Decimal(str(s.details["recommended_hourly_rate"]))
        return (now - target) / now, "BoxUsage"
    if s.kind == "previous_generation_instance":
        now = catalog.ec2_rate(str(s.details["instance_type"]), region)
        target = catalog.ec2_rate(str(s.details["recommended_instance_type"]), region)
        return (now - target) / now, "BoxUsage"
    if s.kind == "gp2_volume":
        gp2 = catalog.regional_price(catalog.EBS_GB_MONTH["gp2"], region)
        gp3 = catalog.regional_price(catalog.EBS_GB_MONTH["gp3"], region)
        return (gp2 - gp3) / gp2, "VolumeUsage.gp2"
    return None


def effective_impacts(estate: Estate, engine: BillingEngine) -> None:
    """Each optimization situation's monthly impact at the price actually paid: the effective
    cost (after Savings Plan / RI coverage) of its resource's usage over the last 30 days of the
    range — all of it for a removal, the share the cheaper type saves for a change of type —
    scaled to 30 days when the resource was first billed inside them (docs/analytics.md)."""
    acc = engine.acc
    specs = engine.s.specs
    last_day = estate.timeline.days - 1
    for s in estate.situations:
        if s.resource_id is None or s.region is None:
            continue
        if s.kind in REMOVAL_KINDS:
            # a stopped database still pays for its storage: only instance hours are saved
            fraction, usage = Decimal(1), "InstanceUsage" if s.kind == "idle_rds" else ""
        else:
            change = _change_fraction(s, s.region)
            if change is None:
                continue
            fraction, usage = change
        rid = s.resource_id
        streams = [
            i
            for i, spec in enumerate(specs)
            if (spec.resource_id == rid or spec.resource_id.endswith("/" + rid))
            and usage in spec.usage_type
            and acc.recent_first_day[i] <= last_day
        ]
        if not streams:
            continue
        first = min(int(acc.recent_first_day[i]) for i in streams)
        days = last_day - first + 1
        effective = Decimal(sum(int(acc.recent_effective[i]) for i in streams)) / COST_SCALE
        impact = effective * fraction * RECENT_DAYS / days
        s.details["effective_monthly_cost_impact"] = impact
