"""Findings: identity (fingerprint), storage per job run, and enrichment with the resource's
actual cost from the bill.

A job run for (job, as_of) replaces that run's observations in one transaction; the ``findings``
view derives the lifecycle (new, open, resolved) from the observations of every run, so the
result depends only on the data and the run dates, never on the order runs happened in.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import structlog
from sqlalchemy import Connection, text

log = structlog.get_logger(__name__)

CENT = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    """Round to the cent, half up (what a report shows)."""
    return value.quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing to fix on one resource, with the dollars it would save per month."""

    finding_type: str
    account_id: str
    region: str | None
    resource_id: str | None
    resource_type: str | None
    service: str | None
    scope: str  # what the identity depends on besides the resource (e.g. its instance type)
    estimated_monthly_savings: Decimal
    details: dict[str, Any]
    billing_ids: tuple[str, ...] = field(default=(), compare=False)
    pricing: Pricing | None = field(default=None, compare=False)
    savings_method: str = "none"
    on_demand_monthly_savings: Decimal | None = None
    commitment_waste: Decimal = Decimal(0)

    @property
    def fingerprint(self) -> str:
        return fingerprint(
            self.finding_type, self.account_id, self.region, self.resource_id, self.scope
        )


@dataclass(frozen=True, slots=True)
class Pricing:
    """How a finding is priced at the effective price (``price_at_effective``): the share
    ``fraction`` of the resource's usage cost, of the usage types starting with one of
    ``usage_prefixes`` (every usage type when empty), over the 30 days ending on the run date.

    A removal (idle, unattached, orphaned) saves all of it (``fraction`` 1); a change of type
    saves ``(current rate - target rate) / current rate`` of it — the difference between the two
    types at the rates the account really pays, its discounts applying to both alike."""

    method: str  # effective_cost_30d | effective_rate_difference_30d
    fraction: Decimal
    usage_prefixes: tuple[str, ...] = ()


REMOVAL = "effective_cost_30d"
RATE_DIFFERENCE = "effective_rate_difference_30d"
COMMITMENT_WASTE = "commitment_waste_30d"
PRICING_WINDOW_DAYS = 30


def removal(*usage_prefixes: str) -> Pricing:
    return Pricing(REMOVAL, Decimal(1), usage_prefixes)


def rate_difference(current: Decimal, target: Decimal, *usage_prefixes: str) -> Pricing:
    fraction = (current - target) / current if current > 0 else Decimal(0)
    return Pricing(RATE_DIFFERENCE, max(Decimal(0), fraction), usage_prefixes)


def fingerprint(
    finding_type: str, account_id: str, region: str | None, resource_id: str | None, scope: str
) -> str:
    """Stable identity of a finding: the same issue on the same resource in the same scope."""
    key = "\x1f".join((finding_type, account_id, region or "", resource_id or "", scope))
    return hashlib.sha256(key.encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class CostWindows:
    cost_7d: Decimal
    cost_30d: Decimal
    cost_mtd: Decimal
    cost_prev_month: Decimal


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _previous_month_start(day: date) -> date:
    first = _month_start(day)
    return _month_start(first - timedelta(days=1))


_COSTS = text(
    """
    WITH ids AS (
      SELECT * FROM unnest(CAST(:keys AS text[]), CAST(:bill_ids AS text[])) AS i(key, bill_id)
    )
    SELECT i.key,
           coalesce(sum(c.effective_cost) FILTER (WHERE c.charge_period_start >= :d7), 0) AS c7,
           coalesce(sum(c.effective_cost) FILTER (WHERE c.charge_period_start >= :d30), 0) AS c30,
           coalesce(sum(c.effective_cost) FILTER (WHERE c.charge_period_start >= :mtd), 0) AS mtd,
           coalesce(sum(c.effective_cost) FILTER (
             WHERE c.charge_period_start >= :prev AND c.charge_period_start < :mtd), 0) AS prev
    FROM ids i
    JOIN finops.costs c
      ON c.resource_id = i.bill_id OR c.commitment_discount_id = i.bill_id
    WHERE c.charge_period_start >= :lo AND c.charge_period_start < :hi
    GROUP BY i.key
    """
)


def actual_costs(
    conn: Connection, findings: Sequence[Finding], *, as_of: date
) -> dict[str, CostWindows]:
    """Effective (amortized) cost of each finding's resource (or commitment) over the last 7 and
    30 days, the month to date and the previous month, all ending with ``as_of`` inclusive."""
    keys: list[str] = []
    bill_ids: list[str] = []
    for f in findings:
        for bill_id in f.billing_ids:
            keys.append(f.fingerprint)
            bill_ids.append(bill_id)
    if not keys:
        return {}
    end = as_of + timedelta(days=1)
    d30 = end - timedelta(days=30)
    prev = _previous_month_start(as_of)
    params = {
        "keys": keys,
        "bill_ids": bill_ids,
        "d7": end - timedelta(days=7),
        "d30": d30,
        "mtd": _month_start(as_of),
        "prev": prev,
        "lo": min(d30, prev),
        "hi": end,
    }
    rows = conn.execute(_COSTS, params).all()
    return {
        r.key: CostWindows(Decimal(r.c7), Decimal(r.c30), Decimal(r.mtd), Decimal(r.prev))
        for r in rows
    }


_USAGE_30D = text(
    """
    WITH ids AS (
      SELECT * FROM unnest(CAST(:keys AS text[]), CAST(:bill_ids AS text[])) AS i(key, bill_id)
    )
    SELECT i.key, c.x_usage_type, sum(c.effective_cost) AS effective, sum(c.list_cost) AS list,
           min(c.charge_period_start)::date AS first_day
    FROM ids i
    JOIN finops.costs c ON c.resource_id = i.bill_id
    WHERE c.charge_category = 'Usage' AND c.charge_period_start >= :lo
      AND c.charge_period_start < :hi
    GROUP BY i.key, c.x_usage_type
    """
)


@dataclass(frozen=True, slots=True)
class _UsageCost:
    usage_type: str
    effective: Decimal
    listed: Decimal
    first_day: date


def _usage_costs(
    conn: Connection, findings: Sequence[Finding], *, lo: date, hi: date
) -> dict[str, list[_UsageCost]]:
    from finops.analytics.optimization.warehouse import strip_region_prefix

    keys = [f.fingerprint for f in findings if f.pricing for _ in f.billing_ids]
    bill_ids = [b for f in findings if f.pricing for b in f.billing_ids]
    if not keys:
        return {}
    out: dict[str, list[_UsageCost]] = {}
    rows = conn.execute(_USAGE_30D, {"keys": keys, "bill_ids": bill_ids, "lo": lo, "hi": hi})
    for r in rows:
        out.setdefault(r.key, []).append(
            _UsageCost(
                strip_region_prefix(r.x_usage_type or ""),
                Decimal(r.effective or 0),
                Decimal(r.list or 0),
                r.first_day,
            )
        )
    return out


_RATE_KEYS = (
    ("hourly_rate", "effective_hourly_rate"),
    ("recommended_hourly_rate", "recommended_effective_hourly_rate"),
    ("gb_month_rate", "effective_gb_month_rate"),
    ("recommended_gb_month_rate", "recommended_effective_gb_month_rate"),
)


def price_at_effective(
    conn: Connection, findings: Sequence[Finding], *, as_of: date
) -> list[Finding]:
    """Each finding with a ``pricing`` gets its savings from what its resource actually cost
    (effective cost: amortized, after Savings Plan / RI coverage and negotiated discounts) over
    the 30 days ending on ``as_of``, scaled to 30 days when first billed inside them; the same
    arithmetic on the public on-demand (list) cost gives ``on_demand_monthly_savings``. The
    rule's own on-demand estimate (rate × hours) stays in ``details``."""
    end = as_of + timedelta(days=1)
    lo = end - timedelta(days=PRICING_WINDOW_DAYS)
    costs = _usage_costs(conn, findings, lo=lo, hi=end)
    out = []
    for f in findings:
        if f.pricing is None:
            out.append(f)
            continue
        p = f.pricing
        lines = [
            c
            for c in costs.get(f.fingerprint, [])
            if not p.usage_prefixes or c.usage_type.startswith(p.usage_prefixes)
        ]
        effective = sum((c.effective for c in lines), Decimal(0))
        listed = sum((c.listed for c in lines), Decimal(0))
        days = (as_of - max([lo, *(c.first_day for c in lines)])).days + 1 if lines else 0
        scale = Decimal(PRICING_WINDOW_DAYS) / days if days > 0 else Decimal(0)
        ratio = effective / listed if listed > 0 else Decimal(1)
        details = dict(f.details)
        details["on_demand_estimate"] = money(f.estimated_monthly_savings)
        details["effective_to_list_ratio"] = ratio.quantize(Decimal("0.000001"))
        details["pricing_window_days"] = PRICING_WINDOW_DAYS
        details["days_billed_in_window"] = days
        for rate_key, effective_key in _RATE_KEYS:
            if details.get(rate_key) is not None:
                details[effective_key] = (Decimal(str(details[rate_key])) * ratio).quantize(
                    Decimal("0.00000001")
                )
        out.append(
            replace(
                f,
                estimated_monthly_savings=effective * p.fraction * scale,
                on_demand_monthly_savings=listed * p.fraction * scale,
                savings_method=p.method,
                details=details,
            )
        )
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def details_json(details: dict[str, Any]) -> str:
    return json.dumps(_plain(details), sort_keys=True, separators=(",", ":"))


_DELETE_RUN = text("DELETE FROM finops.finding_runs WHERE job = :job AND as_of = :as_of")
_INSERT_RUN = text(
    """
    INSERT INTO finops.finding_runs (job, as_of, run_id, parameters, findings)
    VALUES (:job, :as_of, :run_id, CAST(:parameters AS jsonb), :findings)
    """
)
_INSERT_OBSERVATION = text(
    """
    INSERT INTO finops.finding_observations (
      job, as_of, fingerprint, finding_type, resource_id, resource_type, account_id, region,
      service, scope, estimated_monthly_savings, currency, cost_7d, cost_30d, cost_mtd,
      cost_prev_month, details, savings_method, on_demand_monthly_savings, commitment_waste)
    VALUES (:job, :as_of, :fingerprint, :finding_type, :resource_id, :resource_type, :account_id,
      :region, :service, :scope, :savings, :currency, :cost_7d, :cost_30d, :cost_mtd,
      :cost_prev_month, CAST(:details AS jsonb), :savings_method, :on_demand, :commitment_waste)
    """
)


def write_run(
    conn: Connection,
    *,
    job: str,
    as_of: date,
    run_id: str,
    findings: Sequence[Finding],
    currency: str,
    parameters: dict[str, Any],
) -> int:
    """Replace the observations of (job, as_of) with ``findings`` (caller owns the transaction)."""
    unique: dict[str, Finding] = {}
    for f in findings:
        unique.setdefault(f.fingerprint, f)
    ordered = price_at_effective(
        conn, sorted(unique.values(), key=lambda f: f.fingerprint), as_of=as_of
    )
    costs = actual_costs(conn, ordered, as_of=as_of)
    conn.execute(_DELETE_RUN, {"job": job, "as_of": as_of})
    conn.execute(
        _INSERT_RUN,
        {
            "job": job,
            "as_of": as_of,
            "run_id": run_id,
            "parameters": details_json(parameters),
            "findings": len(ordered),
        },
    )
    zero = CostWindows(Decimal(0), Decimal(0), Decimal(0), Decimal(0))
    rows = []
    for f in ordered:
        c = costs.get(f.fingerprint, zero)
        rows.append(
            {
                "job": job,
                "as_of": as_of,
                "fingerprint": f.fingerprint,
                "finding_type": f.finding_type,
                "resource_id": f.resource_id,
                "resource_type": f.resource_type,
                "account_id": f.account_id,
                "region": f.region,
                "service": f.service,
                "scope": f.scope,
                "savings": money(f.estimated_monthly_savings),
                "currency": currency,
                "cost_7d": c.cost_7d,
                "cost_30d": c.cost_30d,
                "cost_mtd": c.cost_mtd,
                "cost_prev_month": c.cost_prev_month,
                "details": details_json(f.details),
                "savings_method": f.savings_method,
                "on_demand": (
                    None
                    if f.on_demand_monthly_savings is None
                    else money(f.on_demand_monthly_savings)
                ),
                "commitment_waste": money(f.commitment_waste),
            }
        )
    if rows:
        conn.execute(_INSERT_OBSERVATION, rows)
    log.info(
        "findings.written", job=job, as_of=as_of.isoformat(), findings=len(rows), run_id=run_id
    )
    return len(rows)
