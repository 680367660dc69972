"""The size each planted oversized instance fits: Compute Optimizer's EC2 method applied to the
simulated metrics (docs/demo-estate.md)."""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from finops.generator import catalog
from finops.generator.estate.model import Estate
from finops.generator.options import GeneratorError
from finops.generator.timeline import DAY_H, MONTH_HOURS
from finops.generator.utilization import MetricArrays, evaluate_hour, metric_series

SIZING_LOOKBACK_DAYS = 14
SIZING_PERCENTILE = 99.5
SIZING_HEADROOM = 0.20


def _simulated_peaks(estate: Estate, resource_id: str, days: int) -> dict[str, list[float]]:
    """The 5-minute maxima (CPU, memory) and sums (network, volume ops) that the utilization
    output reports for one instance over the last ``days`` days of the range."""
    series = [
        s
        for s in metric_series(estate)
        if s.resource.resource_id == resource_id
        or (s.kind == "ops" and s.resource.attrs.get("attached_to") == resource_id)
    ]
    if not series:
        return {}
    arrays = MetricArrays(estate, series)
    tl = estate.timeline
    first = max(0, tl.hours - days * DAY_H)
    hours = np.arange(first, tl.hours, dtype=np.int64)
    weekdays = tl.weekday_of(hours)
    out: dict[str, list[float]] = {}
    for hour, weekday in zip(hours.tolist(), weekdays.tolist(), strict=True):
        avg, _, peak = evaluate_hour(arrays, estate.seed, hour, int(weekday))
        for index, s in enumerate(series):
            key = s.kind if s.kind != "ops" else "ops:" + s.resource.resource_id
            key = key if s.kind != "net" else "net:" + s.metric
            values = peak[index] if s.kind in ("cpu", "mem") else avg[index] * 5.0
            out.setdefault(key, []).extend(float(v) for v in values if not np.isnan(v))
    return out


def _percentile(values: list[float]) -> float | None:
    # PostgreSQL percentile_cont = numpy's linear interpolation
    return float(np.percentile(np.array(values), SIZING_PERCENTILE)) if values else None


def size_oversized(estate: Estate, utilization_days: int) -> None:
    """Fill each ``oversized_instance`` with the size its simulated utilization fits.

    Compute Optimizer's method on the metrics the utilization output carries: P99.5 of the
    5-minute CPU maxima and of the agent's ``mem_used_percent`` maxima over the last 14 days (or
    the utilization window when shorter), projected onto every current-generation, non-burstable
    type of the catalog by vCPU and memory ratio, 20% headroom on both; the cheapest fitting type
    cheaper than today wins (ties: same family, same size, name). Prices are the catalog's
    regional on-demand prices — the rates the bill carries. Savings = price difference × 730 h
    (the planted instances run around the clock)."""
    by_id = estate.by_id()
    days = min(SIZING_LOOKBACK_DAYS, utilization_days)
    limit = 100.0 * (1.0 - SIZING_HEADROOM)
    for s in estate.situations:
        if s.kind != "oversized_instance" or s.resource_id is None:
            continue
        inst = by_id[s.resource_id]
        itype = str(inst.attrs["instance_type"])
        current = catalog.instance_spec(itype)
        peaks = _simulated_peaks(estate, s.resource_id, days)
        cpu = _percentile(peaks.get("cpu", []))
        mem = _percentile(peaks.get("mem", []))
        if cpu is None:
            raise GeneratorError(f"oversized instance {s.resource_id} reports no CPU")
        now = catalog.regional_price(current.price, inst.region)
        target = _cheapest_fit(current, inst.region, cpu=cpu, mem=mem, limit=limit)
        if target is None:
            raise GeneratorError(f"planted oversized instance {s.resource_id} fits nothing smaller")
        target_price = catalog.regional_price(target.price, inst.region)
        net_in = _percentile(peaks.get("net:NetworkIn", []))
        net_out = _percentile(peaks.get("net:NetworkOut", []))
        network = None if net_in is None or net_out is None else (net_in + net_out) / 300.0
        iops = [
            (_percentile(vs) or 0.0) / 300.0 for k, vs in sorted(peaks.items()) if k[:4] == "ops:"
        ]
        s.monthly_cost_impact = ((now - target_price) * MONTH_HOURS).quantize(Decimal("0.01"))
        s.details.update(
            recommended_instance_type=target.instance_type,
            hourly_rate=str(now),
            recommended_hourly_rate=str(target_price),
            lookback_days=days,
            cpu_percentile=SIZING_PERCENTILE,
            cpu_percent_at_percentile=round(cpu, 4),
            memory_percent_at_percentile=None if mem is None else round(mem, 4),
            projected_cpu_percent=round(cpu * current.vcpu / target.vcpu, 4),
            projected_memory_percent=(
                None if mem is None else round(mem * current.memory_gib / target.memory_gib, 4)
            ),
            network_bytes_per_s_at_percentile=None if network is None else round(network, 1),
            ebs_iops_at_percentile=round(sum(iops), 2) if iops else None,
            headroom=SIZING_HEADROOM,
        )


def _cheapest_fit(
    current: catalog.InstanceSpec, region: str, *, cpu: float, mem: float | None, limit: float
) -> catalog.InstanceSpec | None:
    """The cheapest current-generation, non-burstable type cheaper than ``current`` on which the
    CPU (and memory, when reported) percentile projects under ``limit`` percent (ties: same
    family, same size, name); without memory metrics, no type with less memory."""
    now = catalog.regional_price(current.price, region)
    best: tuple[tuple[Decimal, int, int, str], catalog.InstanceSpec] | None = None
    for family in catalog.FAMILIES.values():
        if not family.current_generation or family.name.startswith("t"):
            continue
        for size in catalog.SIZE_ORDER:
            spec = catalog.instance_spec(f"{family.name}.{size}")
            price = catalog.regional_price(spec.price, region)
            if spec.instance_type == current.instance_type or price >= now:
                continue
            if cpu * current.vcpu / spec.vcpu > limit:
                continue
            if mem is None and spec.memory_gib < current.memory_gib:
                continue
            if mem is not None and mem * current.memory_gib / spec.memory_gib > limit:
                continue
            key = (
                price,
                0 if family.name == current.family.name else 1,
                0 if size == current.size else 1,
                spec.instance_type,
            )
            if best is None or key < best[0]:
                best = (key, spec)
    return None if best is None else best[1]
