"""The daily cost rows (``cost_rows.sql``) that anomaly detection, forecasts, budgets and the
API's cost-intelligence views all read: day × account × service × region × usage type ×
resource × tag set, in one cost metric (``DAILY_ROW_METRICS``). No capability owns them; each
reads them through this module, so they all measure the same cost."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    DateTime,
    Numeric,
    String,
    Subquery,
    TextClause,
    bindparam,
    cast,
    column,
    func,
    literal_column,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from finops.warehouse.metrics import DAILY_ROW_METRICS, check_metric
from finops.warehouse.tables import costs

COST_ROWS_SQL = (Path(__file__).parent / "cost_rows.sql").read_text()

BASE_DIMENSIONS = ("account", "service", "region", "usage_type", "resource")
"""The dimension columns of a cost row (besides ``day``, ``tags`` and ``cost``)."""

CostRow = tuple[date, str | None, str | None, str | None, str | None, str | None, Any, Decimal]
"""(day, account, service, region, usage type, resource, tags, cost)"""


def utc_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def charge_days(first: date | None, last: date | None) -> list[ColumnElement[bool]]:
    """Charges of the UTC days ``first`` to ``last`` (inclusive; None: open) in ``costs``, as a
    range of ``charge_period_start`` itself: PostgreSQL reads only those months' partitions (a
    condition on the day computed from it reads them all)."""
    start = costs.c.charge_period_start
    conds: list[ColumnElement[bool]] = []
    if first is not None:
        conds.append(start >= utc_midnight(first))
    if last is not None:
        conds.append(start < utc_midnight(last + timedelta(days=1)))
    return conds


def _statement(*, start: date, end: date, metric: str) -> TextClause:
    check_metric(metric, allowed=DAILY_ROW_METRICS)
    return text(COST_ROWS_SQL + "\n").bindparams(
        bindparam("metric", metric, type_=String),
        bindparam("start", utc_midnight(start), type_=DateTime(timezone=True)),
        bindparam("end", utc_midnight(end), type_=DateTime(timezone=True)),
    )


def read_cost_rows(conn: Connection, *, start: date, end: date, metric: str) -> Iterator[CostRow]:
    """The cost rows of days [start, end), ordered by day and dimensions."""
    result = conn.execute(_statement(start=start, end=end, metric=metric))
    return (_cost_row(row) for row in result)


def _cost_row(row: Any) -> CostRow:
    day, account, service, region, usage_type, resource, tags, cost = row
    return day, account, service, region, usage_type, resource, tags, Decimal(cost)


def cost_rows(*, start: date, end: date, metric: str) -> Subquery:
    """The cost rows of days [start, end) as a subquery to filter and sum (filters on its
    dimension columns reach the ``costs`` view)."""
    return (
        _statement(start=start, end=end, metric=metric)
        .columns(
            column("day", Date),
            *(column(d, String) for d in BASE_DIMENSIONS),
            column("tags", JSONB),
            column("cost", Numeric),
        )
        .subquery("cost_rows")
    )


def charge_day() -> ColumnElement[date]:
    """The UTC calendar day of a charge in ``costs``."""
    return cast(func.timezone(literal_column("'UTC'"), costs.c.charge_period_start), Date)


def data_bounds(conn: Connection) -> tuple[date, date] | None:
    """First and last charge day in the warehouse, or None when it is empty."""
    first, last = conn.execute(select(func.min(charge_day()), func.max(charge_day()))).one()
    return None if first is None else (first, last)


def last_charge_day_between(conn: Connection, *, start: date, end: date) -> date | None:
    """The latest day on [start, end) with any charge in the warehouse."""
    day: date | None = conn.execute(
        select(func.max(charge_day())).where(*charge_days(start, end - timedelta(days=1)))
    ).scalar_one_or_none()
    return day


def last_charge_day(conn: Connection, *, on_or_before: date) -> date:
    """The latest charge day with cost on or before ``on_or_before`` (itself when none)."""
    day = conn.execute(
        select(cast(func.max(costs.c.charge_period_start), Date)).where(
            costs.c.charge_period_start < on_or_before + timedelta(days=1)
        )
    ).scalar_one_or_none()
    return day if isinstance(day, date) else on_or_before
