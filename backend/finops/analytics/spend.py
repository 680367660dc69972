"""Spend trends by dimension and the filters the dashboard offers, from the ``costs`` view
(SQLAlchemy Core, no string-built SQL). The KPI summary is ``finops.analytics.kpis``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Connection, func, literal, literal_column, select

from finops.analytics.filters import NONE, SpendFilter, currency, where
from finops.analytics.kpis.periods import Period, select_period
from finops.warehouse.cost_rows import charge_day
from finops.warehouse.metrics import CostMetric
from finops.warehouse.tables import costs


class Dimension(StrEnum):
    service_name = "service_name"
    sub_account_id = "sub_account_id"
    region_id = "region_id"
    charge_category = "charge_category"
    service_category = "service_category"


DIMENSION_LABELS = {
    Dimension.service_name: "Service",
    Dimension.sub_account_id: "Account",
    Dimension.region_id: "Region",
    Dimension.charge_category: "Charge category",
    Dimension.service_category: "Service category",
}


@dataclass(frozen=True)
class TrendSeries:
    key: str
    total: Decimal
    points: list[Decimal]


@dataclass(frozen=True)
class SpendTrend:
    dimension: str
    cost_metric: str
    currency: str
    start: date | None
    end: date | None
    dates: list[date]
    series: list[TrendSeries]
    period: Period | None = None
    previous_total: Decimal | None = None


OTHER = "Other"


def spend_trend(
    conn: Connection,
    *,
    spend_filter: SpendFilter,
    metric: CostMetric,
    dimension: Dimension,
    start: date | None = None,
    end: date | None = None,
    top: int = 8,
) -> SpendTrend:
    """Daily cost by ``dimension``: the ``top`` keys by total, the rest summed into "Other".

    A billing period or a range with a start is a ``Period``: its days (a billing period's
    every day) and the total of its matching previous period come with the trend."""
    period = None
    if spend_filter.billing_period is not None or start is not None:
        period = select_period(conn, spend_filter=spend_filter, start=start, end=end)
        if period is not None:
            start, end = period.start, period.end
    conds = spend_filter.conditions(include_period=False)
    day = charge_day()
    if start is not None:
        conds.append(day >= start)
    if end is not None:
        conds.append(day <= end)
    value = costs.c[metric.value]
    key = func.coalesce(costs.c[dimension.value], NONE)
    rows = conn.execute(
        where(
            select(day.label("day"), key.label("key"), func.sum(value).label("cost")),
            conds,
        )
        .group_by(day, key)
        .order_by(day, key)
    ).all()
    totals: dict[str, Decimal] = {}
    for _, k, cost in rows:
        totals[str(k)] = totals.get(str(k), Decimal(0)) + Decimal(cost)
    ranked = sorted(totals, key=lambda k: (-totals[k], k))
    kept = set(ranked[:top])
    dates = sorted({d for d, _, _ in rows})
    index = {d: i for i, d in enumerate(dates)}
    series: dict[str, list[Decimal]] = {}
    for d, k, cost in rows:
        name = str(k) if str(k) in kept else OTHER
        points = series.setdefault(name, [Decimal(0)] * len(dates))
        points[index[d]] += Decimal(cost)
    ordered = [k for k in ranked if k in kept] + (
        [OTHER] if OTHER in series and OTHER not in kept else []
    )
    previous_total = None
    if period is not None:
        stmt = select(func.coalesce(func.sum(value), literal(Decimal(0)))).where(
            day >= period.previous_start, day <= period.previous_end
        )
        previous_total = Decimal(
            conn.execute(where(stmt, spend_filter.conditions(include_period=False))).scalar_one()
        )
    return SpendTrend(
        dimension=dimension.value,
        cost_metric=metric.value,
        currency=currency(conn, spend_filter.conditions()),
        start=dates[0] if dates else start,
        end=dates[-1] if dates else end,
        dates=dates,
        series=[TrendSeries(k, sum(series[k], Decimal(0)), series[k]) for k in ordered],
        period=period,
        previous_total=previous_total,
    )


@dataclass(frozen=True)
class Filters:
    billing_periods: list[str]
    accounts: list[tuple[str, str | None]]
    currency: str
    data_start: date | None
    data_end: date | None


def available_filters(conn: Connection) -> Filters:
    period = func.to_char(
        func.timezone(literal_column("'UTC'"), costs.c.billing_period_start),
        literal_column("'YYYY-MM'"),
    ).label("period")
    periods = conn.execute(select(period).distinct().order_by(period.desc())).scalars().all()
    accounts = conn.execute(
        select(costs.c.sub_account_id, func.max(costs.c.sub_account_name))
        .where(costs.c.sub_account_id.is_not(None))
        .group_by(costs.c.sub_account_id)
        .order_by(costs.c.sub_account_id)
    ).all()
    first, last = conn.execute(select(func.min(charge_day()), func.max(charge_day()))).one()
    return Filters(
        billing_periods=[str(p) for p in periods],
        accounts=[(str(a), n) for a, n in accounts],
        currency=currency(conn, []),
        data_start=first,
        data_end=last,
    )
