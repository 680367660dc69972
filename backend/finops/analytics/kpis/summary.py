"""The KPI summary: cost of a period (a billing period, a range of days, the month to date of
a day, or by default the month of the last day of data) against its matching previous period,
with the top services. The dashboard's ``/kpi/summary`` and the KPI job (``report.py``) both
read it. It reads the daily cost rollup (``costs`` for a scope that restricts tags:
``finops.analytics.daily_costs``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import ColumnElement, Connection, func, literal, select

from finops.analytics.daily_costs import DailyCosts, daily_costs
from finops.analytics.filters import NONE, SpendFilter, where
from finops.analytics.kpis.periods import Period, month_period, previous_month, select_period
from finops.analytics.savings.rollups import realized_to_date
from finops.warehouse.metrics import CostMetric


@dataclass(frozen=True)
class ServiceCost:
    service_name: str
    cost: Decimal
    share_pct: float


@dataclass(frozen=True)
class KpiSummary:
    currency: str
    cost_metric: str
    as_of: date | None
    period: Period | None
    total_cost: Decimal  # every day of the selection (no period selected: all the data)
    period_cost: Decimal
    previous_period_cost: Decimal
    previous_month: Decimal  # the whole calendar month before (a range: the previous period)
    change: Decimal
    change_pct: float | None
    top_services: list[ServiceCost]
    # realized savings (effective cost, docs/savings.md) of the month of the period's last day
    # of data, to that day, and since the first measured change
    realized_savings_month: Decimal = Decimal(0)
    realized_savings_to_date: Decimal = Decimal(0)


def _empty(currency_code: str, metric: CostMetric) -> KpiSummary:
    zero = Decimal(0)
    return KpiSummary(
        currency_code, metric.value, None, None, zero, zero, zero, zero, zero, None, []
    )


def _window_cost(
    conn: Connection,
    source: DailyCosts,
    conds: list[ColumnElement[bool]],
    value: ColumnElement[Decimal],
    first: date,
    last: date,
) -> Decimal:
    stmt = select(func.coalesce(func.sum(value), literal(Decimal(0)))).where(
        *source.between(first, last)
    )
    return Decimal(conn.execute(where(stmt, conds)).scalar_one())


def _top_services(
    conn: Connection,
    source: DailyCosts,
    conds: list[ColumnElement[bool]],
    value: ColumnElement[Decimal],
    *,
    total: Decimal,
    top: int,
) -> list[ServiceCost]:
    service_cost = func.sum(value).label("cost")
    service = func.coalesce(source.c("service_name"), NONE)
    rows = conn.execute(
        where(select(service, service_cost).group_by(service), conds)
        .order_by(service_cost.desc())
        .limit(top)
    ).all()
    return [
        ServiceCost(str(name), Decimal(cost), float(Decimal(cost) / total * 100) if total else 0.0)
        for name, cost in rows
    ]


def kpi_summary(
    conn: Connection,
    *,
    spend_filter: SpendFilter,
    metric: CostMetric,
    start: date | None = None,
    end: date | None = None,
    as_of: date | None = None,
    top: int = 5,
) -> KpiSummary:
    """Cost of the selected period (``select_period``; with ``as_of``: the month of that day,
    to that day) against its matching previous period.

    Everything is relative to the data, not the clock, so the summary of a closed period is
    stable; a month the data has not finished is "to date" and compared with the same number of
    days of the month before; a closed month with the whole month before; a range with as many
    days just before it.
    """
    source = daily_costs(conn)
    conds = source.conditions(spend_filter, include_period=False)
    value = source.metric(metric)
    currency_code = source.coarse.currency(
        conn, source.coarse.conditions(spend_filter, include_period=False)
    )
    if as_of is not None:
        period: Period | None = month_period(as_of, as_of)
    else:
        period = select_period(conn, spend_filter=spend_filter, start=start, end=end)
    if period is None:
        return _empty(currency_code, metric)
    in_period = [*conds, *source.between(period.start, period.end)]
    last_day = source.last_day(conn, in_period)
    now = _window_cost(conn, source, conds, value, period.start, period.end)
    before = _window_cost(conn, source, conds, value, period.previous_start, period.previous_end)
    if period.kind == "range":
        whole_previous_month = before
    else:
        prev = previous_month(period.start)
        whole_previous_month = _window_cost(
            conn, source, conds, value, prev, period.start - timedelta(days=1)
        )
    change = now - before
    month_saved, saved = realized_to_date(
        conn, as_of=last_day or period.end, account_id=spend_filter.account_id
    )
    selected = spend_filter.billing_period is not None or start is not None or as_of is not None
    total = now
    # everything: the coarsest relation (the monthly rollup) holds the same totals
    whole = source.coarse
    whole_conds = whole.conditions(spend_filter, include_period=False)
    if not selected:
        stmt = select(func.coalesce(func.sum(whole.metric(metric)), literal(Decimal(0))))
        total = Decimal(conn.execute(where(stmt, whole_conds)).scalar_one())
    ranked = (
        _top_services(conn, source, in_period, value, total=total, top=top)
        if selected
        else _top_services(conn, whole, whole_conds, whole.metric(metric), total=total, top=top)
    )
    return KpiSummary(
        currency=currency_code,
        cost_metric=metric.value,
        as_of=last_day,
        period=period,
        total_cost=total,
        period_cost=now,
        previous_period_cost=before,
        previous_month=whole_previous_month,
        change=change,
        change_pct=float(change / before * 100) if before != 0 else None,
        top_services=ranked,
        realized_savings_month=month_saved,
        realized_savings_to_date=saved,
    )
