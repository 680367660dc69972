"""Spend trends by dimension and the filters the dashboard offers, from the daily and monthly
cost rollups (``costs`` for a scope that restricts tags: ``finops.analytics.daily_costs``;
SQLAlchemy Core, no string-built SQL). The KPI summary is ``finops.analytics.kpis``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Connection, func, literal, literal_column, select

from finops.analytics.daily_costs import daily_costs
from finops.analytics.filters import NONE, SpendFilter, where
from finops.analytics.kpis.periods import Period, select_period
from finops.warehouse.metrics import CostMetric


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
    source = daily_costs(conn)
    period = None
    if spend_filter.billing_period is not None or start is not None:
        period = select_period(conn, spend_filter=spend_filter, start=start, end=end)
        if period is not None:
            start, end = period.start, period.end
    conds = source.conditions(spend_filter, include_period=False)
    day = source.day
    conds += source.between(start, end)
    value = source.metric(metric)
    key = func.coalesce(source.c(dimension.value), NONE)
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
            *source.between(period.previous_start, period.previous_end)
        )
        previous_total = Decimal(
            conn.execute(
                where(stmt, source.conditions(spend_filter, include_period=False))
            ).scalar_one()
        )
    return SpendTrend(
        dimension=dimension.value,
        cost_metric=metric.value,
        # the monthly rollup holds the same currencies in fewer rows
        currency=source.coarse.currency(conn, source.coarse.conditions(spend_filter)),
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
    days = daily_costs(conn)
    source = days.coarse
    period = func.to_char(source.billing_period, literal_column("'YYYY-MM'")).label("period")
    periods = conn.execute(select(period).distinct().order_by(period.desc())).scalars().all()
    account = source.c("sub_account_id")
    accounts = conn.execute(
        select(account, func.max(source.c("sub_account_name")))
        .where(account.is_not(None))
        .group_by(account)
        .order_by(account)
    ).all()
    first, last = conn.execute(select(func.min(days.day), func.max(days.day))).one()
    return Filters(
        billing_periods=[str(p) for p in periods],
        accounts=[(str(a), n) for a, n in accounts],
        currency=source.currency(conn, []),
        data_start=first,
        data_end=last,
    )
