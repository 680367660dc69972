"""Spend KPIs and trends computed from the ``costs`` view (SQLAlchemy Core, no string-built SQL)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    Date,
    DateTime,
    MetaData,
    Numeric,
    Select,
    String,
    Table,
    and_,
    cast,
    func,
    literal,
    literal_column,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB

metadata = MetaData(schema="finops")

# the public read view, described (not created) here: migrations own its definition
costs = Table(
    "costs",
    metadata,
    Column("billed_cost", Numeric(38, 10)),
    Column("effective_cost", Numeric(38, 10)),
    Column("list_cost", Numeric(38, 10)),
    Column("billing_currency", String),
    Column("billing_period_start", DateTime(timezone=True)),
    Column("charge_period_start", DateTime(timezone=True)),
    Column("charge_category", String),
    Column("service_name", String),
    Column("service_category", String),
    Column("sub_account_id", String),
    Column("sub_account_name", String),
    Column("region_id", String),
    Column("tags", JSONB),
)


class CostMetric(StrEnum):
    billed_cost = "billed_cost"
    effective_cost = "effective_cost"
    list_cost = "list_cost"


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
class SpendFilter:
    billing_period: date | None = None  # first day of the billing period
    account_id: str | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        conds: list[ColumnElement[bool]] = []
        if self.billing_period is not None:
            conds.append(cast(costs.c.billing_period_start, Date) == self.billing_period)
        if self.account_id is not None:
            conds.append(costs.c.sub_account_id == self.account_id)
        return conds


_S = TypeVar("_S", bound="Select[*tuple[Any, ...]]")


def _where(stmt: _S, conds: list[ColumnElement[bool]]) -> _S:
    return stmt.where(and_(*conds)) if conds else stmt


_UTC: ColumnElement[str] = literal_column("'UTC'")
_NONE: ColumnElement[str] = literal_column("'(none)'")


def _day() -> ColumnElement[date]:
    """The UTC calendar day of a charge (constants inlined so GROUP BY matches the SELECT)."""
    return cast(func.timezone(_UTC, costs.c.charge_period_start), Date)


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
    total_cost: Decimal
    month_to_date: Decimal
    previous_month_to_date: Decimal
    previous_month: Decimal
    mom_change: Decimal
    mom_change_pct: float | None
    top_services: list[ServiceCost]


def _currency(conn: Connection, conds: list[ColumnElement[bool]]) -> str:
    rows = conn.execute(_where(select(costs.c.billing_currency).distinct(), conds)).scalars().all()
    return ",".join(sorted(str(r) for r in rows)) or "USD"


def kpi_summary(
    conn: Connection, *, spend_filter: SpendFilter, metric: CostMetric, top: int = 5
) -> KpiSummary:
    """Total, month to date and previous month relative to the latest charge day in the data.

    "As of" is the data's last day, not the clock, so a summary of a closed period is stable.
    Month-over-month compares month to date with the same number of days of the previous month.
    """
    conds = spend_filter.conditions()
    value = costs.c[metric.value]
    zero = literal(Decimal(0))
    total, as_of = conn.execute(
        _where(select(func.coalesce(func.sum(value), zero), func.max(_day())), conds)
    ).one()
    total = Decimal(total)
    currency = _currency(conn, conds)
    if as_of is None:
        return KpiSummary(
            currency,
            metric.value,
            None,
            total,
            Decimal(0),
            Decimal(0),
            Decimal(0),
            Decimal(0),
            None,
            [],
        )
    month_start = as_of.replace(day=1)
    prev_start = (month_start - timedelta(days=1)).replace(day=1)
    prev_same_day = min(prev_start + timedelta(days=as_of.day), month_start)

    def window(start: date, end: date) -> Decimal:
        day = _day()
        stmt = select(func.coalesce(func.sum(value), zero)).where(
            day >= start,
            day < end,
        )
        return Decimal(conn.execute(_where(stmt, conds)).scalar_one())

    mtd = window(month_start, as_of + timedelta(days=1))
    prev_mtd = window(prev_start, prev_same_day)
    prev_month = window(prev_start, month_start)
    change = mtd - prev_mtd
    pct = float(change / prev_mtd * 100) if prev_mtd != 0 else None
    service_cost = func.sum(value).label("cost")
    top_rows = conn.execute(
        _where(
            select(func.coalesce(costs.c.service_name, _NONE), service_cost).group_by(
                func.coalesce(costs.c.service_name, _NONE)
            ),
            conds,
        )
        .order_by(service_cost.desc())
        .limit(top)
    ).all()
    services = [
        ServiceCost(
            str(name), Decimal(cost), float(Decimal(cost) / total * 100) if total != 0 else 0.0
        )
        for name, cost in top_rows
    ]
    return KpiSummary(
        currency, metric.value, as_of, total, mtd, prev_mtd, prev_month, change, pct, services
    )


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
    """Daily cost by ``dimension``: the ``top`` keys by total, the rest summed into "Other"."""
    conds = spend_filter.conditions()
    day = _day()
    if start is not None:
        conds.append(day >= start)
    if end is not None:
        conds.append(day <= end)
    value = costs.c[metric.value]
    key = func.coalesce(costs.c[dimension.value], _NONE)
    rows = conn.execute(
        _where(
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
    return SpendTrend(
        dimension=dimension.value,
        cost_metric=metric.value,
        currency=_currency(conn, spend_filter.conditions()),
        start=dates[0] if dates else start,
        end=dates[-1] if dates else end,
        dates=dates,
        series=[TrendSeries(k, sum(series[k], Decimal(0)), series[k]) for k in ordered],
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
        func.timezone(_UTC, costs.c.billing_period_start), literal_column("'YYYY-MM'")
    ).label("period")
    periods = conn.execute(select(period).distinct().order_by(period.desc())).scalars().all()
    accounts = conn.execute(
        select(costs.c.sub_account_id, func.max(costs.c.sub_account_name))
        .where(costs.c.sub_account_id.is_not(None))
        .group_by(costs.c.sub_account_id)
        .order_by(costs.c.sub_account_id)
    ).all()
    first, last = conn.execute(select(func.min(_day()), func.max(_day()))).one()
    return Filters(
        billing_periods=[str(p) for p in periods],
        accounts=[(str(a), n) for a, n in accounts],
        currency=_currency(conn, []),
        data_start=first,
        data_end=last,
    )
