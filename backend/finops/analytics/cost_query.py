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

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import Connection

from finops.analytics.cost_sources import (
    TAG_PREFIX,
    CostDimension,
    Granularity,
    Relation,
    choose_relation,
    costs_relation,
)
from finops.errors import InvalidParameterError
from finops.warehouse.metrics import CostMetric

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

MAX_GROUP_BY = 2
_STREAM_BATCH = 2000


class InvalidDimensionError(InvalidParameterError):
    """A dimension (group by or filter) that is not one of :class:`CostDimension` or
    ``tag:<key>``; ``param`` names the request parameter it came from."""

    def __init__(self, message: str, *, param: str) -> None:
        super().__init__(message)
        self.param = param


def parse_dimension(text: str, *, param: str = "group_by") -> str:
    """``text`` as a dimension: a :class:`CostDimension` value or ``tag:<key>``."""
    value = text.strip()
    if value in CostDimension.__members__:
        return value
    if value.startswith(TAG_PREFIX) and value[len(TAG_PREFIX) :].strip():
        return TAG_PREFIX + value[len(TAG_PREFIX) :].strip()
    allowed = ", ".join(d.value for d in CostDimension)
    raise InvalidDimensionError(
        f"{param}: {text!r} is not a dimension; use one of {allowed} or tag:<key>", param=param
    )


@dataclass(frozen=True)
class CostQuery:
    start: date  # first day, inclusive
    end: date  # last day, inclusive
    granularity: Granularity = Granularity.monthly
    group_by: tuple[str, ...] = ()  # 0..2 of CostDimension values or "tag:<key>"
    # dimension -> allowed values ("" = missing/untagged)
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    metric: CostMetric = CostMetric.billed_cost

    def checked(self) -> CostQuery:
        """The query with its dimensions parsed; raises ``InvalidParameterError`` naming the
        parameter at fault."""
        if self.end < self.start:
            raise InvalidParameterError(
                f"start {self.start} is after end {self.end}: give start <= end"
            )
        group_by = tuple(parse_dimension(d, param="group_by") for d in self.group_by)
        if len(group_by) > MAX_GROUP_BY or len(set(group_by)) != len(group_by):
            raise InvalidDimensionError(
                f"group_by: give at most {MAX_GROUP_BY} different dimensions, got "
                f"{', '.join(self.group_by)}",
                param="group_by",
            )
        filters = {
            parse_dimension(k, param=k): tuple(v) for k, v in self.filters.items() if len(v) > 0
        }
        return CostQuery(
            start=self.start,
            end=self.end,
            granularity=Granularity(self.granularity),
            group_by=group_by,
            filters=filters,
            metric=CostMetric(self.metric),
        )


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
    source: str  # "rollup_daily" | "rollup_monthly" | "rollup_tags" | "costs"


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


def _execute(
    conn: Connection, query: CostQuery, *, relation: Relation, stream: bool
) -> Iterator[tuple[date, tuple[str | None, ...], Decimal, str | None, str | None]]:
    stmt = relation.statement(query)
    if stream:
        stmt = stmt.execution_options(yield_per=_STREAM_BATCH)
    width = len(query.group_by)
    for row in conn.execute(stmt):
        period = row[0]
        keys = tuple(None if k is None else str(k) for k in row[1 : 1 + width])
        yield period, keys, Decimal(row[1 + width]), row[2 + width], row[3 + width]


def breakdown(conn: Connection, *, query: CostQuery, use_rollups: bool = True) -> Breakdown:
    """The answer to ``query`` (see the module's docstring); ``use_rollups=False`` asks
    ``costs`` (the benchmark's baseline and the reconciliation tests)."""
    query = query.checked()
    relation = choose_relation(conn, query) if use_rollups else costs_relation()
    rows: list[BreakdownRow] = []
    totals: dict[tuple[str | None, ...], Decimal] = {}
    currencies: set[str] = set()
    for period, keys, cost, low, high in _execute(conn, query, relation=relation, stream=False):
        rows.append(BreakdownRow(period, keys, cost))
        totals[keys] = totals.get(keys, Decimal(0)) + cost
        currencies.update(c for c in (low, high) if c is not None)
    rows.sort(key=lambda r: (r.period, _key_order(r.keys)))
    groups = sorted(totals.items(), key=lambda g: (-g[1], _key_order(g[0])))
    return Breakdown(
        query=query,
        currency=",".join(sorted(currencies)) or None,
        periods=periods_of(query),
        rows=rows,
        groups=groups,
        total=sum((r.cost for r in rows), Decimal(0)),
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
    label contains ``search`` (case-insensitive), sorted, at most ``limit``."""
    dimension = parse_dimension(dimension, param="dimension")
    if limit < 1:
        raise InvalidParameterError(f"limit must be at least 1, got {limit}")
    relation = choose_relation(
        conn,
        CostQuery(
            start=start or date(1970, 1, 1),
            end=end or date(9999, 12, 30),
            granularity=Granularity.monthly,
            group_by=(dimension,),
        ),
    )
    rows = conn.execute(
        relation.values_statement(
            dimension=dimension, search=search, limit=limit, start=start, end=end
        )
    ).all()
    return [
        DimensionValue(
            None if v is None else str(v),
            "(none)" if v is None else str(label if label is not None else v),
        )
        for v, label in rows
    ]


def tag_keys(conn: Connection, *, start: date | None = None, end: date | None = None) -> list[str]:
    """The tag keys in use (as the bill spells them), sorted."""
    relation = choose_relation(
        conn,
        CostQuery(start=start or date(1970, 1, 1), end=end or date(9999, 12, 30)),
    )
    return [
        str(k) for k in conn.execute(relation.tag_keys_statement(start=start, end=end)).scalars()
    ]
