"""API collectors against a real moto server on loopback (AWS_ENDPOINT_URL), no boto3 mocking:
inventory of an estate loaded by ``finops generate --to-aws``, GetMetricData giving the same rows
as the Metric Streams files, AccessDenied in one account, and a deleted resource."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from finops.config import Settings
from finops.generator import GenerateResult, generate
from finops.ingest.inventory import Scope, ingest_inventory
from finops.ingest.inventory.collectors import COLLECTORS
from finops.ingest.usage import UsageIngestError, ingest_usage
from finops.ingest.usage.catalog import BY_METRIC
from tests.factories.moto import stop_moto_server
from tests.factories.usage import (
    MotoAws,
    create_volume,
    lock_down,
    put_records,
    run_instance,
    stream_records,
    write_stream_subset,
)
from tests.generator.helpers import small_options
from tests.ingest.usage.conftest import (
    METRIC_DAYS,
    checksum,
    execute,
    point_aws_at,
    rows,
    start_moto,
)

ACCOUNT_A, ACCOUNT_B = "111111111111", "222222222222"
REGION = "us-east-1"


@pytest.fixture(scope="module")
def loaded_estate(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, GenerateResult]]:
    """A two-account estate loaded into its own moto server by the generator's --to-aws."""
    server, endpoint = start_moto()
    result = generate(
        small_options(
            tmp_path_factory.mktemp("to-aws"),
            start=date(2026, 9, 1),
            formats=("cur2",),
            utilization_days=1,
            accounts=2,
            to_aws_endpoint=endpoint,
            to_aws_max_datapoints=0,
        )
    )
    yield endpoint, result
    stop_moto_server(server, endpoint)


def test_inventory_of_the_generated_estate(
    loaded_estate: tuple[str, GenerateResult],
    fresh_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    endpoint, estate = loaded_estate
    point_aws_at(monkeypatch, endpoint, MotoAws(endpoint))
    report = estate.aws_load
    assert report is not None
    truth = json.loads(estate.ground_truth_path.read_text())
    accounts = truth["organization"]["accounts"]
    regions = sorted({r for a in accounts for r in a["regions"]})
    result = ingest_inventory(
        scope=Scope(accounts=[a["account_id"] for a in accounts], regions=regions),
        day=date(2026, 10, 1),
        settings=fresh_settings,
    )
    assert result.status == "succeeded", result.summary()
    assert result.api_calls > 0

    found = rows(
        fresh_settings,
        "SELECT resource_type, resource_id, tags->>'finops:simulated-id', account_id, state "
        "FROM resources WHERE tags ? 'finops:simulated-id'",
    )
    by_type: dict[object, int] = {}
    for resource_type, endpoint_id, simulated, _account, _state in found:
        assert report.id_map[str(simulated)] == endpoint_id
        by_type[resource_type] = by_type.get(resource_type, 0) + 1
    assert by_type == {
        "AWS::EC2::Instance": report.instances,
        "AWS::EC2::Volume": report.volumes,
        "AWS::EC2::Snapshot": report.snapshots,
        "AWS::EC2::EIP": report.addresses,
    }
    state = {str(sim): st for _t, _id, sim, _a, st in found}
    for s in truth["situations"]:
        if s["kind"] == "unassociated_eip":
            assert state[s["resource_id"]] == "unassociated"
    simulated_account = {str(sim): acct for _t, _id, sim, acct, _st in found}
    for resource in (s for s in truth["situations"] if s["resource_id"] in state):
        assert simulated_account[resource["resource_id"]] == resource["account_id"]
    tags = rows(
        fresh_settings,
        "SELECT tags FROM resources WHERE resource_type = 'AWS::EC2::Instance' "
        "AND tags ? 'team' LIMIT 1",
    )
    assert tags, "instances carry the estate's team tags"


def _subset(streams_dir: Path, per_scope: int = 3) -> list[dict[str, Any]]:
    """One hour of the first day, for a few resources per (account, region): small enough for
    moto's GetMetricData, which scans every point once per query and period."""
    day = METRIC_DAYS[0]
    records = stream_records(streams_dir, day=f"{day:%Y/%m/%d}", hours=[6])
    chosen: dict[tuple[str, str], set[str]] = {}
    keep: list[dict[str, Any]] = []
    for r in sorted(records, key=lambda r: json.dumps(r["dimensions"], sort_keys=True)):
        spec = BY_METRIC.get((r["namespace"], r["metric_name"]))
        if spec is None or not spec.matches(r["dimensions"]):
            continue
        resource = r["dimensions"][spec.resource_dimension]
        picked = chosen.setdefault((r["account_id"], r["region"]), set())
        if resource in picked or len(picked) < per_scope:
            picked.add(resource)
            keep.append(r)
    return keep


USAGE_ROWS = (
    "SELECT account_id, region, resource_id, namespace, metric_name, stat, unit, dimensions, day, "
    "avg, p50, p95, p99, min, max, sample_count FROM utilization_daily"
)
POINT_ROWS = (
    "SELECT s.account_id, s.metric_name, s.dimensions, s.stat, p.ts, p.value "
    "FROM finops.metric_points p JOIN finops.metric_series s USING (series_id)"
)


def test_get_metric_data_fills_the_tables_like_the_stream_files(
    moto: MotoAws, streams_dir: Path, fresh_settings: Settings, tmp_path: Path
) -> None:
    records = _subset(streams_dir)
    accounts = sorted({r["account_id"] for r in records})
    regions = sorted({r["region"] for r in records})
    put_records(moto, records)
    day = METRIC_DAYS[0]
    scope = Scope(accounts=accounts, regions=regions, start=day, end=day + timedelta(days=1))

    api = ingest_usage(scope=scope, settings=fresh_settings)
    assert api.status == "succeeded", api.summary()
    units_with_data = {(r["account_id"], r["region"]) for r in records}
    assert len([o for o in api.outcomes if o.points]) == len(units_with_data)
    assert api.points == sum(
        len(BY_METRIC[(r["namespace"], r["metric_name"])].stats) for r in records
    )
    # every (account, region) needs one GetMetricData call: its queries fit in one batch
    assert api.get_metric_data_calls == len(units_with_data)
    assert api.metric_queries >= api.get_metric_data_calls
    from_api = checksum(fresh_settings, USAGE_ROWS), checksum(fresh_settings, POINT_ROWS)

    for table in ("utilization_daily_stats", "metric_points", "metric_series"):
        execute(fresh_settings, f"DELETE FROM finops.{table}")
    files = ingest_usage(
        str(write_stream_subset(records, tmp_path / "subset")), scope=scope, settings=fresh_settings
    )
    assert files.points == api.points
    assert (checksum(fresh_settings, USAGE_ROWS), checksum(fresh_settings, POINT_ROWS)) == from_api


def _two_accounts(moto: MotoAws) -> dict[str, list[str]]:
    made: dict[str, list[str]] = {}
    for account in (ACCOUNT_A, ACCOUNT_B):
        ec2 = moto.client("ec2", REGION, account)
        made[account] = [
            run_instance(ec2, tags={"team": "search", "Name": f"web-{account[:1]}"}),
            create_volume(ec2, REGION, tags={"team": "search"}),
        ]
    return made


def test_access_denied_in_one_account_leaves_the_others_complete(
    moto: MotoAws, fresh_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = _two_accounts(moto)
    put_records(
        moto,
        [
            {
                "account_id": account,
                "region": REGION,
                "namespace": "AWS/EC2",
                "metric_name": "CPUUtilization",
                "dimensions": {"InstanceId": made[account][0]},
                "timestamp": int(1790640000000 + i * 300_000),  # 2026-09-29T00:00Z
                "value": {"min": 1.0, "max": 9.0 + i, "sum": 25.0, "count": 5.0},
                "unit": "Percent",
            }
            for account in (ACCOUNT_A, ACCOUNT_B)
            for i in range(6)
        ],
    )
    collector = lock_down(moto, readable=[ACCOUNT_A], denied=[ACCOUNT_B])
    point_aws_at(monkeypatch, moto.endpoint, collector)
    day = METRIC_DAYS[0]
    scope = Scope(
        accounts=[ACCOUNT_A, ACCOUNT_B], regions=[REGION], start=day, end=day + timedelta(days=1)
    )

    # moto cannot verify SigV4 on Lambda's REST calls once IAM is enforced (every call fails
    # with SignatureDoesNotMatch), so this test lists the other types.
    types = tuple(t for t in COLLECTORS if t != "AWS::Lambda::Function")
    inventory = ingest_inventory(
        scope=scope, day=day, settings=fresh_settings, resource_types=types
    )
    usage = ingest_usage(scope=scope, settings=fresh_settings)

    for result in (inventory, usage):
        assert result.status == "partial"
        assert {o.account_id for o in result.succeeded} == {ACCOUNT_A}
        assert {(o.account_id, o.reason) for o in result.skipped} == {(ACCOUNT_B, "access_denied")}
    # (moto also lists the snapshots behind its stock AMIs as the account's own: left out here)
    listed = rows(
        fresh_settings,
        "SELECT account_id, resource_id FROM resources "
        "WHERE resource_type IN ('AWS::EC2::Instance', 'AWS::EC2::Volume')",
    )
    assert {str(a) for a, _ in listed} == {ACCOUNT_A}
    assert set(made[ACCOUNT_A]) <= {str(r) for _, r in listed}  # (+ the instance's root volume)
    assert rows(
        fresh_settings, "SELECT count(*) FROM resources WHERE account_id = :b", b=ACCOUNT_B
    ) == [(0,)]
    assert rows(
        fresh_settings,
        "SELECT account_id, stat, max, sample_count FROM utilization_daily ORDER BY stat",
    ) == [(ACCOUNT_A, "Average", 5.0, 6), (ACCOUNT_A, "Maximum", 14.0, 6)]
    logged = rows(
        fresh_settings,
        "SELECT kind, account_id, status, reason FROM finops.usage_ingest_log "
        "WHERE status = 'skipped' ORDER BY kind",
    )
    assert {(k, a, s, r) for k, a, s, r in logged} == {
        ("inventory", ACCOUNT_B, "skipped", "access_denied"),
        ("usage", ACCOUNT_B, "skipped", "access_denied"),
    }
    message = rows(
        fresh_settings,
        "SELECT message FROM finops.usage_ingest_log WHERE kind = 'usage' AND status = 'skipped'",
    )[0][0]
    assert ACCOUNT_B in str(message) or "AccessDenied" in str(message)

    only_denied = ingest_usage(
        scope=Scope(accounts=[ACCOUNT_B], regions=[REGION], start=day, end=day + timedelta(days=1)),
        settings=fresh_settings,
    )
    assert only_denied.status == "failed"
    with pytest.raises(UsageIngestError, match=f"account {ACCOUNT_B} region {REGION}"):
        only_denied.raise_if_nothing_read()


def test_a_deleted_resource_is_marked_terminated(moto: MotoAws, fresh_settings: Settings) -> None:
    made = _two_accounts(moto)
    instance, volume = made[ACCOUNT_A]
    ec2 = moto.client("ec2", REGION, ACCOUNT_A)
    kept_volume = create_volume(ec2, REGION, tags={"team": "data"})
    scope = Scope(accounts=[ACCOUNT_A], regions=[REGION])
    day1, day2 = date(2026, 9, 29), date(2026, 9, 30)
    types = ("AWS::EC2::Instance", "AWS::EC2::Volume")
    ingest_inventory(scope=scope, day=day1, settings=fresh_settings, resource_types=types)
    ec2.terminate_instances(InstanceIds=[instance])
    ec2.delete_volume(VolumeId=volume)
    ingest_inventory(scope=scope, day=day2, settings=fresh_settings, resource_types=types)

    got = {
        str(r[0]): r[1:]
        for r in rows(
            fresh_settings,
            "SELECT resource_id, state, first_seen, last_seen, terminated_on FROM resources "
            "WHERE resource_type IN ('AWS::EC2::Instance', 'AWS::EC2::Volume')",
        )
    }
    assert got[instance] == ("terminated", day1, day2, day2)  # still listed, as terminated
    assert got[volume] == ("terminated", day1, day1, day2)  # gone from the day-2 listing
    assert got[kept_volume] == ("available", day1, day2, None)
    history = rows(
        fresh_settings,
        "SELECT observed_on, state FROM resource_history WHERE resource_id = :rid ORDER BY 1",
        rid=instance,
    )
    assert history == [(day1, "running"), (day2, "terminated")]

    before = checksum(fresh_settings, "SELECT * FROM resources")
    ingest_inventory(scope=scope, day=day2, settings=fresh_settings, resource_types=types)
    assert checksum(fresh_settings, "SELECT * FROM resources") == before


LOADED_POINTS = 600


@pytest.fixture(scope="module")
def loaded_metrics(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, GenerateResult]]:
    """A two-account estate whose newest CloudWatch points the generator's --to-aws put into
    each account (through its assumed role), with resource ids translated."""
    server, endpoint = start_moto()
    result = generate(
        small_options(
            tmp_path_factory.mktemp("to-aws-metrics"),
            start=date(2026, 9, 1),
            formats=("cur2",),
            utilization_days=1,
            accounts=2,
            to_aws_endpoint=endpoint,
            to_aws_max_datapoints=LOADED_POINTS,
        )
    )
    yield endpoint, result
    stop_moto_server(server, endpoint)


def test_get_metric_data_reads_back_what_the_generator_loaded(
    loaded_metrics: tuple[str, GenerateResult],
    fresh_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    endpoint, estate = loaded_metrics
    point_aws_at(monkeypatch, endpoint, MotoAws(endpoint))
    report = estate.aws_load
    assert report is not None and report.datapoints == LOADED_POINTS
    # the points loaded: the first LOADED_POINTS lines of the newest stream files first
    loaded: list[dict[str, Any]] = []
    for path in sorted((estate.out_dir / "cloudwatch").rglob("*.gz"), reverse=True):
        for line in gzip.decompress(path.read_bytes()).splitlines():
            if len(loaded) < LOADED_POINTS:
                loaded.append(json.loads(line))
    wanted = [
        r
        for r in loaded
        if (spec := BY_METRIC.get((r["namespace"], r["metric_name"]))) is not None
        and spec.matches(r["dimensions"])
    ]
    assert wanted
    days = sorted({datetime.fromtimestamp(r["timestamp"] / 1000, UTC).date() for r in loaded})
    scope = Scope(
        accounts=sorted({r["account_id"] for r in loaded}),
        regions=sorted({r["region"] for r in loaded}),
        start=days[0],
        end=days[-1] + timedelta(days=1),
    )

    result = ingest_usage(scope=scope, settings=fresh_settings)
    assert result.status == "succeeded", result.summary()
    assert result.get_metric_data_calls > 0
    assert result.points == sum(
        len(BY_METRIC[(r["namespace"], r["metric_name"])].stats) for r in wanted
    )
    # the maxima stored are the generator's, under the ids the endpoint assigned
    expected = {
        (
            r["account_id"],
            r["metric_name"],
            json.dumps({k: report.id_map.get(v, v) for k, v in r["dimensions"].items()}),
            int(r["timestamp"]) // 1000,
        ): r["value"]["max"]
        for r in wanted
        if "Maximum" in BY_METRIC[(r["namespace"], r["metric_name"])].stats
    }
    stored = {
        (account, metric, json.dumps(dict(sorted(dims.items()))), int(ts.timestamp())): value
        for account, metric, dims, ts, value in rows(
            fresh_settings,
            "SELECT s.account_id, s.metric_name, s.dimensions, p.ts, p.value "
            "FROM finops.metric_points p JOIN finops.metric_series s USING (series_id) "
            "WHERE s.stat = 'Maximum'",
        )
    }
    expected = {
        (a, m, json.dumps(dict(sorted(json.loads(d).items()))), t): v
        for (a, m, d, t), v in expected.items()
    }
    assert len(expected) > LOADED_POINTS // 4
    assert stored == pytest.approx(expected)
