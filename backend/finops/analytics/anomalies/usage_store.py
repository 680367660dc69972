"""Reading what usage anomaly detection needs (metric points on a regular grid, the resources
behind the series, the services they are billed under, the cost anomalies) and writing
``usage_incidents`` (described in ``finops.warehouse.tables``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import Connection, and_, delete, func, select, tuple_
from sqlalchemy.dialects.postgresql import insert

from finops.analytics.anomalies.model import FloatArray
from finops.analytics.anomalies.usage import CostAnomalyRef
from finops.warehouse.tables import (
    anomaly_incidents,
    costs,
    metric_points,
    metric_series,
    resources,
    usage_incidents,
)

USAGE_STATS = ("Average", "Sum")
"""The statistics watched: a metric's level (its average, or its sum per period for counts and
bytes); its maximum and minimum move with it and would only repeat its incidents."""


@dataclass(slots=True)
class UsageSeries:
    """One metric series on the grid ``start + k * step`` (NaN: no point in that step)."""

    series_id: int
    account_id: str
    region: str
    namespace: str
    metric_name: str
    stat: str
    unit: str | None
    metric_resource_id: str
    start: datetime
    step: timedelta
    values: FloatArray

    def at(self, index: int) -> datetime:
        return self.start + index * self.step


@dataclass(frozen=True, slots=True)
class ResourceInfo:
    resource_id: str
    resource_type: str | None
    ids: frozenset[str]  # every id its cost rows may carry (resource id, ARN, metric id)


def load_usage_series(
    conn: Connection,
    *,
    start: datetime,
    end: datetime,
    step: timedelta,
    metrics: Sequence[str] = (),
) -> list[UsageSeries]:
    """Every series of a watched statistic with points in ``[start, end)``, averaged per
    ``step`` (``metrics``: only those metric names)."""
    p, s = metric_points.c, metric_series.c
    seconds = step.total_seconds()
    bucket = func.floor((func.extract("epoch", p.ts) - start.timestamp()) / seconds)
    watched = select(s.series_id).where(s.stat.in_(USAGE_STATS))
    if metrics:
        watched = watched.where(s.metric_name.in_(list(metrics)))
    query = (
        select(p.series_id, bucket.label("k"), func.avg(p.value).label("v"))
        .where(p.ts >= start, p.ts < end, p.series_id.in_(watched))
        .group_by(p.series_id, bucket)
    )
    n = int((end - start) / step)
    grids: dict[int, FloatArray] = {}
    for series_id, k, v in conn.execute(query):
        grid = grids.setdefault(int(series_id), np.full(n, np.nan))
        grid[int(k)] = float(v)
    if not grids:
        return []
    rows = conn.execute(
        select(metric_series).where(s.series_id.in_(sorted(grids))).order_by(s.series_id)
    )
    return [
        UsageSeries(
            series_id=int(r.series_id),
            account_id=r.account_id,
            region=r.region,
            namespace=r.namespace,
            metric_name=r.metric_name,
            stat=r.stat,
            unit=r.unit,
            metric_resource_id=r.resource_id,
            start=start,
            step=step,
            values=grids[int(r.series_id)],
        )
        for r in rows
    ]


def resource_info(
    conn: Connection, keys: set[tuple[str, str]]
) -> dict[tuple[str, str], ResourceInfo]:
    """(account, metric resource id) -> the inventory resource behind a series."""
    if not keys:
        return {}
    r = resources.c
    metric_id = func.coalesce(r.metric_resource_id, r.resource_id)
    rows = conn.execute(
        select(r.account_id, metric_id, r.resource_id, r.resource_type, r.arn)
        .where(tuple_(r.account_id, metric_id).in_(sorted(keys)))
        .order_by(r.account_id, metric_id, r.last_seen.desc())
    )
    found: dict[tuple[str, str], ResourceInfo] = {}
    for account_id, mid, resource_id, resource_type, arn in rows:
        ids = frozenset(i for i in (resource_id, arn, mid) if i)
        found.setdefault((account_id, mid), ResourceInfo(resource_id, resource_type, ids))
    return found


def billed_services(
    conn: Connection, *, ids: set[str], start: date, end: date
) -> dict[str, set[str]]:
    """Resource id -> the services its cost rows in ``[start, end)`` are billed under."""
    if not ids:
        return {}
    c = costs.c
    rows = conn.execute(
        select(c.resource_id, c.service_name)
        .distinct()
        .where(
            c.resource_id.in_(sorted(ids)),
            c.charge_period_start >= start,
            c.charge_period_start < end,
            c.service_name.is_not(None),
        )
    )
    out: dict[str, set[str]] = {}
    for resource_id, service in rows:
        out.setdefault(str(resource_id), set()).add(str(service))
    return out


def cost_anomalies(conn: Connection, *, first: date, last: date) -> list[CostAnomalyRef]:
    """Cost anomaly incidents overlapping ``[first, last]`` (false positives left out)."""
    a = anomaly_incidents.c
    rows = conn.execute(
        select(a.fingerprint, a.scope_kind, a.scope, a.first_day, a.last_day, a.impact,
               a.related_scopes)
        .where(a.last_day >= first, a.first_day <= last, a.status != "false_positive")
        .order_by(a.fingerprint)
    )  # fmt: skip
    return [
        CostAnomalyRef(
            fingerprint=r.fingerprint,
            scope_kind=r.scope_kind,
            scope={str(k): str(v) for k, v in (r.scope or {}).items()},
            first_day=r.first_day,
            last_day=r.last_day,
            impact=float(r.impact),
            related=list(r.related_scopes or []),
        )
        for r in rows
    ]


_MEASURED = (
    "ended_at",
    "points",
    "pattern",
    "peak_value",
    "expected_value",
    "peak_score",
    "cost_anomaly",
    "resource_id",
    "resource_type",
    "last_run_date",
    "run_id",
)


def upsert_usage_incidents(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert new incidents; refresh known ones, keeping the run date that first found them."""
    if not rows:
        return
    statement = insert(usage_incidents).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=[usage_incidents.c.fingerprint],
        set_={name: statement.excluded[name] for name in _MEASURED},
    )
    conn.execute(statement)


def remove_vanished_usage(
    conn: Connection, *, start: datetime, end: datetime, keep: set[str]
) -> int:
    """Delete incidents starting in ``[start, end)`` that this run no longer finds."""
    u = usage_incidents.c
    condition = and_(u.started_at >= start, u.started_at < end)
    if keep:
        condition = and_(condition, u.fingerprint.not_in(sorted(keep)))
    return int(conn.execute(delete(usage_incidents).where(condition)).rowcount or 0)
