"""Showback / chargeback per cost center (``chargeback_monthly``, written by
``finops run allocation``): each billing period's bill split over cost centers, the unallocated
remainder on its own line, shares that add up to exactly 100%."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse
from sqlalchemy import Connection, select

from finops.analytics.allocation.tagging import load_tag_policy
from finops.api.deps import ConnectionDep, PrincipalDep, SettingsDep
from finops.api.downloads import DOWNLOAD_RESPONSE
from finops.api.paging import (
    BillingPeriodQuery,
    ListParams,
    ListPublic,
    Values,
    answer_list,
    answer_rows,
    list_params_for,
)
from finops.api.params import BILLING_PERIOD_PATTERN, Day, check_order, parse_billing_period
from finops.api.queries.billing import cost_centers_query, tag_key_compliance
from finops.api.queries.inventory import data_end
from finops.api.rows import from_row
from finops.api.schemas.allocation import (
    ChargebackAllocationPublic,
    ChargebackCostCenterPublic,
    ChargebackPublic,
    CostCenterPeriodPublic,
    CostCentersPublic,
    TagComplianceListPublic,
    TagCompliancePublic,
)
from finops.errors import FinOpsError, NotFoundError
from finops.warehouse.scope import Scope
from finops.warehouse.tables import chargeback_monthly

router = APIRouter(prefix="/allocation", tags=["allocation"])

CostCenterPeriodListParams = Annotated[ListParams, Depends(list_params_for(CostCenterPeriodPublic))]
TagComplianceListParams = Annotated[ListParams, Depends(list_params_for(TagCompliancePublic))]

UNALLOCATED = "unallocated"
INVALID_TAG = "invalid-tag"
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


def _report_rows(conn: Connection, period: date) -> list[Any]:
    return list(
        conn.execute(
            select(chargeback_monthly)
            .where(chargeback_monthly.c.billing_period == period)
            .order_by(chargeback_monthly.c.cost_center, chargeback_monthly.c.allocation)
        ).all()
    )


def _center_costs(rows: list[Any]) -> dict[str, Decimal]:
    out: dict[str, Decimal] = defaultdict(Decimal)
    for r in rows:
        out[r.cost_center] += Decimal(r.cost)
    return dict(out)


def _reported_period(billing_period: str | None, periods: list[date], *, scope: Scope) -> date:
    """The requested billing period (default: the latest), which must have a report."""
    if not periods and not scope.unrestricted:
        raise NotFoundError(
            "no chargeback report visible to your team scope: the chargeback is by cost "
            "center, shown to users scoped by cost-center tag values only (docs/security.md)"
        )
    if billing_period is not None:
        period = parse_billing_period(billing_period)
    elif periods:
        period = periods[0]
    else:
        raise NotFoundError(
            "no chargeback report in the warehouse yet (run: finops run allocation)"
        )
    if period not in periods:
        raise NotFoundError(
            f"no chargeback report for billing period {_period(period)} "
            f"(run: finops run allocation --date {_period(period)}-01); "
            f"reports exist for {[_period(p) for p in periods] or 'no period'}"
        )
    return period


def _cost_centers(
    lines: dict[str, list[ChargebackAllocationPublic]],
    *,
    cost: dict[str, Decimal],
    shares: dict[str, Decimal],
    previous: dict[str, Decimal] | None,
) -> list[ChargebackCostCenterPublic]:
    """One row per cost center, largest first, ``invalid-tag`` and ``unallocated`` last."""
    last = {INVALID_TAG: 1, UNALLOCATED: 2}
    return [
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
            previous_cost=None if previous is None else previous.get(c, Decimal(0)),
            allocations=lines[c],
        )
        for c in sorted(lines, key=lambda c: (last.get(c, 0), -cost[c], c))
    ]


@router.get("/chargeback", response_model=ChargebackPublic)
def read_chargeback(
    conn: ConnectionDep,
    principal: PrincipalDep,
    billing_period: Annotated[
        str | None,
        Query(
            description="billing period as YYYY-MM (default: the latest report)",
            json_schema_extra={"pattern": BILLING_PERIOD_PATTERN},
        ),
    ] = None,
) -> ChargebackPublic:
    """One row per cost center — direct, shared and total cost, share of the bill, its cost the
    month before — with the cost tagged with a cost center the tag policy forbids
    (``invalid-tag``) and the unallocated remainder always present as their own rows, last."""
    periods = list(
        conn.execute(
            select(chargeback_monthly.c.billing_period)
            .distinct()
            .order_by(chargeback_monthly.c.billing_period.desc())
        ).scalars()
    )
    period = _reported_period(billing_period, periods, scope=principal.scope)
    rows = _report_rows(conn, period)
    previous_period = (period - timedelta(days=1)).replace(day=1)
    previous = (
        _center_costs(_report_rows(conn, previous_period)) if previous_period in periods else None
    )
    currencies = sorted({r.billing_currency for r in rows})
    if len(currencies) > 1:
        raise FinOpsError(f"chargeback {_period(period)} has several currencies {currencies}")

    lines: dict[str, list[ChargebackAllocationPublic]] = defaultdict(list)
    for r in rows:
        lines[r.cost_center].append(
            ChargebackAllocationPublic(allocation=r.allocation, cost=r.cost)
        )
    lines.setdefault(INVALID_TAG, [])
    lines.setdefault(UNALLOCATED, [])
    cost = {c: sum((a.cost for a in allocs), Decimal(0)) for c, allocs in lines.items()}
    shares = shares_to_hundred(cost)
    data = _cost_centers(lines, cost=cost, shares=shares, previous=previous)
    return ChargebackPublic(
        billing_period=_period(period),
        currency=currencies[0] if currencies else "USD",
        total=sum(cost.values(), Decimal(0)),
        unallocated=cost[UNALLOCATED],
        unallocated_share_pct=shares[UNALLOCATED],
        invalid_tag=cost[INVALID_TAG],
        invalid_tag_share_pct=shares[INVALID_TAG],
        invalid_tag_values=sorted(
            a.allocation.partition(":")[2] for a in lines[INVALID_TAG] if ":" in a.allocation
        ),
        previous_billing_period=None if previous is None else _period(previous_period),
        previous_total=None if previous is None else sum(previous.values(), Decimal(0)),
        billing_periods=[_period(p) for p in periods],
        data=data,
        count=len(data),
    )


@router.get("/cost-centers", response_model=CostCentersPublic, responses=DOWNLOAD_RESPONSE)
def read_cost_centers(
    conn: ConnectionDep,
    params: CostCenterPeriodListParams,
    billing_period: BillingPeriodQuery = None,
    cost_center: Annotated[
        Values, Query(description="cost center; repeat for several", max_length=100)
    ] = None,
) -> ListPublic[CostCenterPeriodPublic] | StreamingResponse:
    """The chargeback (``finops run allocation``) as a list: a row per billing period and cost
    center with its direct, shared and total cost; the latest period first, largest first."""
    period = None if billing_period is None else parse_billing_period(billing_period)
    return answer_list(
        conn,
        query=cost_centers_query(billing_period=period, cost_center=cost_center),
        model=CostCenterPeriodPublic,
        params=params,
        default_sort=("-billing_period", "-cost", "cost_center", "currency"),
        name="cost-centers",
    )


@router.get("/tag-compliance", response_model=TagComplianceListPublic, responses=DOWNLOAD_RESPONSE)
def read_tag_compliance(
    conn: ConnectionDep,
    settings: SettingsDep,
    params: TagComplianceListParams,
    start: Annotated[
        Day | None, Query(description="first day (default: the first of the last month)")
    ] = None,
    end: Annotated[
        Day | None, Query(description="last day (default: the last day of data)")
    ] = None,
) -> TagComplianceListPublic | StreamingResponse:
    """Tag compliance of the usage cost (effective) against the tag policy
    (``FINOPS_ALLOCATION_TAG_POLICY``): per required key, the cost tagged with an allowed
    value, without the key, or with a value the policy forbids; the row ``*`` is the cost
    that satisfies every key."""
    check_order(start, end)
    last = end or data_end(conn) or date.today()
    first = start or last.replace(day=1)
    check_order(first, last)
    lines = tag_key_compliance(
        conn,
        start=first,
        end=last + timedelta(days=1),
        policy=load_tag_policy(settings.allocation_tag_policy),
    )
    answer = answer_rows(
        [from_row(TagCompliancePublic, line) for line in lines],
        model=TagCompliancePublic,
        params=params,
        default_sort=(),
        name="tag-compliance",
    )
    if isinstance(answer, StreamingResponse):
        return answer
    return TagComplianceListPublic(**answer.model_dump(), start=first, end=last)
