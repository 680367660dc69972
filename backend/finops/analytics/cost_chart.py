"""The Explorer's chart and table of a cost breakdown (``finops.analytics.cost_query``) computed
in one statement, so that the answer holds every group's total but only (top + 1) × periods
points: the ``top`` largest groups per period and one "Other" per period for the rest, folded in
SQL. The rows of every (period, group) are only read for downloads
(``cost_query.iter_breakdown_rows``).

Same relation, same grouping and the same order of groups (largest total first, then keys in
code-point order, missing last) as ``cost_query.breakdown``; the groups' totals, the points and
the total are the same sums of the same warehouse decimals, so they equal ``costs`` exactly."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    Text,
    and_,
    cast,
    func,
    literal,
    null,
    true,
    union_all,
)
from sqlalchemy import select as sql_select

from finops.analytics.cost_query import CostQuery, periods_of
from finops.analytics.cost_sources import choose_relation, costs_relation
from finops.errors import InvalidParameterError

_GROUP, _POINT = 0, 1


@dataclass(frozen=True)
class Chart:
    query: CostQuery
    currency: str | None  # the billing currency; several: comma-separated; no cost: None
    periods: list[date]  # every period of the range
    groups: list[tuple[tuple[str | None, ...], Decimal]]  # every group, largest first
    points: list[list[Decimal]]  # the first len(points) groups' cost per period
    other: list[Decimal] | None  # the other groups' cost per period (None: no other group)
    total: Decimal
    source: str  # which relation answered (``Breakdown.source``)


def chart(conn: Connection, *, query: CostQuery, top: int, use_rollups: bool = True) -> Chart:
    """Every group's total and the top ``top`` groups' (plus Other's) cost per period."""
    if top < 1:
        raise InvalidParameterError(f"top must be at least 1, got {top}", param="top")
    query = query.checked()
    relation = choose_relation(conn, query) if use_rollups else costs_relation()
    n = len(query.group_by)
    keys = [relation.dimension(d) for d in query.group_by]
    cost = relation.metric(query.metric)
    conds = and_(true(), *relation.conditions(query))
    total = func.sum(cost)
    order: list[ColumnElement[Any]] = [total.desc(), *(k.collate("C").nulls_last() for k in keys)]
    groups = (
        sql_select(
            *(k.label(f"g{i}") for i, k in enumerate(keys)),
            total.label("total"),
            func.min(relation.currency).label("low"),
            func.max(relation.currency).label("high"),
            func.row_number().over(order_by=order).label("rank"),
        )
        .select_from(relation.frm)
        .where(conds)
        .group_by(*keys)
    )
    if relation.row_count is not None:  # groups whose rows net to none do not exist in costs
        groups = groups.having(func.sum(relation.row_count) > 0)
    ranked = groups.cte("groups")
    g_keys = [ranked.c[f"g{i}"] for i in range(n)]
    period = relation.period(query.granularity)
    group_rows = sql_select(
        literal(_GROUP), ranked.c.rank, cast(null(), Date), *g_keys, ranked.c.total,
        ranked.c.low, ranked.c.high,
    )  # fmt: skip
    # each cost row's group's rank when the group is shown, else NULL (Other): a hash join of
    # the relation's rows on the ``top`` shown groups (a missing key matches only a missing key)
    shown = sql_select(ranked).where(ranked.c.rank <= top).subquery("shown")
    same = [
        part
        for i in range(n)
        for part in (
            func.coalesce(keys[i], "") == func.coalesce(shown.c[f"g{i}"], ""),
            keys[i].is_(None) == shown.c[f"g{i}"].is_(None),
        )
    ]
    no_keys = [cast(null(), Text)] * n
    point = sql_select(
        literal(_POINT), shown.c.rank, period, *no_keys, func.sum(cost),
        cast(null(), Text), cast(null(), Text),
    )  # fmt: skip
    point_rows = (
        point.select_from(relation.frm.outerjoin(shown, and_(true(), *same)))
        .where(conds)
        .group_by(period, shown.c.rank)
    )
    rows = list(conn.execute(union_all(group_rows, point_rows)).all())
    return _assemble(query, relation.name, rows, top=top, n=n)


def _hashable(keys: list[Any]) -> list[Any]:
    """Keys compared with ``=`` (hashable), a missing key still apart from an empty one."""
    out: list[Any] = []
    for k in keys:
        out += [func.coalesce(k, ""), k.is_(None)]
    return out


def _assemble(query: CostQuery, source: str, rows: list[Any], *, top: int, n: int) -> Chart:
    periods = periods_of(query)
    column = {p: i for i, p in enumerate(periods)}
    ranked: list[tuple[int, tuple[str | None, ...], Decimal]] = []
    currencies: set[str] = set()
    for row in rows:
        if row[0] == _GROUP:
            ranked.append((int(row[1]), tuple(row[3 : 3 + n]), Decimal(row[3 + n] or 0)))
            currencies.update(c for c in (row[4 + n], row[5 + n]) if c is not None)
    ranked.sort(key=lambda r: r[0])
    kept = min(top, len(ranked))
    points = [[Decimal(0)] * len(periods) for _ in range(kept + 1)]
    for row in rows:
        if row[0] == _POINT:  # row[1]: the group's rank when it is shown, else NULL (Other)
            slot = int(row[1]) - 1 if row[1] is not None else kept
            points[slot][column[row[2]]] += Decimal(row[3 + n] or 0)
    groups = [(keys, total) for _, keys, total in ranked]
    return Chart(
        query=query,
        currency=",".join(sorted(currencies)) or None,
        periods=periods,
        groups=groups,
        points=points[:kept],
        other=points[kept] if len(ranked) > kept else None,
        total=sum((t for _, t in groups), Decimal(0)),
        source=source,
    )
