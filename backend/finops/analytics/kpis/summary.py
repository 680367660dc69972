"""KPI summary as of a day, invoice summary per billing period, breakdowns, and the daily
rollup (``cost_rollup_daily``) that keeps dashboard queries fast on a year of data.

Everything reads the rollup after ``refresh_rollup`` (same totals as ``costs``, to the cent).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import Connection, text

from finops.errors import ConfigurationError

BREAKDOWN_DIMENSIONS = {
    "account": "sub_account_id",
    "service": "service_name",
    "service_category": "service_category",
    "region": "region_id",
    "charge_category": "charge_category",
}
METRICS = ("billed_cost", "effective_cost", "list_cost")

_REFRESH_DELETE = text("DELETE FROM finops.cost_rollup_daily WHERE day >= :s AND day < :e")
_REFRESH_INSERT = text(
    """
    INSERT INTO finops.cost_rollup_daily
    SELECT charge_period_start::date, billing_period_start::date, coalesce(sub_account_id, ''),
           coalesce(service_name, ''), coalesce(service_category, ''), coalesce(region_id, ''),
           coalesce(charge_category, ''), billing_currency,
           sum(billed_cost), sum(effective_cost), sum(list_cost)
    FROM finops.costs
    WHERE charge_period_start >= :s AND charge_period_start < :e
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
    """
)


def refresh_rollup(conn: Connection, *, start: date, end: date) -> int:
    """Rewrite the rollup for the days in [start, end)."""
    conn.execute(_REFRESH_DELETE, {"s": start, "e": end})
    return conn.execute(_REFRESH_INSERT, {"s": start, "e": end}).rowcount or 0


def _metric(metric: str) -> str:
    if metric not in METRICS:
        raise ConfigurationError(f"metric must be one of {METRICS}, got {metric!r}")
    return metric


def _sum(conn: Connection, metric: str, start: date, end: date) -> Decimal:
    # metric is validated against METRICS: a fixed column name, never user text
    query = text(
        f"SELECT coalesce(sum({_metric(metric)}), 0) FROM finops.cost_rollup_daily "
        "WHERE day >= :s AND day < :e"
    )
    return Decimal(conn.execute(query, {"s": start, "e": end}).scalar_one())


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


@dataclass(frozen=True, slots=True)
class Mover:
    service_name: str
    current: Decimal
    previous: Decimal

    @property
    def change(self) -> Decimal:
        return self.current - self.previous


@dataclass(frozen=True, slots=True)
class KpiSummary:
    as_of: date
    metric: str
    month_to_date: Decimal
    previous_month_to_date: Decimal
    previous_month: Decimal
    month_over_month: Decimal | None  # MTD vs the same days of the previous month
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


def _ratio(now: Decimal, before: Decimal) -> Decimal | None:
    return None if before == 0 else (now - before) / before


def _category_mtd(conn: Connection, metric: str, category: str, start: date, end: date) -> Decimal:
    query = text(
        f"SELECT coalesce(sum({_metric(metric)}), 0) FROM finops.cost_rollup_daily "
        "WHERE day >= :s AND day < :e AND service_category = :c"
    )
    return Decimal(conn.execute(query, {"s": start, "e": end, "c": category}).scalar_one())


def kpi_summary(
    conn: Connection, *, as_of: date, metric: str = "effective_cost", movers: int = 5
) -> KpiSummary:
    end = as_of + timedelta(days=1)
    mstart = _month_start(as_of)
    days_in = calendar.monthrange(as_of.year, as_of.month)[1]
    elapsed = (end - mstart).days
    prev_start = _add_months(mstart, -1)
    prev_same = prev_start + timedelta(days=elapsed)
    yoy_start = _add_months(mstart, -12)
    mtd = _sum(conn, metric, mstart, end)
    prev_mtd = _sum(conn, metric, prev_start, min(prev_same, mstart))
    yoy = _sum(conn, metric, yoy_start, yoy_start + timedelta(days=elapsed))
    run_rate = _sum(conn, metric, end - timedelta(days=7), end) / 7
    query = text(
        f"""
        SELECT service_name,
               coalesce(sum({_metric(metric)}) FILTER (WHERE day >= :m), 0) AS cur,
               coalesce(sum({metric}) FILTER (WHERE day < :pe), 0) AS prev
        FROM finops.cost_rollup_daily
        WHERE (day >= :m AND day < :e) OR (day >= :ps AND day < :pe)
        GROUP BY service_name
        """
    )
    rows = conn.execute(
        query, {"m": mstart, "e": end, "ps": prev_start, "pe": min(prev_same, mstart)}
    ).all()
    ranked = sorted(
        (Mover(r.service_name, Decimal(r.cur), Decimal(r.prev)) for r in rows),
        key=lambda m: (-abs(m.change), m.service_name),
    )
    open_findings = conn.execute(
        text(
            "SELECT count(*), coalesce(sum(estimated_monthly_savings), 0) FROM finops.findings "
            "WHERE status <> 'resolved'"
        )
    ).one()
    return KpiSummary(
        as_of=as_of,
        metric=metric,
        month_to_date=mtd,
        previous_month_to_date=prev_mtd,
        previous_month=_sum(conn, metric, prev_start, mstart),
        month_over_month=_ratio(mtd, prev_mtd),
        year_over_year=_ratio(mtd, yoy),
        run_rate_daily=run_rate,
        projected_month_end=mtd + run_rate * (days_in - elapsed),
        last_12_months=_sum(conn, metric, _add_months(mstart, -11), end),
        top_movers=ranked[:movers],
        compute_cost_mtd=_category_mtd(conn, metric, "Compute", mstart, end),
        database_cost_mtd=_category_mtd(conn, metric, "Databases", mstart, end),
        storage_cost_mtd=_category_mtd(conn, metric, "Storage", mstart, end),
        open_savings_opportunities=Decimal(open_findings[1]),
        open_findings=int(open_findings[0]),
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
    rows = conn.execute(
        text(
            """
            SELECT sub_account_id, charge_category, billing_currency, sum(billed_cost) AS billed
            FROM finops.cost_rollup_daily WHERE billing_period_start = :p
            GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
            """
        ),
        {"p": billing_period.replace(day=1)},
    ).all()
    return [
        InvoiceLine(billing_period.replace(day=1), r[0], r[1], r[2], Decimal(r[3])) for r in rows
    ]


def breakdown(
    conn: Connection, *, dimension: str, start: date, end: date, metric: str = "effective_cost"
) -> list[tuple[str, Decimal]]:
    """Cost by ``dimension`` (account, service, service_category, region, charge_category)."""
    column = BREAKDOWN_DIMENSIONS.get(dimension)
    if column is None:
        raise ConfigurationError(
            f"dimension must be one of {sorted(BREAKDOWN_DIMENSIONS)}, got {dimension!r}"
        )
    query = text(
        f"SELECT {column} AS key, sum({_metric(metric)}) AS cost FROM finops.cost_rollup_daily "
        "WHERE day >= :s AND day < :e GROUP BY 1 ORDER BY 2 DESC, 1"
    )
    return [(r.key, Decimal(r.cost)) for r in conn.execute(query, {"s": start, "e": end})]
