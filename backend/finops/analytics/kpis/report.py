"""The KPI job's report as of a day: the KPI summary of the month to that day (``summary.py``,
the same numbers the dashboard shows) with the figures only the job computes — year over year,
run rate and projected month end, the last 12 months, top movers, cost by service category and
the open savings — read from the daily rollup (``cost_rollup_daily``) that keeps dashboard
queries fast on a year of data. Also the invoice summary and breakdowns over the rollup.

Everything reads the rollup after ``refresh_rollup`` (same totals as ``costs``, to the cent).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import ColumnElement, Connection, delete, func, insert, literal, select

from finops.analytics.filters import SpendFilter
from finops.analytics.kpis.periods import add_months
from finops.analytics.kpis.summary import KpiSummary, kpi_summary
from finops.errors import ConfigurationError
from finops.warehouse.metrics import COLUMN_METRICS, EFFECTIVE_COST, CostMetric
from finops.warehouse.tables import cost_rollup_daily as rollup
from finops.warehouse.tables import costs, findings

BREAKDOWN_DIMENSIONS = {
    "account": "sub_account_id",
    "service": "service_name",
    "service_category": "service_category",
    "region": "region_id",
    "charge_category": "charge_category",
}


def refresh_rollup(conn: Connection, *, start: date, end: date) -> int:
    """Rewrite the rollup for the days in [start, end)."""
    conn.execute(delete(rollup).where(rollup.c.day >= start, rollup.c.day < end))
    keys = [
        func.coalesce(costs.c[c], literal(""))
        for c in ("sub_account_id", "service_name", "service_category", "region_id")
    ]
    grouped = [
        costs.c.charge_period_start.cast(rollup.c.day.type),
        costs.c.billing_period_start.cast(rollup.c.day.type),
        *keys,
        func.coalesce(costs.c.charge_category, literal("")),
        costs.c.billing_currency,
    ]
    sums = [func.sum(costs.c[m]) for m in COLUMN_METRICS]
    query = (
        select(*grouped, *sums)
        .where(costs.c.charge_period_start >= start, costs.c.charge_period_start < end)
        .group_by(*grouped)
    )
    return conn.execute(insert(rollup).from_select(list(rollup.c.keys()), query)).rowcount or 0


def _column(metric: str) -> ColumnElement[Decimal]:
    if metric not in COLUMN_METRICS:
        raise ConfigurationError(f"metric must be one of {COLUMN_METRICS}, got {metric!r}")
    return rollup.c[metric]


def _sum(
    conn: Connection, metric: str, start: date, end: date, *conds: ColumnElement[bool]
) -> Decimal:
    stmt = select(func.coalesce(func.sum(_column(metric)), literal(Decimal(0)))).where(
        rollup.c.day >= start, rollup.c.day < end, *conds
    )
    return Decimal(conn.execute(stmt).scalar_one())


@dataclass(frozen=True, slots=True)
class Mover:
    service_name: str
    current: Decimal
    previous: Decimal

    @property
    def change(self) -> Decimal:
        return self.current - self.previous


@dataclass(frozen=True, slots=True)
class KpiReport:
    as_of: date
    metric: str
    summary: KpiSummary  # the month to ``as_of`` against the same days of the month before
    year_over_year: Decimal | None  # MTD vs the same days a year before
    run_rate_daily: Decimal  # mean of the last 7 days
    projected_month_end: Decimal
    last_12_months: Decimal
    top_movers: list[Mover]
    compute_cost_mtd: Decimal
    database_cost_mtd: Decimal
    storage_cost_mtd: Decimal
    open_savings_opportunities: Decimal
    open_findings: int

    @property
    def month_to_date(self) -> Decimal:
        return self.summary.period_cost

    @property
    def previous_month_to_date(self) -> Decimal:
        return self.summary.previous_period_cost

    @property
    def previous_month(self) -> Decimal:
        return self.summary.previous_month

    @property
    def month_over_month(self) -> Decimal | None:
        """MTD vs the same days of the previous month."""
        return _ratio(self.month_to_date, self.previous_month_to_date)


def _ratio(now: Decimal, before: Decimal) -> Decimal | None:
    return None if before == 0 else (now - before) / before


def _movers(
    conn: Connection, metric: str, *, month: date, end: date, prev: tuple[date, date]
) -> list[Mover]:
    value = _column(metric)
    zero = literal(Decimal(0))
    current = func.coalesce(func.sum(value).filter(rollup.c.day >= month), zero)
    previous = func.coalesce(func.sum(value).filter(rollup.c.day < prev[1]), zero)
    rows = conn.execute(
        select(rollup.c.service_name, current, previous)
        .where(
            ((rollup.c.day >= month) & (rollup.c.day < end))
            | ((rollup.c.day >= prev[0]) & (rollup.c.day < prev[1]))
        )
        .group_by(rollup.c.service_name)
    ).all()
    return sorted(
        (Mover(name, Decimal(cur), Decimal(before)) for name, cur, before in rows),
        key=lambda m: (-abs(m.change), m.service_name),
    )


def kpi_report(
    conn: Connection, *, as_of: date, metric: str = EFFECTIVE_COST, movers: int = 5
) -> KpiReport:
    summary = kpi_summary(
        conn, spend_filter=SpendFilter(), metric=CostMetric(_column(metric).name), as_of=as_of
    )
    end = as_of + timedelta(days=1)
    month = as_of.replace(day=1)
    elapsed = (end - month).days
    remaining = calendar.monthrange(as_of.year, as_of.month)[1] - elapsed
    prev_start = add_months(month, -1)
    yoy_start = add_months(month, -12)
    run_rate = _sum(conn, metric, end - timedelta(days=7), end) / 7
    mtd = summary.period_cost
    open_count, open_savings = conn.execute(
        select(
            func.count(), func.coalesce(func.sum(findings.c.estimated_monthly_savings), 0)
        ).where(findings.c.status != "resolved")
    ).one()

    def category(name: str) -> Decimal:
        return _sum(conn, metric, month, end, rollup.c.service_category == name)

    return KpiReport(
        as_of=as_of,
        metric=metric,
        summary=summary,
        year_over_year=_ratio(
            mtd, _sum(conn, metric, yoy_start, yoy_start + timedelta(days=elapsed))
        ),
        run_rate_daily=run_rate,
        projected_month_end=mtd + run_rate * remaining,
        last_12_months=_sum(conn, metric, add_months(month, -11), end),
        top_movers=_movers(
            conn,
            metric,
            month=month,
            end=end,
            prev=(prev_start, min(prev_start + timedelta(days=elapsed), month)),
        )[:movers],
        compute_cost_mtd=category("Compute"),
        database_cost_mtd=category("Databases"),
        storage_cost_mtd=category("Storage"),
        open_savings_opportunities=Decimal(open_savings),
        open_findings=int(open_count),
    )


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    billing_period: date
    account_id: str
    charge_category: str
    currency: str
    billed_cost: Decimal


def invoice_summary(conn: Connection, *, billing_period: date) -> list[InvoiceLine]:
    """Billed cost of one billing period by account and charge category (what the invoice
    shows); sums to the period's billed total."""
    first = billing_period.replace(day=1)
    keys = (rollup.c.sub_account_id, rollup.c.charge_category, rollup.c.billing_currency)
    rows = conn.execute(
        select(*keys, func.sum(rollup.c.billed_cost))
        .where(rollup.c.billing_period_start == first)
        .group_by(*keys)
        .order_by(*keys)
    ).all()
    return [InvoiceLine(first, r[0], r[1], r[2], Decimal(r[3])) for r in rows]


def breakdown(
    conn: Connection, *, dimension: str, start: date, end: date, metric: str = EFFECTIVE_COST
) -> list[tuple[str, Decimal]]:
    """Cost by ``dimension`` (account, service, service_category, region, charge_category)."""
    column = BREAKDOWN_DIMENSIONS.get(dimension)
    if column is None:
        raise ConfigurationError(
            f"dimension must be one of {sorted(BREAKDOWN_DIMENSIONS)}, got {dimension!r}"
        )
    key, cost = rollup.c[column], func.sum(_column(metric))
    rows = conn.execute(
        select(key, cost)
        .where(rollup.c.day >= start, rollup.c.day < end)
        .group_by(key)
        .order_by(cost.desc(), key)
    )
    return [(str(k), Decimal(c)) for k, c in rows]
