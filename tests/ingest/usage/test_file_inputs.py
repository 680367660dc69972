"""File inputs: AWS Config snapshots → resources, Metric Streams files → raw points and daily
percentiles. Checked against the generator's files and ground truth, and against numpy."""

from __future__ import annotations

import gzip
import json
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from finops.config import Settings
from finops.errors import IngestError
from finops.generator import GenerateResult
from finops.ingest.inventory import Scope, ingest_inventory
from finops.ingest.usage import ingest_usage
from finops.ingest.usage.catalog import BY_METRIC, stat_from_set
from tests.ingest.usage.conftest import METRIC_DAYS, checksum, rows

UTILIZATION = "SELECT * FROM utilization_daily"
POINTS = (
    "SELECT s.account_id, s.region, s.namespace, s.metric_name, s.dimensions, s.stat, p.ts, "
    "p.value FROM finops.metric_points p JOIN finops.metric_series s USING (series_id)"
)
RESOURCES = "SELECT * FROM resources"


def _snapshot_items(config_dir: Path) -> dict[tuple[str, str], dict[date, list[dict[str, Any]]]]:
    by_scope: dict[tuple[str, str], dict[date, list[dict[str, Any]]]] = {}
    for path in config_dir.rglob("*.json.gz"):
        parts = path.relative_to(config_dir).parts  # AWSLogs/acct/Config/region/Y/M/D/...
        day = date(int(parts[4]), int(parts[5]), int(parts[6]))
        items = json.loads(gzip.decompress(path.read_bytes()))["configurationItems"]
        by_scope.setdefault((parts[1], parts[3]), {})[day] = items
    return by_scope


def test_config_snapshots_fill_resources_with_history(
    fresh_settings: Settings, config_dir: Path, estate: GenerateResult
) -> None:
    result = ingest_inventory(str(config_dir), settings=fresh_settings)
    assert result.status == "succeeded" and len(result.outcomes) > 10

    expected: dict[str, tuple[date, date, date | None, dict[str, str]]] = {}
    for snapshots in _snapshot_items(config_dir).values():
        days = sorted(snapshots)
        seen: dict[str, list[tuple[date, dict[str, Any]]]] = {}
        for day in days:
            for item in snapshots[day]:
                seen.setdefault(item["resourceId"], []).append((day, item))
        for rid, history in seen.items():
            last_day, last = history[-1]
            later = [d for d in days if d > last_day]
            if last["configurationItemStatus"] == "ResourceDeleted":
                terminated: date | None = last_day
            else:
                terminated = later[0] if later else None
            expected[rid] = (history[0][0], last_day, terminated, last["tags"])

    got = {
        str(r[0]): r[1:]
        for r in rows(
            fresh_settings,
            "SELECT resource_id, first_seen, last_seen, terminated_on, tags FROM resources",
        )
    }
    assert got == expected
    terminated = [rid for rid, e in expected.items() if e[2] is not None]
    assert terminated, "the estate terminates resources during the month"
    states = dict(
        rows(fresh_settings, "SELECT resource_id, state FROM resources WHERE is_terminated")
    )
    assert set(states) == set(terminated) and set(states.values()) == {"terminated"}

    truth = json.loads(estate.ground_truth_path.read_text())["situations"]
    current = dict(
        rows(fresh_settings, "SELECT resource_id, state FROM resources WHERE NOT is_terminated")
    )
    for kind, state in (("unattached_volume", "available"), ("unassociated_eip", "unassociated")):
        planted = [s["resource_id"] for s in truth if s["kind"] == kind and s["end"] is None]
        assert planted and all(current[rid] == state for rid in planted), kind
    instance = rows(
        fresh_settings,
        "SELECT configuration->>'instanceType', configuration->'placement'->>'availabilityZone' "
        "FROM resources WHERE resource_type = 'AWS::EC2::Instance' LIMIT 1",
    )
    assert instance and str(instance[0][0]).count(".") == 1


def test_inventory_rerun_changes_nothing(fresh_settings: Settings, config_dir: Path) -> None:
    ingest_inventory(str(config_dir), settings=fresh_settings)
    first = (
        checksum(fresh_settings, RESOURCES),
        checksum(fresh_settings, "SELECT * FROM resource_history"),
    )
    # A rerun, and a rerun of the first day alone (out of order), leave every row as it was.
    ingest_inventory(str(config_dir), settings=fresh_settings)
    ingest_inventory(
        str(config_dir),
        scope=Scope(start=date(2026, 9, 1), end=date(2026, 9, 2)),
        settings=fresh_settings,
    )
    again = (
        checksum(fresh_settings, RESOURCES),
        checksum(fresh_settings, "SELECT * FROM resource_history"),
    )
    assert again == first


def _expected_points(streams_dir: Path, day: date) -> dict[tuple[object, ...], float]:
    """Every catalog statistic of ``day`` straight from the JSON lines, without DuckDB."""
    lo = datetime(day.year, day.month, day.day, tzinfo=UTC)
    points: dict[tuple[object, ...], float] = {}
    for hour in range(-1, 27):
        moment = lo + timedelta(hours=hour)
        for path in (streams_dir / f"{moment:%Y/%m/%d/%H}").glob("*.gz"):
            for line in gzip.decompress(path.read_bytes()).splitlines():
                r = json.loads(line)
                ts = datetime.fromtimestamp(r["timestamp"] / 1000, UTC)
                spec = BY_METRIC.get((r["namespace"], r["metric_name"]))
                if spec is None or not (lo <= ts < lo + timedelta(days=1)):
                    continue
                if not spec.matches(r["dimensions"]):
                    continue
                v = r["value"]
                dims = json.dumps(r["dimensions"], sort_keys=True)
                for stat in spec.stats:
                    key = (r["account_id"], r["region"], r["metric_name"], dims, stat, ts)
                    points[key] = stat_from_set(
                        stat, minimum=v["min"], maximum=v["max"], total=v["sum"], count=v["count"]
                    )
    return points


def test_metric_streams_points_and_percentiles(fresh_settings: Settings, streams_dir: Path) -> None:
    result = ingest_usage(str(streams_dir), settings=fresh_settings)
    assert result.status == "succeeded"
    assert {o.day for o in result.outcomes} == set(METRIC_DAYS)

    day = METRIC_DAYS[0]
    expected = _expected_points(streams_dir, day)
    got = {
        (a, r, m, json.dumps(d, sort_keys=True), s, ts): v
        for a, r, _ns, m, d, s, ts, v in rows(
            fresh_settings,
            POINTS + " WHERE p.ts >= :lo AND p.ts < :hi",
            lo=day,
            hi=day + timedelta(days=1),
        )
    }
    assert len(got) == len(expected) > 50_000
    assert got == expected  # exact: same doubles

    daily = rows(
        fresh_settings,
        "SELECT s.series_id, d.day, d.avg, d.p50, d.p95, d.p99, d.min, d.max, d.sample_count "
        "FROM finops.utilization_daily_stats d JOIN finops.metric_series s USING (series_id)",
    )
    raw: dict[tuple[object, object], list[float]] = {}
    for series_id, ts, value in rows(
        fresh_settings, "SELECT series_id, ts, value FROM finops.metric_points"
    ):
        assert isinstance(ts, datetime) and isinstance(value, float)
        raw.setdefault((series_id, ts.date()), []).append(value)
    assert len(daily) == len(raw) > 500
    for series_id, d, avg, p50, p95, p99, low, high, count in daily:
        values = np.array(raw[(series_id, d)])
        want = [values.mean(), *np.percentile(values, [50, 95, 99]), values.min(), values.max()]
        assert np.allclose([avg, p50, p95, p99, low, high], want, rtol=1e-12, atol=1e-9)
        assert count == len(values)
    full_days = rows(
        fresh_settings,
        "SELECT count(*) FROM utilization_daily WHERE metric_name = 'CPUUtilization' "
        "AND namespace = 'AWS/EC2' AND stat = 'Maximum' AND sample_count = 288",
    )
    assert int(str(full_days[0][0])) > 20  # always-on instances report every 5 minutes


def test_only_metric_streams_files_are_read_from_a_mixed_folder(
    fresh_settings: Settings, estate: GenerateResult, streams_dir: Path
) -> None:
    """The estate's root holds a CUR 2.0 export (manifests are JSON) and AWS Config snapshots
    (.json.gz) beside the Metric Streams files: the same points load as from their folder."""
    assert list(estate.out_dir.rglob("*-Manifest.json"))
    result = ingest_usage(str(estate.out_dir), settings=fresh_settings)
    assert result.status == "succeeded"
    mixed = checksum(fresh_settings, POINTS)
    ingest_usage(str(streams_dir), settings=fresh_settings)
    assert checksum(fresh_settings, POINTS) == mixed


def test_usage_rerun_is_idempotent_and_rewrites_only_its_day(
    fresh_settings: Settings, streams_dir: Path, tmp_path: Path
) -> None:
    ingest_usage(str(streams_dir), settings=fresh_settings)
    before = checksum(fresh_settings, UTILIZATION), checksum(fresh_settings, POINTS)
    ingest_usage(str(streams_dir), settings=fresh_settings)
    assert (checksum(fresh_settings, UTILIZATION), checksum(fresh_settings, POINTS)) == before

    # The second day loses its afternoon; rerunning that day alone rewrites it and only it.
    partial = tmp_path / "streams"
    shutil.copytree(streams_dir, partial)
    first, second = METRIC_DAYS
    for hour in range(12, 24):
        shutil.rmtree(partial / f"{second:%Y/%m/%d}/{hour:02d}")
    day_one = f"SELECT * FROM utilization_daily WHERE day = '{first}'"
    one_before = checksum(fresh_settings, day_one)
    ingest_usage(
        str(partial),
        scope=Scope(start=second, end=second + timedelta(days=1)),
        settings=fresh_settings,
    )
    assert checksum(fresh_settings, day_one) == one_before
    counts = dict(
        rows(
            fresh_settings,
            "SELECT day, max(sample_count) FROM utilization_daily GROUP BY day",
        )
    )
    assert counts == {first: 288, second: 144}


def test_scope_and_retention(fresh_settings: Settings, streams_dir: Path) -> None:
    result = ingest_usage(str(streams_dir), settings=fresh_settings, raw_retention_days=1)
    assert result.raw_points_dropped_partitions == 1
    kept = rows(fresh_settings, "SELECT DISTINCT ts::date FROM finops.metric_points")
    assert kept == [(METRIC_DAYS[1],)]
    assert {
        r[0] for r in rows(fresh_settings, "SELECT DISTINCT day FROM utilization_daily")
    } == set(METRIC_DAYS)
    one = rows(
        fresh_settings, "SELECT account_id, region FROM utilization_daily ORDER BY 1, 2 LIMIT 1"
    )[0]
    fresh = ingest_usage(
        str(streams_dir),
        scope=Scope(accounts=[str(one[0])], regions=[str(one[1])]),
        settings=fresh_settings,
    )
    assert {(o.account_id, o.region) for o in fresh.outcomes} == {(one[0], one[1])}
    with pytest.raises(IngestError, match="no Metric Streams points"):
        ingest_usage(
            str(streams_dir), scope=Scope(accounts=["000000000000"]), settings=fresh_settings
        )


def test_dag_file_source_task_loads_one_day(
    fresh_settings: Settings, estate: GenerateResult
) -> None:
    from finops.ingest.usage.tasks import finish_run, ingest_source

    day = METRIC_DAYS[0]
    summary = ingest_source(str(estate.out_dir), day=day, run_id="dag-run", settings=fresh_settings)
    assert summary["succeeded"] and summary["points"] > 10_000 and summary["resources"] > 50
    assert rows(fresh_settings, "SELECT DISTINCT day FROM utilization_daily") == [(day,)]
    assert rows(fresh_settings, "SELECT DISTINCT last_seen FROM resources") == [(day,)]
    done = finish_run([summary], settings=fresh_settings)
    assert done["units_read"] == 1 and done["raw_partitions_dropped"] == 0
    with pytest.raises(IngestError, match="read nothing"):
        finish_run([{**summary, "succeeded": False}], settings=fresh_settings)
