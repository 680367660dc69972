"""``ground_truth.json``: every planted situation, with impacts measured from the generated bill."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from finops.generator.estate import Estate, Situation
from finops.generator.streams import COST_SCALE
from finops.generator.timeline import DAY_H, MONTH_HOURS

if TYPE_CHECKING:
    from finops.generator.api import BillingTotals, GenerateOptions
    from finops.generator.billing import BillingEngine

GROUND_TRUTH_VERSION = 1


def _dollars(units: int | float) -> Decimal:
    return (Decimal(int(units)) / COST_SCALE).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _json_money(value: Decimal | None) -> float | None:
    return None if value is None else float(value.quantize(Decimal("0.01"), ROUND_HALF_UP))


def _situation_json(s: Situation) -> dict[str, Any]:
    return {
        "kind": s.kind,
        "resource_id": s.resource_id,
        "account_id": s.account_id,
        "region": s.region,
        "service": s.service,
        "start": s.start.isoformat(),
        "end": s.end.isoformat() if s.end else None,
        "monthly_cost_impact": _json_money(s.monthly_cost_impact),
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
            if s.kind == "underused_savings_plan":
                sp = next(p for p in estate.savings_plans if p.arn == arn)
                hours = max(1, estate.timeline.hours - max(0, sp.start_hour))
                s.monthly_cost_impact = _dollars((commit - used) * MONTH_HOURS / hours)
                s.details["unused_commitment_total"] = float(_dollars(commit - used))


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
