"""Replace one (account, region, day) of raw 5-minute points and its daily percentiles.

One transaction: COPY into a temp staging table, register new series, delete the day's points
and daily rows of that (account, region), insert the staged points (duplicates delivered twice by
Firehose collapse to one), and recompute the day's statistics from the raw points in SQL
(``percentile_cont``: linear interpolation, as numpy's default). Reruns give the same rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import psycopg

StageRow = tuple[str, str, str, str, str, str, str | None, str, datetime, float]
# account_id, region, namespace, metric_name, dimensions (JSON text), stat, unit, resource_id,
# ts, value

STAGE_COLUMNS = (
    "account_id, region, namespace, metric_name, dimensions, stat, unit, resource_id, ts, value"
)

_REGISTER_SERIES = """
INSERT INTO finops.metric_series (account_id, region, namespace, metric_name, dimensions, stat,
                                  unit, resource_id)
SELECT DISTINCT ON (namespace, metric_name, dimensions, stat)
       account_id, region, namespace, metric_name, dimensions, stat, unit, resource_id
FROM stage_points
ORDER BY namespace, metric_name, dimensions, stat, unit NULLS LAST
ON CONFLICT (account_id, region, namespace, metric_name, dimensions, stat) DO NOTHING
"""

_INSERT_POINTS = """
INSERT INTO finops.metric_points (series_id, ts, value)
SELECT DISTINCT ON (s.series_id, p.ts) s.series_id, p.ts, p.value
FROM stage_points p
JOIN finops.metric_series s
  ON s.account_id = p.account_id AND s.region = p.region AND s.namespace = p.namespace
 AND s.metric_name = p.metric_name AND s.dimensions = p.dimensions AND s.stat = p.stat
WHERE p.ts >= %(lo)s AND p.ts < %(hi)s
ORDER BY s.series_id, p.ts, p.value DESC
"""

_DAILY = """
INSERT INTO finops.utilization_daily_stats (series_id, day, avg, p50, p95, p99, min, max,
                                            sample_count)
SELECT p.series_id, %(day)s, avg(p.value),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY p.value),
       percentile_cont(0.95) WITHIN GROUP (ORDER BY p.value),
       percentile_cont(0.99) WITHIN GROUP (ORDER BY p.value),
       min(p.value), max(p.value), count(*)
FROM finops.metric_points p
JOIN finops.metric_series s USING (series_id)
WHERE s.account_id = %(account)s AND s.region = %(region)s
  AND p.ts >= %(lo)s AND p.ts < %(hi)s
GROUP BY p.series_id
"""


@dataclass(frozen=True, slots=True)
class DayLoad:
    series: int
    points: int


def day_bounds(day: date) -> tuple[datetime, datetime]:
    lo = datetime.combine(day, time(0), tzinfo=UTC)
    return lo, lo + timedelta(days=1)


def replace_day(
    conn: psycopg.Connection[tuple[object, ...]],
    *,
    account_id: str,
    region: str,
    day: date,
    stage: Callable[[psycopg.Copy], None],
    csv: bool = False,
) -> DayLoad:
    """Swap the (account, region, day) slice for what ``stage`` writes into the COPY stream."""
    lo, hi = day_bounds(day)
    window = {"account": account_id, "region": region, "lo": lo, "hi": hi, "day": day}
    with conn.transaction():
        conn.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))",
            (f"finops.usage:{account_id}:{region}:{day.isoformat()}",),
        )
        conn.execute("SELECT finops.ensure_metric_partition(%s)", (day,))
        conn.execute(
            "CREATE TEMP TABLE stage_points (account_id text, region text, namespace text, "
            "metric_name text, dimensions jsonb, stat text, unit text, resource_id text, "
            "ts timestamptz, value double precision) ON COMMIT DROP"
        )
        options = " WITH (FORMAT csv)" if csv else ""
        with conn.cursor().copy(f"COPY stage_points ({STAGE_COLUMNS}) FROM STDIN{options}") as copy:
            stage(copy)
        conn.execute(
            "DELETE FROM stage_points WHERE account_id <> %s OR region <> %s",
            (account_id, region),
        )
        conn.execute(_REGISTER_SERIES)
        conn.execute(
            "DELETE FROM finops.utilization_daily_stats d USING finops.metric_series s "
            "WHERE d.series_id = s.series_id AND s.account_id = %(account)s "
            "AND s.region = %(region)s AND d.day = %(day)s",
            window,
        )
        conn.execute(
            "DELETE FROM finops.metric_points p USING finops.metric_series s "
            "WHERE p.series_id = s.series_id AND s.account_id = %(account)s "
            "AND s.region = %(region)s AND p.ts >= %(lo)s AND p.ts < %(hi)s",
            window,
        )
        points = conn.execute(_INSERT_POINTS, window).rowcount
        series = conn.execute(_DAILY, window).rowcount
    return DayLoad(series=series, points=points)


def copy_rows(rows: Iterable[StageRow]) -> Callable[[psycopg.Copy], None]:
    def write(copy: psycopg.Copy) -> None:
        for row in rows:
            copy.write_row(row)

    return write


def copy_csv_file(path: str) -> Callable[[psycopg.Copy], None]:
    """Stream a CSV file (``replace_day(..., csv=True)``) into the staging table."""

    def write(copy: psycopg.Copy) -> None:
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                copy.write(chunk)

    return write


def apply_retention(conn: psycopg.Connection[tuple[object, ...]], *, keep_days: int) -> int:
    """Drop raw-point partitions older than ``keep_days`` before the newest day held.

    Relative to the data, never the clock: a backfill of an old month keeps its newest days.
    Returns the number of daily partitions dropped.
    """
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('finops.usage.retention'))")
        row = conn.execute(
            """
            SELECT max(to_date(substr(c.relname, 15), 'YYYY_MM_DD'))
            FROM pg_inherits i
            JOIN pg_class c ON c.oid = i.inhrelid
            JOIN pg_class p ON p.oid = i.inhparent
            JOIN pg_namespace n ON n.oid = p.relnamespace
            WHERE n.nspname = 'finops' AND p.relname = 'metric_points'
            """
        ).fetchone()
        newest = row[0] if row else None
        if not isinstance(newest, date):
            return 0
        cutoff = newest - timedelta(days=keep_days - 1)
        dropped = conn.execute(
            "SELECT finops.drop_metric_partitions_before(%s)", (cutoff,)
        ).fetchone()
    return int(str(dropped[0])) if dropped else 0
