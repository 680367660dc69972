"""``ground_truth.json``: every planted situation, with impacts measured from the generated bill."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from finops.generator import catalog
from finops.generator.billing.batch import RECENT_DAYS
from finops.generator.estate.model import Estate, Situation
from finops.generator.streams.model import COST_SCALE
from finops.generator.timeline import DAY_H, MONTH_HOURS
from finops.generator.utilization import MetricArrays, evaluate_hour, metric_series

if TYPE_CHECKING:
    from finops.generator.billing.engine import BillingEngine
    from finops.generator.options import GenerateOptions
    from finops.generator.results import BillingTotals

GROUND_TRUTH_VERSION = 1


def _dollars(units: int | float) -> Decimal:
    return (Decimal(int(units)) / COST_SCALE).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _json_money(value: Decimal | None) -> float | None:
    return None if value is None else float(value.quantize(Decimal("0.01"), ROUND_HALF_UP))


def _situation_json(s: Situation) -> dict[str, Any]:
    effective = s.details.pop("effective_monthly_cost_impact", None)
    return {
        "kind": s.kind,
        "resource_id": s.resource_id,
        "account_id": s.account_id,
        "region": s.region,
        "service": s.service,
        "start": s.start.isoformat(),
        "end": s.end.isoformat() if s.end else None,
        "monthly_cost_impact": _json_money(s.monthly_cost_impact),
        **(
            {"effective_monthly_cost_impact": _json_money(effective)}
            if isinstance(effective, Decimal)
            else {}
        ),
        "details": s.details,
    }


def measure_impacts(estate: Estate, engine: BillingEngine) -> None:
    """Fill impacts that only the bill can tell: anomalies, unused commitments."""
    acc = engine.acc
    for s in estate.situations:
        if s.anomaly_id is not None:
            index = s.anomaly_id - 1
            extra = int(acc.anomaly_extra[index])
            hours = int(acc.anomaly_hours[index])
            total = _dollars(extra)
            s.details["total_cost_impact"] = float(total)
            s.details["anomalous_hours"] = hours
            if s.kind == "cost_spike":
                s.monthly_cost_impact = total
            else:
                span = max(1, (estate.timeline.hours - estate.anomalies[index].start_hour))
                s.monthly_cost_impact = _dollars(extra * MONTH_HOURS / span)
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
                s.monthly_cost_impact = _dollars(
                    (recent_commit - recent_used) * MONTH_HOURS / recent_hours
                )
                s.details["unused_commitment_total"] = float(_dollars(commit - used))
                s.details["unused_commitment_last_30_days"] = float(
                    _dollars(recent_commit - recent_used)
                )


# Compute Optimizer's EC2 method, applied to the simulated metrics (docs/demo-estate.md)
SIZING_LOOKBACK_DAYS = 14
SIZING_PERCENTILE = 99.5
SIZING_HEADROOM = 0.20
SP_RECENT_DAYS = 30


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
            raise ValueError(f"oversized instance {s.resource_id} reports no CPU")
        now = catalog.regional_price(current.price, inst.region)
        best: tuple[tuple[Decimal, int, int, str], catalog.InstanceSpec] | None = None
        for family in catalog.FAMILIES.values():
            if not family.current_generation or family.name.startswith("t"):
                continue
            for size in catalog.SIZE_ORDER:
                spec = catalog.instance_spec(f"{family.name}.{size}")
                price = catalog.regional_price(spec.price, inst.region)
                if spec.instance_type == itype or price >= now:
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
        if best is None:
            raise ValueError(f"planted oversized instance {s.resource_id} fits nothing smaller")
        target = best[1]
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
        now = catalog.regional_price(
            catalog.instance_spec(str(s.details["instance_type"])).price, region
        )
        target = catalog.regional_price(
            catalog.instance_spec(str(s.details["recommended_instance_type"])).price, region
        )
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


def budget_situation(estate: Estate, engine: BillingEngine) -> Situation | None:
    """A monthly budget on the first linked account, set under its last month's spend."""
    tl = estate.timeline
    periods = tl.periods()
    if not periods:
        return None
    period = periods[-1]
    account = estate.accounts[0]
    column = engine.s.account_ids.index(account.account_id)
    daily = engine.acc.account_day[period.first_day : period.last_day, column]
    actual = int(daily.sum())
    days_generated = period.last_day - period.first_day
    days_in_month = (period.end - period.start).days
    forecast = actual * days_in_month // max(1, days_generated)
    limit = _dollars(forecast * 0.85).quantize(Decimal("1"))
    limit_units = int(limit * COST_SCALE)
    cumulative = np.cumsum(daily)
    crossed = np.nonzero(cumulative > limit_units)[0]
    overrun_day = tl.day(period.first_day + int(crossed[0])) if crossed.size else None
    return Situation(
        kind="budget_overrun",
        resource_id=None,
        account_id=account.account_id,
        region=None,
        service=None,
        start=period.start,
        end=period.end - timedelta(days=1),
        monthly_cost_impact=_dollars(forecast) - limit,
        details={
            "budget_name": f"{account.name}-monthly",
            "scope": "account",
            "cost_type": "net_unblended",
            "limit": float(limit),
            "billing_period": period.label,
            "actual_to_date": float(_dollars(actual)),
            "forecast": float(_dollars(forecast)),
            "days_generated": days_generated,
            "overrun_date": overrun_day.isoformat() if overrun_day else None,
        },
    )


def write_ground_truth(
    *,
    path: Path,
    options: GenerateOptions,
    estate: Estate,
    engine: BillingEngine,
    totals: dict[str, BillingTotals],
    original_totals: dict[str, BillingTotals],
    restated: str | None,
    hourly: bool,
) -> Path:
    measure_impacts(estate, engine)
    size_oversized(estate, options.utilization_days)
    effective_impacts(estate, engine)
    situations = list(estate.situations)
    budget = budget_situation(estate, engine)
    if budget is not None:
        situations.append(budget)
    restatements = []
    if restated is not None:
        restatements.append(
            {
                "billing_period": restated,
                "revision": 2,
                "original": _totals_json(original_totals[restated]),
                "restated": _totals_json(totals[restated]),
                "changes": engine.acc.restatement.get("added_lines", []),
            }
        )
    document = {
        "version": GROUND_TRUTH_VERSION,
        "generator": {
            "seed": options.seed,
            "accounts": options.accounts,
            "start": options.start.isoformat(),
            "end_exclusive": options.end.isoformat(),
            "scale": options.scale,
            "granularity": "HOURLY" if hourly else "DAILY",
            "formats": list(options.formats),
            "utilization_days": options.utilization_days,
            **({"extra_anomalies": options.extra_anomalies} if options.extra_anomalies else {}),
        },
        "organization": {
            "payer": {"account_id": estate.payer.account_id, "name": estate.payer.name},
            "accounts": [
                {
                    "account_id": a.account_id,
                    "name": a.name,
                    "environment": a.environment,
                    "team": a.team,
                    "regions": list(a.regions),
                }
                for a in estate.accounts
            ],
            "tag_policy": {"required": ["team", "environment", "cost-center", "application"]},
        },
        "billing_periods": {label: _totals_json(t) for label, t in totals.items()},
        "restatements": restatements,
        "commitments": {
            "reservations": [
                {
                    "arn": r.arn,
                    "instance_type": r.instance_type,
                    "region": r.region,
                    "count": r.count,
                    "start": r.start.isoformat(),
                    "end": r.end.isoformat(),
                    "hourly_rate": str(r.hourly_rate),
                }
                for r in estate.reservations
            ],
            "savings_plans": [
                {
                    "arn": p.arn,
                    "commitment_per_hour": str(p.commitment),
                    "start": p.start.isoformat(),
                    "end": p.end.isoformat(),
                }
                for p in estate.savings_plans
            ],
        },
        "situations": [_situation_json(s) for s in situations],
    }
    path.write_text(json.dumps(document, indent=2, sort_keys=False) + "\n")
    return path


def _totals_json(t: BillingTotals) -> dict[str, Any]:
    return {
        "unblended_cost": str(t.unblended),
        "net_unblended_cost": str(t.net_unblended),
        "line_items": t.line_items,
    }


def situation_dates(s: dict[str, Any]) -> tuple[date, date | None]:
    return date.fromisoformat(s["start"]), (date.fromisoformat(s["end"]) if s["end"] else None)


__all__ = ["DAY_H", "write_ground_truth"]
