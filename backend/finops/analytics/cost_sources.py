"""The relations a cost breakdown (``finops.analytics.cost_query``) can be answered from, each
described once as a :class:`Relation` (how it spells a period, a dimension, a metric and a day
range), and the choice among them: the cheapest one that holds the question exactly.

- ``costs``: the public view; answers everything.
- ``rollup_monthly`` / ``rollup_daily_service`` / ``rollup_daily`` (``rollup_cost_monthly``,
  ``rollup_cost_daily_service``, ``rollup_cost_daily``; ``finops.warehouse.rollups``): no tag
  dimension; monthly when the range is whole months, else the daily rollup without usage type
  when the question does not name it, else the whole daily rollup.
- ``rollup_tags``: one tag key (grouped and/or filtered), from ``rollup_cost_tag_daily`` plus the
  untagged rest (the daily rollup minus the tagged rows, with their row counts so a group
  that does not exist in ``costs`` never appears with a zero).

A scope that restricts tag values cannot be honoured by rollups (they keep no tags but the one
key of the tag rollup): such transactions are answered from ``costs``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    FromClause,
    Select,
    and_,
    cast,
    false,
    func,
    null,
    or_,
    select,
    true,
    union_all,
)

from finops.analytics.cost_question import (
    COLUMNS,
    TAG_PREFIX,
    CostDimension,
    CostQuery,
    Granularity,
    tag_key,
)
from finops.config import get_settings
from finops.warehouse.cost_rows import charge_day, charge_days
from finops.warehouse.metrics import CostMetric
from finops.warehouse.tables import (
    costs,
    rollup_cost_daily,
    rollup_cost_daily_service,
    rollup_cost_monthly,
    rollup_cost_tag_daily,
)


@dataclass(frozen=True)
class Relation:
    """A relation that answers breakdowns: ``frm`` with how it spells each part."""

    name: str
    frm: FromClause
    bounds: Callable[[date, date], list[ColumnElement[bool]]]  # days [start, end]
    period: Callable[[Granularity], ColumnElement[date]]
    dimension: Callable[[str], ColumnElement[Any]]
    metric: Callable[[CostMetric], ColumnElement[Decimal]]
    currency: ColumnElement[str]
    account_name: ColumnElement[str]
    row_count: ColumnElement[int] | None = None  # rows of costs behind a row (tag rollup)

    def conditions(self, query: CostQuery) -> list[ColumnElement[bool]]:
        conds = self.bounds(query.start, query.end)
        for dimension, values in query.filters.items():
            expr = self.dimension(dimension)
            present = [v for v in values if v != ""]
            parts = [expr.in_(present)] if present else []
            if "" in values:
                parts.append(expr.is_(None))
            conds.append(or_(*parts))
        return conds

    def statement(self, query: CostQuery) -> Select[Any]:
        """period, one column per group-by dimension, cost, min and max currency."""
        period = self.period(query.granularity).label("period")
        exprs = [self.dimension(d) for d in query.group_by]
        keys = [e.label(f"k{i}") for i, e in enumerate(exprs)]
        stmt = (
            select(
                period,
                *keys,
                func.sum(self.metric(query.metric)).label("cost"),
                func.min(self.currency),
                func.max(self.currency),
            )
            .select_from(self.frm)
            .where(and_(true(), *self.conditions(query)))
            .group_by(period, *keys)
            # code-point order, missing values last: the order Python sorts keys in
            .order_by(period, *(e.collate("C").nulls_last() for e in exprs))
        )
        if self.row_count is not None:
            stmt = stmt.having(func.sum(self.row_count) > 0)
        return stmt

    def values_statement(
        self,
        *,
        dimension: str,
        search: str | None,
        limit: int,
        start: date | None,
        end: date | None,
    ) -> Select[Any]:
        value = self.dimension(dimension).label("value")
        is_account = dimension == CostDimension.account_id
        label = func.max(self.account_name) if is_account else value
        conds = self.bounds(start or date(1970, 1, 1), end or date(9999, 12, 30))
        if self.row_count is not None:  # untagged rows net to zero where everything is tagged
            conds.append(value.is_not(None))
        stmt = select(value, label).select_from(self.frm).where(and_(true(), *conds))
        stmt = stmt.group_by(value)
        if search:
            needle = search.lower()
            text = func.lower(func.coalesce(value, ""))
            hit = text.contains(needle, autoescape=True)
            if is_account:
                hit = or_(
                    hit, func.lower(func.max(self.account_name)).contains(needle, autoescape=True)
                )
            stmt = stmt.having(hit)
        return stmt.order_by(value.nulls_last()).limit(limit)

    def tag_keys_statement(self, *, start: date | None, end: date | None) -> Select[Any]:
        if self.name != "costs":
            return _tag_keys(start, end)
        key = func.jsonb_object_keys(costs.c.tags).label("key")
        bounds = self.bounds(start or date(1970, 1, 1), end or date(9999, 12, 30))
        inner = select(key).where(*bounds).subquery()
        return select(inner.c.key).distinct().order_by(inner.c.key)


# -- costs ---------------------------------------------------------------------------------


def _costs_bounds(start: date, end: date) -> list[ColumnElement[bool]]:
    return charge_days(start, end)


def _costs_period(granularity: Granularity) -> ColumnElement[date]:
    day = charge_day()
    if granularity == Granularity.daily:
        return day
    return cast(func.date_trunc("month", day), Date)


def _costs_dimension(dimension: str) -> ColumnElement[Any]:
    key = tag_key(dimension)
    if key is not None:
        return func.nullif(costs.c.tags[key].astext, "")
    return func.nullif(costs.c[COLUMNS[dimension]], "")


def costs_relation() -> Relation:
    return Relation(
        name="costs",
        frm=costs,
        bounds=_costs_bounds,
        period=_costs_period,
        dimension=_costs_dimension,
        metric=lambda m: costs.c[m.value],
        currency=costs.c.billing_currency,
        account_name=costs.c.sub_account_name,
    )


def _tag_keys(start: date | None, end: date | None) -> Select[Any]:
    conds: list[ColumnElement[bool]] = []
    if start is not None:
        conds.append(rollup_cost_tag_daily.c.day >= start)
    if end is not None:
        conds.append(rollup_cost_tag_daily.c.day <= end)
    # a loose index scan on (tag_key, day): the next key after each one, one index probe per
    # key in use, instead of reading every row of the rollup to find its few distinct keys
    key = rollup_cost_tag_daily.c.tag_key
    found = (
        select(func.min(key).label("key"))
        .where(and_(true(), *conds))
        .cte("tag_keys", recursive=True)
    )
    after = select(func.min(key)).where(key > found.c.key, *conds).scalar_subquery()
    found = found.union_all(select(after).where(found.c.key.is_not(None)))
    return select(found.c.key).where(found.c.key.is_not(None)).order_by(found.c.key)


# -- rollups ---------------------------------------------------------------------------------


def _rollup_dimension(table: FromClause) -> Callable[[str], ColumnElement[Any]]:
    def dimension(name: str) -> ColumnElement[Any]:
        return table.c[COLUMNS[name]]

    return dimension


def _daily_period(day: ColumnElement[date]) -> Callable[[Granularity], ColumnElement[date]]:
    def period(granularity: Granularity) -> ColumnElement[date]:
        if granularity == Granularity.daily:
            return day
        return cast(func.date_trunc("month", day), Date)

    return period


def daily_relation() -> Relation:
    t = rollup_cost_daily
    return Relation(
        name="rollup_daily",
        frm=t,
        bounds=lambda s, e: [t.c.day >= s, t.c.day <= e],
        period=_daily_period(t.c.day),
        dimension=_rollup_dimension(t),
        metric=lambda m: t.c[m.value],
        currency=t.c.billing_currency,
        account_name=t.c.sub_account_name,
    )


SERVICE_DIMENSIONS = frozenset(
    (
        CostDimension.account_id,
        CostDimension.service_name,
        CostDimension.service_category,
        CostDimension.region_id,
        CostDimension.charge_category,
    )
)
"""The dimensions ``rollup_cost_daily_service`` keeps (all but usage type)."""


def service_relation() -> Relation:
    t = rollup_cost_daily_service
    return Relation(
        name="rollup_daily_service",
        frm=t,
        bounds=lambda s, e: [t.c.day >= s, t.c.day <= e],
        period=_daily_period(t.c.day),
        dimension=_rollup_dimension(t),
        metric=lambda m: t.c[m.value],
        currency=t.c.billing_currency,
        account_name=t.c.sub_account_id,  # no names here: values read the other rollups
    )


def monthly_relation() -> Relation:
    t = rollup_cost_monthly
    return Relation(
        name="rollup_monthly",
        frm=t,
        bounds=lambda s, e: [t.c.month >= s.replace(day=1), t.c.month <= e],
        period=lambda _: t.c.month,
        dimension=_rollup_dimension(t),
        metric=lambda m: t.c[m.value],
        currency=t.c.billing_currency,
        account_name=t.c.sub_account_name,
    )


_SHARED = ("day", *COLUMNS.values(), "sub_account_name", "billing_currency")


def tag_relation(key: str, query: CostQuery) -> Relation:
    """One tag key: its tagged rows plus, as tag value NULL, the daily rollup minus them."""
    tags, day = rollup_cost_tag_daily, rollup_cost_daily
    metrics = [m.value for m in CostMetric]
    in_range_t = [tags.c.day >= query.start, tags.c.day <= query.end, tags.c.tag_key == key]
    in_range_d = [day.c.day >= query.start, day.c.day <= query.end]
    tagged = select(
        *(tags.c[c] for c in _SHARED),
        tags.c.tag_value,
        *(tags.c[m] for m in metrics),
        tags.c.row_count,
    ).where(*in_range_t)
    whole = select(
        *(day.c[c] for c in _SHARED),
        null().label("tag_value"),
        *(day.c[m] for m in metrics),
        day.c.row_count,
    ).where(*in_range_d)
    untagged = select(
        *(tags.c[c] for c in _SHARED),
        null().label("tag_value"),
        *(-tags.c[m] for m in metrics),
        -tags.c.row_count,
    ).where(*in_range_t)
    u = union_all(tagged, whole, untagged).subquery("tag_rollup")
    wanted = TAG_PREFIX + key

    def dimension(name: str) -> ColumnElement[Any]:
        return u.c.tag_value if name == wanted else u.c[COLUMNS[name]]

    return Relation(
        name="rollup_tags",
        frm=u,
        bounds=lambda s, e: [u.c.day >= s, u.c.day <= e],
        period=_daily_period(u.c.day),
        dimension=dimension,
        metric=lambda m: u.c[m.value],
        currency=u.c.billing_currency,
        account_name=u.c.sub_account_name,
        row_count=u.c.row_count,
    )


# -- the choice ----------------------------------------------------------------------------


def scope_restricts_tags(conn: Connection) -> bool:
    """True when this transaction's scope restricts tag values (rollups cannot honour it)."""
    restricted = conn.execute(
        select(
            and_(
                func.finops.scope_setting().is_not(None),
                func.coalesce(func.finops.scope_any_tag(), false()).is_(false()),
            )
        )
    ).scalar_one()
    return bool(restricted)


def rollups_enabled() -> bool:
    """``FINOPS_DASHBOARD_ROLLUPS`` (default true): false answers everything from ``costs``."""
    return get_settings().dashboard_rollups


def _whole_months(start: date, end: date) -> bool:
    return start.day == 1 and (end + timedelta(days=1)).day == 1


def choose_relation(conn: Connection, query: CostQuery) -> Relation:
    """The cheapest relation that holds ``query`` exactly (see the module's docstring)."""
    dims = {*query.group_by, *query.filters}
    keys = {k for k in (tag_key(d) for d in dims) if k is not None}
    if len(keys) > 1 or not rollups_enabled() or scope_restricts_tags(conn):
        return costs_relation()
    if keys:
        return tag_relation(keys.pop(), query)
    if query.granularity == Granularity.monthly and _whole_months(query.start, query.end):
        return monthly_relation()
    if dims <= SERVICE_DIMENSIONS:
        return service_relation()
    return daily_relation()
