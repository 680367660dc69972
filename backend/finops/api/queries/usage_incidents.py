"""Usage incidents (``usage_incidents``, written by ``finops run usage-anomalies``): the
filtered list, the incidents joined to one cost anomaly, and the hourly points around one."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, select

from finops.warehouse.tables import metric_points, usage_incidents

SPARK_PAD = timedelta(days=1)
"""How much of the metric the sparkline shows before and after an incident."""


def usage_where(
    *,
    account_id: list[str] | None,
    resource_id: str | None,
    metric_name: list[str] | None,
    explains: bool | None,
    start: date | None,
    end: date | None,
) -> list[ColumnElement[bool]]:
    u = usage_incidents.c
    clauses: list[ColumnElement[bool]] = []
    if account_id:
        clauses.append(u.account_id.in_(account_id))
    if resource_id is not None:
        clauses.append(u.resource_id == resource_id)
    if metric_name:
        clauses.append(u.metric_name.in_(metric_name))
    if explains is not None:
        clauses.append(u.cost_anomaly.is_not(None) if explains else u.cost_anomaly.is_(None))
    if start is not None:
        clauses.append(u.ended_at > start)
    if end is not None:
        clauses.append(u.started_at < end + timedelta(days=1))
    return clauses


def usage_page(
    conn: Connection, *, where: list[ColumnElement[bool]], limit: int, offset: int
) -> tuple[int, list[Any]]:
    """(matching count, one page of incidents, newest first)."""
    u = usage_incidents.c
    count = conn.execute(select(func.count()).select_from(usage_incidents).where(*where))
    rows = conn.execute(
        select(usage_incidents, u.region.label("region_id"))
        .where(*where)
        .order_by(u.started_at.desc(), u.fingerprint)
        .limit(limit)
        .offset(offset)
    ).all()
    return int(count.scalar_one()), list(rows)


def explaining(conn: Connection, fingerprint: str) -> list[Any]:
    """The usage incidents joined to the cost anomaly ``fingerprint``, oldest first."""
    u = usage_incidents.c
    return list(
        conn.execute(
            select(usage_incidents, u.region.label("region_id"))
            .where(u.cost_anomaly == fingerprint)
            .order_by(u.started_at, u.fingerprint)
        ).all()
    )


def hourly_points(conn: Connection, incident: Any) -> list[Any]:
    """The incident's metric averaged per hour, from a day before it to a day after."""
    p = metric_points.c
    hour = func.date_trunc("hour", p.ts)
    return list(
        conn.execute(
            select(hour.label("ts"), func.avg(p.value).label("value"))
            .where(
                p.series_id == incident.series_id,
                p.ts >= incident.started_at - SPARK_PAD,
                p.ts < incident.ended_at + SPARK_PAD,
            )
            .group_by(hour)
            .order_by(hour)
        ).all()
    )
