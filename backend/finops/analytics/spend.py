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

    def conditions(self, *, include_period: bool = True) -> list[ColumnElement[bool]]:
        conds: list[ColumnElement[bool]] = []
        if self.billing_period is not None and include_period:
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
class Period:
    """The days a KPI or trend covers and the matching previous period it is compared with.

    ``kind``: ``month`` (a whole calendar month whose last day is in the data: closed),
    ``month_to_date`` (a month the data has not finished; compared with the same days of the
    previous month) or ``range`` (any dates; compared with as many days just before)."""

    kind: str
    start: date
    end: date  # last day covered (for a month to date: the last day of data)
    previous_start: date
    previous_end: date
    label: str

    @property
    def complete(self) -> bool:
        return self.kind != "month_to_date"


def _month_end(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _previous_month(day: date) -> date:
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def month_period(month: date, last_data_day: date | None) -> Period:
    """A calendar month, closed when the data reaches its last day, else to the last day of
    data (compared then with the same number of days of the previous month)."""
    first, last = month.replace(day=1), _month_end(month)
    prev = _previous_month(first)
    name = first.strftime("%B %Y")
    if last_data_day is not None and first <= last_data_day < last:
        days = (last_data_day - first).days + 1
        prev_end = min(prev + timedelta(days=days - 1), first - timedelta(days=1))
        label = f"{name} to date ({days} day{'s' if days != 1 else ''})"
        return Period("month_to_date", first, last_data_day, prev, prev_end, label)
    return Period("month", first, last, prev, first - timedelta(days=1), name)


def range_period(start: date, end: date) -> Period:
    length = end - start + timedelta(days=1)
    label = f"{start.isoformat()} to {end.isoformat()}"
    return Period("range", start, end, start - length, start - timedelta(days=1), label)


def select_period(
    conn: Connection,
    *,
    spend_filter: SpendFilter,
    start: date | None = None,
    end: date | None = None,
) -> Period | None:
    """The period a request selects: a billing period (``YYYY-MM``), a date range (``start``,
    optionally ``end``: default the last day of data) or, by default, the month of the last day
    of data on or before ``end``. None when the warehouse holds no cost for the filters."""
    conds = spend_filter.conditions(include_period=False)
    day = _day()
    bound = [day <= end] if end is not None and start is None else []
    last = conn.execute(_where(select(func.max(day)), [*conds, *bound])).scalar_one_or_none()
    if spend_filter.billing_period is not None:
        in_month = conn.execute(
            _where(
                select(func.max(day)),
                [*conds, day <= _month_end(spend_filter.billing_period)],
            )
        ).scalar_one_or_none()
        return month_period(spend_filter.billing_period, in_month)
    if start is not None:
        return range_period(start, end if end is not None else (last or start))
    if last is None:
        return None
    return month_period(last, last)


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


def _currency(conn: Connection, conds: list[ColumnElement[bool]]) -> str:
    rows = conn.execute(_where(select(costs.c.billing_currency).distinct(), conds)).scalars().all()
    return ",".join(sorted(str(r) for r in rows)) or "USD"


def kpi_summary(
    conn: Connection,
    *,
    spend_filter: SpendFilter,
    metric: CostMetric,
    start: date | None = None,
    end: date | None = None,
    top: int = 5,
) -> KpiSummary:
    """Cost of the selected period (``select_period``) against its matching previous period.

    Everything is relative to the data, not the clock, so the summary of a closed period is
    stable; a month the data has not finished is "to date" and compared with the same number of
    days of the month before; a closed month with the whole month before; a range with as many
    days just before it.
    """
    conds = spend_filter.conditions(include_period=False)
    value = costs.c[metric.value]
    zero = literal(Decimal(0))
    currency = _currency(conn, conds)
    period = select_period(conn, spend_filter=spend_filter, start=start, end=end)
    if period is None:
        return KpiSummary(
            currency,
            metric.value,
            None,
            None,
            Decimal(0),
            Decimal(0),
            Decimal(0),
            Decimal(0),
            Decimal(0),
            None,
            [],
        )

    def window(first: date, last: date) -> Decimal:
        day = _day()
        stmt = select(func.coalesce(func.sum(value), zero)).where(day >= first, day <= last)
        return Decimal(conn.execute(_where(stmt, conds)).scalar_one())

    day = _day()
    as_of = conn.execute(
        _where(select(func.max(day)), [*conds, day >= period.start, day <= period.end])
    ).scalar_one_or_none()
    now = window(period.start, period.end)
    before = window(period.previous_start, period.previous_end)
    if period.kind == "range":
        previous_month = before
    else:
        prev = _previous_month(period.start)
        previous_month = window(prev, period.start - timedelta(days=1))
    change = now - before
    pct = float(change / before * 100) if before != 0 else None
    selected = spend_filter.billing_period is not None or start is not None
    total = (
        now
        if selected
        else Decimal(
            conn.execute(_where(select(func.coalesce(func.sum(value), zero)), conds)).scalar_one()
        )
    )
    service_cost = func.sum(value).label("cost")
    top_rows = conn.execute(
        _where(
            select(func.coalesce(costs.c.service_name, _NONE), service_cost).group_by(
                func.coalesce(costs.c.service_name, _NONE)
            ),
            [*conds, day >= period.start, day <= period.end] if selected else conds,
        )
        .order_by(service_cost.desc())
        .limit(top)
    ).all()
    services = [
        ServiceCost(str(name), Decimal(cost), float(Decimal(cost) / total * 100) if total else 0.0)
        for name, cost in top_rows
    ]
    return KpiSummary(
        currency,
        metric.value,
        as_of,
        period,
        total,
        now,
        before,
        previous_month,
        change,
        pct,
        services,
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
    previous_total = None
    if period is not None:
        stmt = select(func.coalesce(func.sum(value), literal(Decimal(0)))).where(
            day >= period.previous_start, day <= period.previous_end
        )
        previous_total = Decimal(
            conn.execute(_where(stmt, spend_filter.conditions(include_period=False))).scalar_one()
        )
    return SpendTrend(
        dimension=dimension.value,
        cost_metric=metric.value,
        currency=_currency(conn, spend_filter.conditions()),
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
