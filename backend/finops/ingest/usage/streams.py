"""CloudWatch Metric Streams exports, as Firehose delivers them to S3: JSON lines (optionally
gzip) under ``YYYY/MM/DD/HH/`` folders named by delivery hour, each line one metric period::

    {"metric_stream_name": …, "account_id": …, "region": …, "namespace": …, "metric_name": …,
     "dimensions": {…}, "timestamp": <ms>, "value": {"max", "min", "sum", "count"}, "unit": …}

DuckDB reads the files of one UTC day (plus the neighbouring delivery hours: a period is
delivered up to a few minutes after it ends) and turns each line into the catalog's statistics;
the rows of each (account, region) are written to a CSV the loader COPYs.
"""

from __future__ import annotations

import gzip
import json
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb

from finops.errors import IngestError
from finops.ingest.usage.catalog import CATALOG

_HOUR_DIR = re.compile(r"(?:^|/)(\d{4})/(\d{2})/(\d{2})/(\d{2})/[^/]+$")
_LAG = timedelta(hours=2)  # delivery lag tolerated after a day ends

_COLUMNS = (
    "{account_id: 'VARCHAR', region: 'VARCHAR', namespace: 'VARCHAR', metric_name: 'VARCHAR', "
    "dimensions: 'JSON', timestamp: 'BIGINT', "
    "value: 'STRUCT(max DOUBLE, min DOUBLE, sum DOUBLE, count DOUBLE)', unit: 'VARCHAR'}"
)


@dataclass(frozen=True, slots=True)
class StreamFile:
    path: Path
    hour: datetime | None  # delivery hour from the folder, None when the layout has none


_RECORD_KEYS = frozenset(("namespace", "metric_name", "timestamp", "value"))


def is_metric_streams_file(path: Path) -> bool:
    """True when the file's first line is a Metric Streams record (JSON lines, gzip or not).

    A folder of exports may hold other JSON: a CUR manifest, AWS Config snapshots. Only Metric
    Streams objects are read; a file that starts as one but breaks later still fails loudly.
    """
    try:
        with path.open("rb") as raw:
            head = raw.read(2)
        opener = gzip.open if head == b"\x1f\x8b" else open
        with opener(path, "rb") as stream:
            first = stream.readline(1 << 16)
    except (OSError, EOFError, zlib.error):
        return False
    try:
        record = json.loads(first)
    except ValueError:
        return False
    return isinstance(record, dict) and record.keys() >= _RECORD_KEYS


def discover(root: Path) -> list[StreamFile]:
    if not root.exists():
        raise IngestError(f"{root}: no such folder of CloudWatch Metric Streams files")
    files: list[StreamFile] = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if path.name.startswith(".") or path.suffix not in ("", ".gz", ".json", ".jsonl"):
            continue
        if not is_metric_streams_file(path):
            continue
        match = _HOUR_DIR.search(path.relative_to(root).as_posix())
        hour = None
        if match:
            y, m, d, h = (int(g) for g in match.groups())
            hour = datetime(y, m, d, h, tzinfo=UTC)
        files.append(StreamFile(path, hour))
    return files


def days_of(files: Sequence[StreamFile]) -> list[date]:
    """The UTC days the files were delivered on (a cheap upper bound of the days they hold)."""
    return sorted({f.hour.date() for f in files if f.hour is not None})


def files_for(files: Sequence[StreamFile], day: date) -> list[Path]:
    lo = datetime(day.year, day.month, day.day, tzinfo=UTC) - timedelta(hours=1)
    hi = lo + timedelta(days=1, hours=1) + _LAG
    return [f.path for f in files if f.hour is None or lo <= f.hour < hi]


class MetricStreamReader:
    """One DuckDB connection turning stream lines into (account, region, day) point files."""

    def __init__(self, *, work_dir: Path, threads: int = 2, memory_limit: str = "1GB") -> None:
        self.work_dir = work_dir
        self.con = duckdb.connect()
        self.con.execute("SET TimeZone = 'UTC'")
        self.con.execute(f"SET threads = {int(threads)}")
        self.con.execute("SET memory_limit = ?", [memory_limit])
        self.con.execute(
            "CREATE TABLE catalog (namespace VARCHAR, metric_name VARCHAR, stat VARCHAR, "
            "resource_dimension VARCHAR, unit VARCHAR, exact BOOLEAN)"
        )
        self.con.executemany(
            "INSERT INTO catalog VALUES (?, ?, ?, ?, ?, ?)",
            [
                (m.namespace, m.metric_name, stat, m.resource_dimension, m.unit, m.exact)
                for m in CATALOG
                for stat in m.stats
            ],
        )

    def close(self) -> None:
        self.con.close()

    def load_day(self, paths: Sequence[Path], day: date) -> list[tuple[str, str, int]]:
        """Read ``paths`` and keep the points of ``day``; returns (account, region, lines)."""
        self.con.execute("DROP TABLE IF EXISTS points")
        if not paths:
            return []
        lo = datetime(day.year, day.month, day.day, tzinfo=UTC)
        try:
            self.con.execute(
                f"""
                CREATE TABLE points AS
                WITH lines AS (
                  SELECT * FROM read_json(?, format = 'newline_delimited',
                                          compression = 'auto_detect', columns = {_COLUMNS})
                  WHERE timestamp >= ? AND timestamp < ?
                )
                SELECT l.account_id, l.region, l.namespace, l.metric_name,
                       l.dimensions::VARCHAR AS dimensions, c.stat, c.unit,
                       json_extract_string(l.dimensions, '$.' || c.resource_dimension)
                         AS resource_id,
                       epoch_ms(l.timestamp) AS ts,
                       CASE c.stat
                         WHEN 'Average' THEN l.value.sum / l.value.count
                         WHEN 'Maximum' THEN l.value.max
                         WHEN 'Minimum' THEN l.value.min
                         WHEN 'Sum' THEN l.value.sum
                         WHEN 'SampleCount' THEN l.value.count
                       END AS value
                FROM lines l
                JOIN catalog c USING (namespace, metric_name)
                WHERE json_extract_string(l.dimensions, '$.' || c.resource_dimension)
                        IS NOT NULL
                  AND (NOT c.exact OR json_array_length(json_keys(l.dimensions)) = 1)
                  AND l.value.count > 0
                """,
                [
                    [str(p) for p in paths],
                    int(lo.timestamp() * 1000),
                    int((lo + timedelta(days=1)).timestamp() * 1000),
                ],
            )
        except duckdb.Error as exc:
            raise IngestError(
                f"Metric Streams files for {day} ({paths[0]} … {len(paths)} files) "
                f"could not be read: {exc}"
            ) from exc
        rows = self.con.execute(
            "SELECT account_id, region, count(*) FROM points GROUP BY 1, 2 ORDER BY 1, 2"
        ).fetchall()
        return [(str(a), str(r), int(n)) for a, r, n in rows]

    def export(self, account_id: str, region: str) -> Path:
        """The points of (account, region) of the loaded day as a CSV for COPY."""
        path = self.work_dir / f"points-{account_id}-{region}.csv"
        self.con.execute(
            f"""
            COPY (SELECT account_id, region, namespace, metric_name, dimensions, stat, unit,
                         resource_id, strftime(ts, '%Y-%m-%dT%H:%M:%SZ') AS ts, value
                  FROM points WHERE account_id = ? AND region = ?)
            TO '{_quote(path)}' (FORMAT csv, HEADER false)
            """,
            [account_id, region],
        )
        return path


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")
