"""The one query layer for cost breakdowns (the Explorer, its downloads and the dashboard's
trends): cost of a range of days by period (day or month) and up to two dimensions, filtered
on any of them, in one cost metric.

A question is a :class:`CostQuery`; :func:`breakdown` answers it whole and
:func:`iter_breakdown_rows` streams its rows (a server-side cursor, for downloads). Each is
answered by the cheapest relation that holds it exactly (``finops.analytics.cost_sources``):
the daily or monthly rollup, the tag rollup, or the ``costs`` view; ``Breakdown.source`` says
which. Every answer equals, to the last decimal place, the same question asked of ``costs``.

Dimensions are the :class:`CostDimension` values or ``tag:<key>`` (a tag key as the bill
spells it, e.g. ``tag:user_team``). A missing value (NULL or empty) is the key ``None`` in
rows and the filter value ``""``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import Connection

from finops.analytics.cost_question import (
    TAG_PREFIX,
    CostDimension,
    CostQuery,
    Granularity,
    InvalidDimensionError,
    parse_dimension,
)
from finops.analytics.cost_sources import (
    Relation,
    choose_relation,
    costs_relation,
    daily_relation,
)
from finops.errors import InvalidParameterError

__all__ = [
    "TAG_PREFIX",
    "Breakdown",
    "BreakdownRow",
    "CostDimension",
    "CostQuery",
    "DimensionValue",
    "Granularity",
    "InvalidDimensionError",
    "breakdown",
    "dimension_values",
    "iter_breakdown_rows",
    "parse_dimension",
    "periods_of",
    "tag_keys",
]

_STREAM_BATCH = 2000


@dataclass(frozen=True)
class BreakdownRow:
    period: date
    keys: tuple[str | None, ...]
    cost: Decimal


@dataclass(frozen=True)
class Breakdown:
    query: CostQuery
    currency: str | None  # the billing currency; several: comma-separated; no cost: None
    periods: list[date]  # every period of the range
    rows: list[BreakdownRow]  # ordered by period, then keys
    groups: list[tuple[tuple[str | None, ...], Decimal]]  # every group, largest first
    total: Decimal
    # "rollup_daily" | "rollup_daily_service" | "rollup_monthly" | "rollup_tags" | "costs"
    source: str


def periods_of(query: CostQuery) -> list[date]:
    """Every period (day, or first day of a month) the range touches."""
    if query.granularity == Granularity.daily:
        return [query.start + timedelta(days=i) for i in range((query.end - query.start).days + 1)]
    months: list[date] = []
    month = query.start.replace(day=1)
    while month <= query.end:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def _key_order(keys: tuple[str | None, ...]) -> tuple[tuple[bool, str], ...]:
    return tuple((k is None, k or "") for k in keys)


_Fetched = tuple[date, tuple[str | None, ...], Decimal, str | None, str | None]


def _execute(
    conn: Connection, query: CostQuery, *, relation: Relation, stream: bool
) -> Iterator[_Fetched]:
    """(period, keys, cost, min currency, max currency) in the statement's order (period,
    then keys in code-point order, missing last: ``_key_order``)."""
    stmt = relation.statement(query)
    if stream:
        stmt = stmt.execution_options(yield_per=_STREAM_BATCH)
    end = 1 + len(query.group_by)
    zero = Decimal(0)
    for row in conn.execute(stmt):
        cost = row[end]
        yield row[0], tuple(row[1:end]), zero if cost is None else cost, row[end + 1], row[end + 2]


def breakdown(conn: Connection, *, query: CostQuery, use_rollups: bool = True) -> Breakdown:
    """The answer to ``query`` (see the module's docstring); ``use_rollups=False`` asks
    ``costs`` (the benchmark's baseline and the reconciliation tests)."""
    query = query.checked()
    relation = choose_relation(conn, query) if use_rollups else costs_relation()
    fetched = list(_execute(conn, query, relation=relation, stream=False))
    rows = [BreakdownRow(period, keys, cost) for period, keys, cost, _, _ in fetched]
    totals: dict[tuple[str | None, ...], Decimal] = {}
    for row in rows:
        totals[row.keys] = totals.get(row.keys, Decimal(0)) + row.cost
    currencies = {c for f in fetched for c in (f[3], f[4]) if c is not None}
    groups = sorted(totals.items(), key=lambda g: (-g[1], _key_order(g[0])))
    return Breakdown(
        query=query,
        currency=",".join(sorted(currencies)) or None,
        periods=periods_of(query),
        rows=rows,
        groups=groups,
        total=sum(totals.values(), Decimal(0)),
        source=relation.name,
    )


def iter_breakdown_rows(
    conn: Connection, *, query: CostQuery, use_rollups: bool = True
) -> Iterator[BreakdownRow]:
    """The rows of ``breakdown`` (same order), fetched in batches from a server-side cursor so
    a year of daily rows never sits in memory."""
    query = query.checked()
    relation = choose_relation(conn, query) if use_rollups else costs_relation()
    for period, keys, cost, _, _ in _execute(conn, query, relation=relation, stream=True):
        yield BreakdownRow(period, keys, cost)


@dataclass(frozen=True)
class DimensionValue:
    value: str | None  # None: missing/untagged (the filter value "")
    label: str  # the account name for account_id; the value itself otherwise; "(none)"


def dimension_values(
    conn: Connection,
    *,
    dimension: str,
    search: str | None = None,
    limit: int = 100,
    start: date | None = None,
    end: date | None = None,
) -> list[DimensionValue]:
    """The distinct values of ``dimension`` (optionally in days [start, end]) whose value or
    label contains ``search`` (case-insensitive), sorted, at most ``limit``; for a tag key,
    cost without the tag is the value ``None`` labelled "(none)", last."""
    dimension = parse_dimension(dimension, param="dimension")
    if limit < 1:
        raise InvalidParameterError(f"limit must be at least 1, got {limit}")
    relation = choose_relation(
        conn,
        CostQuery(
            start=start or date(1970, 1, 1),
            end=end or date(9999, 11, 30),
            granularity=Granularity.monthly,
            group_by=(dimension,),
        ),
    )
    if relation.name == "rollup_daily_service":  # it keeps no account names
        relation = daily_relation()
    rows = conn.execute(
        relation.values_statement(
            dimension=dimension, search=search, limit=limit, start=start, end=end
        )
    ).all()
    found = [
        DimensionValue(
            None if v is None else str(v),
            NONE_LABEL if v is None else str(label if label is not None else v),
        )
        for v, label in rows
    ]
    if (
        dimension.startswith(TAG_PREFIX)
        and len(found) < limit
        and all(v.value is not None for v in found)
        and (not search or search.lower() in NONE_LABEL)
        and _has_untagged_cost(conn, key=dimension, start=start, end=end)
    ):
        found.append(DimensionValue(None, NONE_LABEL))
    return found


NONE_LABEL = "(none)"


def _has_untagged_cost(conn: Connection, *, key: str, start: date | None, end: date | None) -> bool:
    """Whether cost without the tag ``key`` (``tag:<key>``) exists in days [start, end]."""
    query = CostQuery(
        start=start or date(1970, 1, 1),
        end=end or date(9999, 11, 30),
        granularity=Granularity.monthly,
        filters={key: ("",)},
    )
    fetched = _execute(conn, query, relation=choose_relation(conn, query), stream=False)
    return any(cost != 0 for _, _, cost, _, _ in fetched)


def tag_keys(conn: Connection, *, start: date | None = None, end: date | None = None) -> list[str]:
    """The tag keys in use (as the bill spells them), sorted."""
    relation = choose_relation(
        conn,
        CostQuery(start=start or date(1970, 1, 1), end=end or date(9999, 11, 30)),
    )
    return [
        str(k) for k in conn.execute(relation.tag_keys_statement(start=start, end=end)).scalars()
    ]
