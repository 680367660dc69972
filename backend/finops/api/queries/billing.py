"""Invoices (per invoice, billing period and account), chargeback per cost center and
period, and tag compliance per required tag key."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Date, Select, case, cast, func, select, text

from finops.analytics.allocation.tagging import canonical_key, problems
from finops.analytics.optimization.policy import TagPolicy
from finops.warehouse.tables import chargeback_monthly, costs


def invoices_query(*, billing_period: date | None, account_id: list[str] | None) -> Select[Any]:
    """One row per invoice, billing period and account: billed, effective and list cost."""
    c = costs.c
    period = cast(c.billing_period_start, Date).label("billing_period")
    query = select(
        c.invoice_id, period, c.billing_account_id, c.sub_account_id.label("account_id"),
        func.max(c.sub_account_name).label("account_name"),
        func.max(c.invoice_issuer_name).label("invoice_issuer"),
        c.billing_currency.label("currency"), func.count().label("charges"),
        func.sum(c.billed_cost).label("billed_cost"),
        func.sum(c.effective_cost).label("effective_cost"),
        func.sum(c.list_cost).label("list_cost"),
    ).group_by(
        c.invoice_id, period, c.billing_account_id, c.sub_account_id, c.billing_currency
    )  # fmt: skip
    if billing_period is not None:
        query = query.where(cast(c.billing_period_start, Date) == billing_period)
    if account_id:
        query = query.where(c.sub_account_id.in_(account_id))
    return query


def cost_centers_query(
    *, billing_period: date | None, cost_center: list[str] | None
) -> Select[Any]:
    """The chargeback by billing period and cost center: direct, shared and total cost."""
    c = chargeback_monthly.c
    shared = c.allocation.like("shared:%")
    query = select(
        c.billing_period, c.cost_center, c.billing_currency.label("currency"),
        func.sum(case((shared, 0), else_=c.cost)).label("direct_cost"),
        func.sum(case((shared, c.cost), else_=0)).label("shared_cost"),
        func.sum(c.cost).label("cost"),
    ).group_by(c.billing_period, c.cost_center, c.billing_currency)  # fmt: skip
    if billing_period is not None:
        query = query.where(c.billing_period == billing_period)
    if cost_center:
        query = query.where(c.cost_center.in_(cost_center))
    return query


@dataclass(frozen=True, slots=True)
class TagKeyCompliance:
    tag_key: str
    total_cost: Decimal
    compliant_cost: Decimal
    missing_cost: Decimal
    invalid_cost: Decimal
    compliant_pct: Decimal | None


_TAGGED_COST = text(
    """
    SELECT coalesce(tags, '{}'::jsonb) AS tags, sum(effective_cost) AS cost
    FROM finops.costs
    WHERE charge_period_start >= :s AND charge_period_start < :e AND charge_category = 'Usage'
    GROUP BY 1
    """
)


def _state(tags: dict[str, str], key: str, policy: TagPolicy) -> str:
    """``ok``, ``missing`` or ``invalid`` for the required ``key`` in ``tags``."""
    present = {canonical_key(k): v for k, v in tags.items()}
    value = present.get(canonical_key(key))
    if value is None:
        return "missing"
    allowed = policy.allowed.get(key)
    return "invalid" if allowed is not None and value not in allowed else "ok"


def tag_key_compliance(
    conn: Connection, *, start: date, end: date, policy: TagPolicy
) -> list[TagKeyCompliance]:
    """Per required tag key of ``policy``: the usage cost (effective) in [start, end) whose
    billed tags carry the key with an allowed value, lack it, or carry a value not allowed;
    the first line, ``*``, is the cost that satisfies every key (``problems``)."""
    sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for row in conn.execute(_TAGGED_COST, {"s": start, "e": end}):
        tags = {str(k): str(v) for k, v in row.tags.items()}
        cost = Decimal(row.cost)
        whole = "ok" if problems(tags, policy)[0] == "ok" else "missing"
        sums["*"][whole] += cost
        for key in policy.required:
            sums[key][_state(tags, key, policy)] += cost
    out = []
    for key in ("*", *policy.required):
        by = sums[key]
        total = by["ok"] + by["missing"] + by["invalid"]
        pct = None if total == 0 else (by["ok"] * 100 / total).quantize(Decimal("0.01"))
        out.append(TagKeyCompliance(key, total, by["ok"], by["missing"], by["invalid"], pct))
    return out
