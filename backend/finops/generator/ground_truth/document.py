"""The ``ground_truth.json`` document: the generator's options, the organisation, the billing
totals and restatements, the commitments and every situation with its measured impacts."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from finops.generator.billing.engine import BillingEngine
from finops.generator.estate.model import Estate, Situation, UsagePin
from finops.generator.ground_truth.budget import budget_situation
from finops.generator.ground_truth.impacts import effective_impacts, measure_impacts
from finops.generator.ground_truth.sizing import size_oversized
from finops.generator.options import GenerateOptions
from finops.generator.results import BillingTotals

GROUND_TRUTH_VERSION = 1


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
        "generator": _generator_json(options, hourly=hourly),
        "organization": _organization_json(estate),
        "billing_periods": {label: _totals_json(t) for label, t in totals.items()},
        "restatements": restatements,
        "commitments": _commitments_json(estate),
        "situations": [_situation_json(s) for s in situations],
    }
    if estate.usage_pins:
        document["usage_anomalies"] = [_pin_json(estate, p) for p in estate.usage_pins]
    path.write_text(json.dumps(document, indent=2, sort_keys=False) + "\n")
    return path


def _pin_json(estate: Estate, pin: UsagePin) -> dict[str, Any]:
    """A planted CPU pin: resource, start and exclusive end (UTC) and the cost anomaly it
    causes (None: a blip without cost)."""
    tl = estate.timeline
    return {
        "resource_id": pin.resource_id,
        "metric": "CPUUtilization",
        "value": pin.value,
        "start": datetime.fromtimestamp(tl.epoch_s + pin.start_hour * 3600, UTC).isoformat(),
        "end": datetime.fromtimestamp(tl.epoch_s + pin.end_hour * 3600, UTC).isoformat(),
        "anomaly_id": pin.anomaly_id,
    }


def _totals_json(t: BillingTotals) -> dict[str, Any]:
    return {
        "unblended_cost": str(t.unblended),
        "net_unblended_cost": str(t.net_unblended),
        "line_items": t.line_items,
    }


def _generator_json(options: GenerateOptions, *, hourly: bool) -> dict[str, Any]:
    """The options the estate was generated with."""
    return {
        "seed": options.seed,
        "accounts": options.accounts,
        "start": options.start.isoformat(),
        "end_exclusive": options.end.isoformat(),
        "scale": options.scale,
        "granularity": "HOURLY" if hourly else "DAILY",
        "formats": list(options.formats),
        "utilization_days": options.utilization_days,
        **({"extra_anomalies": options.extra_anomalies} if options.extra_anomalies else {}),
        **({"usage_anomalies": True} if options.usage_anomalies else {}),
    }


def _organization_json(estate: Estate) -> dict[str, Any]:
    """The payer, the member accounts and the tag policy."""
    return {
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
    }


def _commitments_json(estate: Estate) -> dict[str, Any]:
    """Every reserved instance and savings plan."""
    return {
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
    }
