"""What the optimization rules read from the warehouse: inventory as of a day, utilization
statistics over a window, on-demand rates and running hours from the bill.

All SQL is parameterised (SQLAlchemy ``text`` with bound values); windows are half-open UTC
day ranges ``[start, end)``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, text

from finops.errors import FinOpsError


@dataclass(frozen=True, slots=True)
class InventoryItem:
    account_id: str
    region: str
    resource_type: str
    resource_id: str
    arn: str | None
    name: str | None
    state: str | None
    created_at: datetime | None
    first_seen: date
    configuration: dict[str, Any]
    tags: dict[str, str]

    @property
    def billing_ids(self) -> tuple[str, ...]:
        """Ids the bill may use for this resource (the id and the ARN)."""
        return tuple(dict.fromkeys(i for i in (self.resource_id, self.arn) if i))


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


_INVENTORY = text(
    """
    WITH scans AS (
      SELECT account_id, region, resource_type, max(observed_on) AS scan_day
      FROM finops.inventory_scans
      WHERE observed_on <= :as_of AND resource_type = ANY(:types)
      GROUP BY account_id, region, resource_type
    ), latest AS (
      SELECT DISTINCT ON (h.account_id, h.region, h.resource_type, h.resource_id) h.*
      FROM finops.resource_history h
      WHERE h.observed_on <= :as_of AND h.resource_type = ANY(:types)
      ORDER BY h.account_id, h.region, h.resource_type, h.resource_id, h.observed_on DESC
    ), firsts AS (
      SELECT account_id, region, resource_type, resource_id, min(observed_on) AS first_seen
      FROM finops.resource_observations
      WHERE observed_on <= :as_of AND resource_type = ANY(:types)
      GROUP BY account_id, region, resource_type, resource_id
    )
    SELECT l.account_id, l.region, l.resource_type, l.resource_id, l.arn, l.name, l.state,
           l.created_at, f.first_seen, l.configuration, l.tags
    FROM latest l
    JOIN scans s USING (account_id, region, resource_type)
    JOIN firsts f USING (account_id, region, resource_type, resource_id)
    WHERE l.observed_on = s.scan_day AND NOT l.deleted
      AND coalesce(l.state, '') NOT IN ('terminated', 'deleted', 'shutting-down')
    ORDER BY l.resource_type, l.account_id, l.region, l.resource_id
    """
)


def inventory_as_of(conn: Connection, *, as_of: date, types: Sequence[str]) -> list[InventoryItem]:
    """Resources of ``types`` in the latest inventory listing on or before ``as_of``."""
    rows = conn.execute(_INVENTORY, {"as_of": as_of, "types": list(types)}).mappings()
    return [
        InventoryItem(
            account_id=r["account_id"],
            region=r["region"],
            resource_type=r["resource_type"],
            resource_id=r["resource_id"],
            arn=r["arn"],
            name=r["name"],
            state=r["state"],
            created_at=r["created_at"],
            first_seen=r["first_seen"],
            configuration=_json(r["configuration"]) or {},
            tags={str(k): str(v) for k, v in (_json(r["tags"]) or {}).items()},
        )
        for r in rows
    ]


_FIRST_STATE_AFTER = text(
    """
    SELECT o.resource_id, min(o.observed_on) AS first_day
    FROM finops.resource_observations o
    LEFT JOIN unnest(CAST(:ids AS text[]), CAST(:afters AS date[])) AS a(resource_id, after)
      USING (resource_id)
    WHERE o.resource_type = :type AND o.observed_on <= :as_of AND o.state = ANY(:states)
      AND o.resource_id = ANY(:ids) AND (a.after IS NULL OR o.observed_on > a.after)
    GROUP BY o.resource_id
    """
)


def in_state_since(
    conn: Connection, *, resource_type: str, ids: Sequence[str], states: Sequence[str], as_of: date
) -> dict[str, date]:
    """For each resource, the first observation day of its current run of ``states``: the first
    day observed in one of them after the last day observed in any other state."""
    if not ids:
        return {}
    others = conn.execute(
        text(
            """
            SELECT resource_id, max(observed_on) AS last_day
            FROM finops.resource_observations
            WHERE resource_type = :type AND observed_on <= :as_of
              AND NOT (coalesce(state, '') = ANY(:states)) AND resource_id = ANY(:ids)
            GROUP BY resource_id
            """
        ),
        {"type": resource_type, "as_of": as_of, "states": list(states), "ids": list(ids)},
    ).all()
    last_other = {r.resource_id: r.last_day for r in others}
    id_list = list(ids)
    rows = conn.execute(
        _FIRST_STATE_AFTER,
        {
            "type": resource_type,
            "as_of": as_of,
            "states": list(states),
            "ids": id_list,
            "afters": [last_other.get(i) for i in id_list],
        },
    ).all()
    return {r.resource_id: r.first_day for r in rows}


@dataclass(frozen=True, slots=True)
class MetricStats:
    percentile: float
    maximum: float
    points: int
    from_daily: bool = False
    """Part of the window is older than the raw points kept (15 days): for those days the
    daily percentile at or above the one asked for stands in, an upper bound of the window's
    percentile (rightsizing then recommends no smaller than the raw points alone would)."""

    @property
    def hours(self) -> float:
        return self.points / 12.0  # 5-minute points


_POINT_PERCENTILES = text(
    """
    WITH raw AS (
      SELECT s.series_id, s.resource_id, s.namespace, s.metric_name, s.stat,
             percentile_cont(:fraction) WITHIN GROUP (ORDER BY p.value) AS pct,
             max(p.value) AS mx, count(*) AS n,
             min(p.ts AT TIME ZONE 'UTC')::date AS first_day
      FROM finops.metric_series s
      JOIN finops.metric_points p USING (series_id)
      WHERE p.ts >= :start AND p.ts < :end
        AND s.namespace = ANY(:namespaces) AND s.metric_name = ANY(:metrics)
        AND s.stat = ANY(:stats)
      GROUP BY s.series_id, s.resource_id, s.namespace, s.metric_name, s.stat
    ),
    -- days of the window older than the raw points kept: their daily percentile at or above
    -- the one asked for (p95, p99, else the maximum) bounds the window's from above
    older AS (
      SELECT d.series_id,
             max(CASE WHEN :fraction <= 0.95 THEN d.p95
                      WHEN :fraction <= 0.99 THEN d.p99 ELSE d.max END) AS pct,
             max(d.max) AS mx, sum(d.sample_count) AS n
      FROM finops.utilization_daily_stats d
      JOIN raw r USING (series_id)
      WHERE d.day >= CAST(:start AS date) AND d.day < r.first_day
      GROUP BY d.series_id
    )
    SELECT r.resource_id, r.namespace, r.metric_name, r.stat,
           GREATEST(r.pct, o.pct) AS pct, GREATEST(r.mx, o.mx) AS mx,
           r.n + COALESCE(o.n, 0) AS n, o.n IS NOT NULL AS from_daily
    FROM raw r LEFT JOIN older o USING (series_id)
    """
)

MetricKey = tuple[str, str, str, str]  # resource_id, namespace, metric_name, stat


def _series_window(
    start: date,
    end: date,
    namespaces: Sequence[str],
    metrics: Sequence[str],
    stats: Sequence[str],
) -> dict[str, Any]:
    """The bind parameters selecting the metric series of a window (both statistics queries)."""
    return {
        "start": start,
        "end": end,
        "namespaces": list(namespaces),
        "metrics": list(metrics),
        "stats": list(stats),
    }


def point_percentiles(
    conn: Connection,
    *,
    start: date,
    end: date,
    percentile: float,
    namespaces: Sequence[str],
    metrics: Sequence[str],
    stats: Sequence[str],
) -> dict[MetricKey, MetricStats]:
    """Percentile, maximum and count of the 5-minute points per series in the window; days older
    than the raw points kept contribute their daily statistics (see ``MetricStats``)."""
    rows = conn.execute(
        _POINT_PERCENTILES,
        {
            "fraction": percentile / 100.0,
            **_series_window(start, end, namespaces, metrics, stats),
        },
    ).all()
    return {
        (r.resource_id, r.namespace, r.metric_name, r.stat): MetricStats(
            float(r.pct), float(r.mx), int(r.n), bool(r.from_daily)
        )
        for r in rows
    }


@dataclass(frozen=True, slots=True)
class DailyStats:
    maximum: float
    mean: float  # sample-weighted mean of the 5-minute values
    total: float  # sum of all 5-minute values
    points: int
    days: int

    @property
    def hours(self) -> float:
        return self.points / 12.0


_DAILY = text(
    """
    SELECT resource_id, namespace, metric_name, stat, max(max) AS mx,
           sum(avg * sample_count) AS total, sum(sample_count) AS n, count(DISTINCT day) AS days
    FROM finops.utilization_daily
    WHERE day >= :start AND day < :end
      AND namespace = ANY(:namespaces) AND metric_name = ANY(:metrics) AND stat = ANY(:stats)
    GROUP BY resource_id, namespace, metric_name, stat
    """
)


def daily_stats(
    conn: Connection,
    *,
    start: date,
    end: date,
    namespaces: Sequence[str],
    metrics: Sequence[str],
    stats: Sequence[str],
) -> dict[MetricKey, DailyStats]:
    """Maximum, mean and sum per series over the days of the window (``utilization_daily``)."""
    rows = conn.execute(_DAILY, _series_window(start, end, namespaces, metrics, stats)).all()
    out: dict[MetricKey, DailyStats] = {}
    for r in rows:
        n = int(r.n)
        total = float(r.total)
        out[(r.resource_id, r.namespace, r.metric_name, r.stat)] = DailyStats(
            maximum=float(r.mx), mean=total / n if n else 0.0, total=total, points=n, days=r.days
        )
    return out


@dataclass(frozen=True, slots=True)
class UsageLine:
    """A resource's billed usage of one usage type over a window (from ``costs``)."""

    resource_id: str
    usage_type: str  # without the region prefix (BoxUsage:m5.large, EBS:VolumeUsage.gp2)
    region: str
    list_unit_price: Decimal
    quantity: Decimal
    list_cost: Decimal
    effective_cost: Decimal
    first_day: date
    last_day: date


_USAGE = text(
    """
    SELECT resource_id, x_usage_type, region_id,
           max(list_unit_price) FILTER (WHERE list_unit_price > 0) AS rate,
           sum(consumed_quantity) FILTER (WHERE x_line_item_type <> 'SavingsPlanNegation') AS qty,
           sum(list_cost) AS list_cost, sum(effective_cost) AS effective_cost,
           min(charge_period_start)::date AS first_day, max(charge_period_start)::date AS last_day
    FROM finops.costs
    WHERE charge_period_start >= :start AND charge_period_start < :end
      AND resource_id = ANY(:ids) AND charge_category = 'Usage'
    GROUP BY resource_id, x_usage_type, region_id
    """
)


def strip_region_prefix(usage_type: str) -> str:
    """``EU-BoxUsage:m5.large`` → ``BoxUsage:m5.large`` (us-east-1 has no prefix)."""
    head, sep, rest = usage_type.partition("-")
    if sep and head.isupper() and head.isalnum() and ":" not in head:
        return rest
    return usage_type


def usage_lines(
    conn: Connection, *, start: date, end: date, ids: Sequence[str]
) -> dict[str, list[UsageLine]]:
    """Billed usage per resource id (as billed) and usage type in the window."""
    if not ids:
        return {}
    rows = conn.execute(_USAGE, {"start": start, "end": end, "ids": list(ids)}).all()
    out: dict[str, list[UsageLine]] = {}
    for r in rows:
        if r.rate is None:
            continue
        out.setdefault(r.resource_id, []).append(
            UsageLine(
                resource_id=r.resource_id,
                usage_type=strip_region_prefix(r.x_usage_type or ""),
                region=r.region_id or "",
                list_unit_price=Decimal(r.rate),
                quantity=Decimal(r.qty or 0),
                list_cost=Decimal(r.list_cost or 0),
                effective_cost=Decimal(r.effective_cost or 0),
                first_day=r.first_day,
                last_day=r.last_day,
            )
        )
    for lines in out.values():
        lines.sort(key=lambda u: (u.usage_type, u.region))
    return out


_RATES = text(
    """
    SELECT DISTINCT ON (region_id, x_usage_type) region_id, x_usage_type, list_unit_price
    FROM finops.costs
    WHERE charge_period_start >= :start AND charge_period_start < :end
      AND list_unit_price > 0 AND charge_category = 'Usage' AND x_usage_type IS NOT NULL
      AND region_id IS NOT NULL
    ORDER BY region_id, x_usage_type, charge_period_start DESC, list_unit_price DESC
    """
)


def public_rates(conn: Connection, *, start: date, end: date) -> dict[tuple[str, str], Decimal]:
    """The public on-demand rate the bill shows per (region, usage type without prefix)."""
    rows = conn.execute(_RATES, {"start": start, "end": end}).all()
    return {
        (r.region_id, strip_region_prefix(r.x_usage_type)): Decimal(r.list_unit_price) for r in rows
    }


def latest_charge_day(conn: Connection) -> date:
    """The latest charge day in the bill: the default run date of every job (never the clock)."""
    day = conn.execute(
        text("SELECT max(charge_period_start)::date FROM finops.costs")
    ).scalar_one_or_none()
    if day is None:
        raise FinOpsError("the warehouse holds no billing data yet: run `finops ingest billing`")
    return day  # type: ignore[no-any-return]


def billing_currency(conn: Connection, *, as_of: date) -> str:
    currency = conn.execute(
        text(
            "SELECT billing_currency FROM finops.costs WHERE charge_period_start <= :as_of "
            "ORDER BY charge_period_start DESC LIMIT 1"
        ),
        {"as_of": as_of},
    ).scalar_one_or_none()
    return str(currency or "USD")
