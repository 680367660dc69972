"""Rightsizing (Compute Optimizer's method): project the observed peak utilization onto every
candidate type and pick the cheapest one that keeps the configured headroom.

For each resource: the ``cpu_percentile`` (P99.5 by default) of the 5-minute CPU maxima over the
lookback (at least ``min_hours`` of data) is scaled by vCPU ratio; memory (CloudWatch agent
``mem_used_percent``) likewise by memory ratio when reported; network and EBS IOPS peaks must fit
the candidate's baseline bandwidth. Candidates: the same family and, with ``cross_family``, every
current-generation family in the specifications table (burstable types only for burstable
sources unless ``burstable_targets``). Prices come from the bill's public on-demand rates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from finops.analytics.optimization.instance_types import (
    InstanceType,
    all_types,
    parse_instance_type,
)
from finops.analytics.optimization.policy import RightsizingPolicy

RateLookup = Callable[[InstanceType], Decimal | None]


@dataclass(frozen=True, slots=True)
class Utilization:
    """Observed peaks over the lookback window (percentiles of 5-minute maxima)."""

    hours: float
    cpu_percent: float
    cpu_max_percent: float
    memory_percent: float | None = None
    network_bytes_per_s: float | None = None
    ebs_iops: float | None = None


@dataclass(frozen=True, slots=True)
class Recommendation:
    current: InstanceType
    target: InstanceType
    current_rate: Decimal
    target_rate: Decimal
    projected_cpu_percent: float
    projected_memory_percent: float | None
    projected_network_percent: float | None
    risk: str  # low | medium | high
    memory_checked: bool

    @property
    def hourly_savings(self) -> Decimal:
        return self.current_rate - self.target_rate


def _limit(headroom: float) -> float:
    return 100.0 * (1.0 - headroom)


def project(
    current: InstanceType, target: InstanceType, usage: Utilization, policy: RightsizingPolicy
) -> tuple[bool, float, float | None, float | None]:
    """Whether ``usage`` fits ``target`` with headroom, and the projected CPU/memory/network %."""
    cpu = usage.cpu_percent * current.vcpu / target.vcpu
    fits = cpu <= _limit(policy.cpu_headroom)
    memory = None
    if usage.memory_percent is not None:
        memory = usage.memory_percent * current.memory_gib / target.memory_gib
        fits = fits and memory <= _limit(policy.memory_headroom)
    else:  # memory not reported (no CloudWatch agent): never shrink it blind
        fits = fits and target.memory_gib >= current.memory_gib
    network = None
    if usage.network_bytes_per_s is not None:
        network = 100.0 * usage.network_bytes_per_s * 8 / (target.network_gbps * 1e9)
        fits = fits and network <= _limit(policy.network_headroom)
    if usage.ebs_iops is not None:
        fits = fits and usage.ebs_iops <= target.ebs_iops * (1.0 - policy.network_headroom)
    return fits, cpu, memory, network


def _risk(cpu: float, memory: float | None) -> str:
    peak = max(cpu, memory or 0.0)
    level = 0 if peak <= 50.0 else (1 if peak <= 70.0 else 2)
    return ("low", "medium", "high")[min(level, 2)]


def candidates(current: InstanceType, policy: RightsizingPolicy) -> list[InstanceType]:
    burstable_ok = policy.burstable_targets or current.family.category == "burstable"
    out = []
    for spec in all_types():
        if not spec.current_generation or spec.name == current.name:
            continue
        if spec.family.category == "burstable" and not burstable_ok:
            continue
        if spec.family.name != current.family.name and not policy.cross_family:
            continue
        out.append(spec)
    return out


def recommend(
    *,
    current: InstanceType,
    current_rate: Decimal,
    usage: Utilization,
    rate_of: RateLookup,
    policy: RightsizingPolicy,
) -> Recommendation | None:
    """The cheapest candidate that fits with headroom and is cheaper than today, or None.

    None also when there are fewer than ``policy.min_hours`` of data (not enough evidence).
    Ties on price prefer the current family, then fewer changes (same size), then the name.
    """
    if usage.hours < policy.min_hours:
        return None
    best: tuple[tuple[Decimal, int, int, str], Recommendation] | None = None
    for target in candidates(current, policy):
        rate = rate_of(target)
        if rate is None or rate >= current_rate:
            continue
        fits, cpu, memory, network = project(current, target, usage, policy)
        if not fits:
            continue
        checked = usage.memory_percent is not None
        rec = Recommendation(
            current=current,
            target=target,
            current_rate=current_rate,
            target_rate=rate,
            projected_cpu_percent=round(cpu, 4),
            projected_memory_percent=None if memory is None else round(memory, 4),
            projected_network_percent=None if network is None else round(network, 6),
            risk=_risk(cpu, memory),
            memory_checked=checked,
        )
        key = (
            rate,
            0 if target.family.name == current.family.name else 1,
            0 if target.size == current.size else 1,
            target.name,
        )
        if best is None or key < best[0]:
            best = (key, rec)
    return None if best is None else best[1]


def derived_rate(
    spec: InstanceType,
    region: str,
    rates: dict[tuple[str, str], Decimal],
    *,
    usage_prefix: str = "BoxUsage:",
) -> Decimal | None:
    """The bill's public on-demand rate for ``spec`` in ``region``.

    In order: the exact type billed in the region; another size of the same family billed in the
    region, scaled by the normalization factor (on-demand prices within these families are
    proportional to it); the type billed in another region, scaled by the ratio of the two
    regions' rates for a type billed in both. None when the bill gives no basis.
    """
    exact = rates.get((region, f"{usage_prefix}{spec.name}"))
    if exact is not None:
        return exact
    same_family = _family_rate(spec, region, rates, usage_prefix)
    if same_family is not None:
        return same_family
    return _cross_region_rate(spec, region, rates, usage_prefix)


def _family_rate(
    spec: InstanceType, region: str, rates: dict[tuple[str, str], Decimal], prefix: str
) -> Decimal | None:
    for (rate_region, usage_type), rate in sorted(rates.items()):
        if rate_region != region or not usage_type.startswith(prefix):
            continue
        other = parse_instance_type(usage_type[len(prefix) :])
        if other is not None and other.family.name == spec.family.name:
            return rate * spec.multiple / other.multiple
    return None


def _cross_region_rate(
    spec: InstanceType, region: str, rates: dict[tuple[str, str], Decimal], prefix: str
) -> Decimal | None:
    here = {u: r for (reg, u), r in rates.items() if reg == region and u.startswith(prefix)}
    regions = sorted({reg for reg, _ in rates if reg != region})
    for other_region in regions:
        there = _family_rate(spec, other_region, rates, prefix)
        if there is None:
            continue
        common = sorted(
            u for (reg, u) in rates if reg == other_region and u in here and rates[(reg, u)] > 0
        )
        if common:
            ratio = here[common[0]] / rates[(other_region, common[0])]
            return there * ratio
    return None
