"""Showback / chargeback per cost center (``chargeback_monthly``, written by
``finops run allocation``): each billing period's bill split over cost centers, the unallocated
remainder on its own line, shares that add up to exactly 100%."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import ROUND_DOWN, Decimal
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from sqlalchemy import select

from finops.api.deps import ConnectionDep
from finops.api.params import BILLING_PERIOD_PATTERN, parse_billing_period
from finops.api.schemas import (
    ChargebackAllocationPublic,
    ChargebackCostCenterPublic,
    ChargebackPublic,
)
from finops.api.views import chargeback_monthly
from finops.errors import FinOpsError

router = APIRouter(prefix="/allocation", tags=["allocation"])

UNALLOCATED = "unallocated"
HUNDRED = Decimal(100)
PCT_STEP = Decimal("0.01")


def shares_to_hundred(costs: dict[str, Decimal]) -> dict[str, Decimal]:
    """Each cost's share of their sum in percent, to two decimals, rounded by largest remainder
    so that the shares add up to exactly 100.00 (all zeros when the sum is zero)."""
    total = sum(costs.values(), Decimal(0))
    if total == 0:
        return dict.fromkeys(costs, Decimal("0.00"))
    exact = {k: v * HUNDRED / total for k, v in costs.items()}
    floored = {k: v.quantize(PCT_STEP, ROUND_DOWN) for k, v in exact.items()}
    steps = int(((HUNDRED - sum(floored.values(), Decimal(0))) / PCT_STEP).to_integral_value())
    order = sorted(exact, key=lambda k: (-abs(exact[k] - floored[k]), k))
    step = PCT_STEP if steps >= 0 else -PCT_STEP
    for k in order[: abs(steps)]:
        floored[k] += step
    return floored


def _period(day: date) -> str:
    return f"{day:%Y-%m}"


@router.get("/chargeback", response_model=ChargebackPublic)
def read_chargeback(
    conn: ConnectionDep,
    billing_period: Annotated[
        str | None,
        Query(
            description="billing period as YYYY-MM (default: the latest report)",
            json_schema_extra={"pattern": BILLING_PERIOD_PATTERN},
        ),
    ] = None,
) -> ChargebackPublic:
    """One row per cost center — direct, shared and total cost, share of the bill — with the
    unallocated remainder always present as its own row."""
    periods = list(
        conn.execute(
            select(chargeback_monthly.c.billing_period)
            .distinct()
            .order_by(chargeback_monthly.c.billing_period.desc())
        ).scalars()
    )
    if billing_period is not None:
        period = parse_billing_period(billing_period)
    elif periods:
        period = periods[0]
    else:
        raise HTTPException(
            status_code=404,
            detail="no chargeback report in the warehouse yet (run: finops run allocation)",
        )
    if period not in periods:
        raise HTTPException(
            status_code=404,
            detail=(
                f"no chargeback report for billing period {_period(period)} "
                f"(run: finops run allocation --date {_period(period)}-01); "
                f"reports exist for {[_period(p) for p in periods] or 'no period'}"
            ),
        )
    rows = conn.execute(
        select(chargeback_monthly)
        .where(chargeback_monthly.c.billing_period == period)
        .order_by(chargeback_monthly.c.cost_center, chargeback_monthly.c.allocation)
    ).all()
    currencies = sorted({r.billing_currency for r in rows})
    if len(currencies) > 1:
        raise FinOpsError(f"chargeback {_period(period)} has several currencies {currencies}")

    lines: dict[str, list[ChargebackAllocationPublic]] = defaultdict(list)
    for r in rows:
        lines[r.cost_center].append(
            ChargebackAllocationPublic(allocation=r.allocation, cost=r.cost)
        )
    lines.setdefault(UNALLOCATED, [])
    cost = {c: sum((a.cost for a in allocs), Decimal(0)) for c, allocs in lines.items()}
    shares = shares_to_hundred(cost)
    centers = sorted(lines, key=lambda c: (c == UNALLOCATED, -cost[c], c))
    data = [
        ChargebackCostCenterPublic(
            cost_center=c,
            cost=cost[c],
            direct_cost=sum(
                (a.cost for a in lines[c] if not a.allocation.startswith("shared:")), Decimal(0)
            ),
            shared_cost=sum(
                (a.cost for a in lines[c] if a.allocation.startswith("shared:")), Decimal(0)
            ),
            share_pct=shares[c],
            allocations=lines[c],
        )
        for c in centers
    ]
    return ChargebackPublic(
        billing_period=_period(period),
        currency=currencies[0] if currencies else "USD",
        total=sum(cost.values(), Decimal(0)),
        unallocated=cost[UNALLOCATED],
        unallocated_share_pct=shares[UNALLOCATED],
        billing_periods=[_period(p) for p in periods],
        data=data,
        count=len(data),
    )
