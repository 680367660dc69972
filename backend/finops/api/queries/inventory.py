"""Accounts, resources (the inventory with its cost, utilization, findings and anomalies) and
daily utilization."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Connection,
    Date,
    FromClause,
    ScalarSelect,
    Select,
    Subquery,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB

from finops.analytics.daily_costs import DailyCosts, daily_costs
from finops.warehouse.cost_rows import charge_days
from finops.warehouse.metrics import CostMetric
from finops.warehouse.tables import anomalies, costs, findings, resources, utilization_daily

COST_DAYS = 30
"""The cost column of accounts and resources: the last 30 days of data."""
CPU_DAYS = 14
"""The CPU column of resources: the mean of the daily p95 over the last 14 days of metrics."""
CPU_METRIC = "CPUUtilization"
OPEN_STATUSES = ("new", "open")


def data_end(conn: Connection) -> date | None:
    """The last charge day the caller may see (the end of every "last N days" window): from
    the daily rollup (its index on the day) unless the scope restricts tags."""
    return daily_costs(conn).last_day(conn)


def metric_end(conn: Connection) -> date | None:
    return conn.execute(select(func.max(utilization_daily.c.day))).scalar_one()  # type: ignore[no-any-return]


def _window(end: date | None, days: int) -> tuple[date, date]:
    last = end or date(1970, 1, 1)
    return last - timedelta(days=days - 1), last + timedelta(days=1)


def accounts_query(
    *,
    source: DailyCosts,
    metric: CostMetric,
    end: date | None,
    team_keys: list[str],
    cost_center_keys: list[str],
    account_centers: dict[str, str],
) -> Select[Any]:
    """One row per account of the bill: its name, currency, first and last day, its cost over
    the last 30 days of data and in total, its team and cost center (the value of the team tag
    / cost center tag carrying most of those 30 days' cost, ``team_keys`` / ``cost_center_keys``
    the spellings of the key in use; without such tags, the cost center an allocation rule on
    the account alone gives it, ``account_centers``).

    The figures come from ``source`` (the daily rollup, or ``costs`` when the scope restricts
    tags); the tag values from ``costs`` over the 30 days only (one pass, pruned to their
    months)."""
    start, stop = _window(end, COST_DAYS)
    account = source.c("sub_account_id")
    cost = source.metric(metric)
    in_window = and_(*source.between(start, stop - timedelta(days=1)))
    named = "sub_account_name" in source.table.c
    figures = (
        select(
            account.label("account_id"),
            (func.max(source.c("sub_account_name")) if named else null()).label("account_name"),
            func.min(source.c("billing_currency")).label("currency"),
            func.min(source.day).label("first_day"),
            func.max(source.day).label("last_day"),
            func.coalesce(func.sum(cost).filter(in_window), literal(0)).label("cost_30d"),
            func.coalesce(func.sum(cost), literal(0)).label("cost_total"),
        )
        .where(account.is_not(None))
        .group_by(account)
        .subquery("figures")
    )
    f = figures.c
    frm: FromClause = figures
    if named:
        name: ColumnElement[Any] = f.account_name
    else:  # the coarser relation holds the names (the monthly rollup)
        names = _names(source.coarse)
        frm = frm.outerjoin(names, names.c.account_id == f.account_id)
        name = names.c.name
    by_rule = case(account_centers, value=f.account_id) if account_centers else null()
    tags: list[ColumnElement[Any]] = []
    for keys in (team_keys, cost_center_keys):
        main = _main_tag_values(keys, metric=metric, window=(start, stop))
        if main is None:
            tags.append(null())
        else:
            frm = frm.outerjoin(main, main.c.account_id == f.account_id)
            tags.append(main.c.value)
    return select(
        f.account_id,
        name.label("account_name"),
        f.currency,
        f.first_day,
        f.last_day,
        f.cost_30d,
        f.cost_total,
        tags[0].label("team"),
        func.coalesce(tags[1], by_rule).label("cost_center"),
    ).select_from(frm)


def _main_tag_values(
    keys: list[str], *, metric: CostMetric, window: tuple[date, date]
) -> Subquery | None:
    """Per account, the value of the tag (spelled as one of ``keys``) carrying the largest part
    of its cost in ``window`` (ties: the smaller value); no row for an account none of whose
    cost there has the tag; None without keys."""
    if not keys:
        return None
    c = costs.c
    value = func.coalesce(*(c.tags[k].astext for k in keys), null())
    summed = (
        select(
            c.sub_account_id.label("account_id"),
            value.label("value"),
            func.sum(c[metric.value]).label("cost"),
        )
        .where(
            *charge_days(window[0], window[1] - timedelta(days=1)),
            or_(*(c.tags.has_key(k) for k in keys)),
        )
        .group_by(c.sub_account_id, value)
        .subquery("tagged")
    )
    s = summed.c
    return (
        select(s.account_id, s.value)
        .distinct(s.account_id)
        .order_by(s.account_id, s.cost.desc(), s.value)
        .subquery()
    )


def _names(source: DailyCosts) -> Subquery:
    """Each account's name as the bill spells it (``source``: a relation with
    ``sub_account_name``, the monthly rollup or ``costs``)."""
    account = source.c("sub_account_id")
    return (
        select(account.label("account_id"), func.max(source.c("sub_account_name")).label("name"))
        .group_by(account)
        .subquery("account_names")
    )


def _resource_costs(end: date | None) -> CTE:
    """Billed cost per resource id over the last 30 days of data: one pass over those days'
    partitions (a lookup per inventory row read the whole month once per resource: 1.1 s for
    the demo's 300 resources)."""
    start, stop = _window(end, COST_DAYS)
    c = costs.c
    return (
        select(c.resource_id.label("resource_id"), func.sum(c.billed_cost).label("cost"))
        .where(
            c.resource_id.is_not(None),
            *charge_days(start, stop - timedelta(days=1)),
        )
        .group_by(c.resource_id)
        .cte("resource_costs")
    )


def _resource_figures(
    *, metrics_end: date | None
) -> tuple[ScalarSelect[Any], ScalarSelect[Any], ScalarSelect[Any]]:
    """Per inventory row: its CPU p95, open findings, related anomalies."""
    r = resources.c
    cpu_start, cpu_stop = _window(metrics_end, CPU_DAYS)
    u = utilization_daily.c
    cpu = (
        select(func.avg(u.p95))
        .where(
            u.resource_id == func.coalesce(r.metric_resource_id, r.resource_id),
            u.metric_name == CPU_METRIC,
            u.day >= cpu_start,
            u.day < cpu_stop,
        )
        .scalar_subquery()
    )
    f = findings.c
    open_findings = (
        select(func.count())
        .where(f.resource_id == r.resource_id, f.status.in_(OPEN_STATUSES))
        .scalar_subquery()
    )
    a = anomalies.c
    related = (
        select(func.count())
        .where(
            or_(
                a.scope["resource"].astext == r.resource_id,
                a.root_cause.op("@>")(
                    func.jsonb_build_array(
                        func.jsonb_build_object("dimension", "resource", "value", r.resource_id)
                    )
                ),
            )
        )
        .scalar_subquery()
    )
    return cpu, open_findings, related


def resources_query(
    *,
    source: DailyCosts,
    end: date | None,
    metrics_end: date | None,
    account_id: list[str] | None,
    region_id: list[str] | None,
    resource_type: list[str] | None,
    q: str | None,
) -> Select[Any]:
    """The inventory (``resources``), one row per resource with its account's name, 30-day
    cost (billed), CPU p95, open findings and related anomalies."""
    r = resources.c
    cpu, open_findings, related = _resource_figures(metrics_end=metrics_end)
    names = _names(source.coarse)
    # the cost billed under the resource's id, plus under its ARN when that differs
    window = _resource_costs(end)
    by_id, by_arn = window.alias("cost_by_id"), window.alias("cost_by_arn")
    query = select(
        r.resource_id,
        r.resource_type,
        r.name,
        r.account_id,
        names.c.name.label("account_name"),
        r.region.label("region_id"),
        r.state,
        r.is_terminated,
        r.first_seen,
        r.last_seen,
        cast(func.coalesce(r.tags, cast(literal("{}"), JSONB)), JSONB).label("tags"),
        (func.coalesce(by_id.c.cost, literal(0)) + func.coalesce(by_arn.c.cost, literal(0))).label(
            "cost_30d"
        ),
        cpu.label("cpu_p95_14d"),
        open_findings.label("open_findings"),
        related.label("anomalies"),
    ).select_from(
        resources.outerjoin(names, names.c.account_id == r.account_id)
        .outerjoin(by_id, by_id.c.resource_id == r.resource_id)
        .outerjoin(
            by_arn, and_(by_arn.c.resource_id == r.arn, r.arn.is_distinct_from(r.resource_id))
        )
    )
    if account_id:
        query = query.where(r.account_id.in_(account_id))
    if region_id:
        query = query.where(r.region.in_(region_id))
    if resource_type:
        query = query.where(r.resource_type.in_(resource_type))
    if q:
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(or_(r.resource_id.ilike(pattern), r.name.ilike(pattern)))
    return query


def resource_row(conn: Connection, resource_id: str) -> Any:
    """The inventory row of ``resource_id`` (its last observation), or None."""
    return conn.execute(
        select(resources)
        .where(resources.c.resource_id == resource_id)
        .order_by(resources.c.last_seen.desc())
        .limit(1)
    ).first()


def resource_daily_cost(
    conn: Connection, *, ids: list[str], end: date | None, days: int = COST_DAYS
) -> list[Any]:
    c = costs.c
    start, stop = _window(end, days)
    day = cast(c.charge_period_start, Date).label("day")
    return list(
        conn.execute(
            select(day, func.sum(c.billed_cost).label("cost"))
            .where(
                c.resource_id.in_(ids), c.charge_period_start >= start,
                c.charge_period_start < stop,
            )
            .group_by(day)
            .order_by(day)
        )
    )  # fmt: skip


def usage_query(
    *,
    start: date | None,
    end: date | None,
    resource_id: list[str] | None,
    account_id: list[str] | None,
    metric_name: list[str] | None,
) -> Select[Any]:
    """Daily utilization statistics per resource and metric (``utilization_daily``)."""
    u = utilization_daily.c
    query = select(
        u.day, u.account_id, u.region.label("region_id"), u.resource_id, u.namespace,
        u.metric_name, u.stat, u.unit, u.avg, u.p50, u.p95, u.p99, u.min, u.max,
        u.sample_count,
    )  # fmt: skip
    if start is not None:
        query = query.where(u.day >= start)
    if end is not None:
        query = query.where(u.day <= end)
    if resource_id:
        query = query.where(u.resource_id.in_(resource_id))
    if account_id:
        query = query.where(u.account_id.in_(account_id))
    if metric_name:
        query = query.where(u.metric_name.in_(metric_name))
    return query
