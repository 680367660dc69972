"""Inventory, utilization and billing describe the same estate; planted situations are real."""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from finops.generator import GenerateResult, catalog
from tests.generator.helpers import END, REQUIRED_KINDS, START


def snapshots(root: Path) -> dict[date, dict[str, dict[str, Any]]]:
    """Day → resource id → configuration item, over every Config snapshot file."""
    days: dict[date, dict[str, dict[str, Any]]] = defaultdict(dict)
    for path in sorted((root / "config").rglob("*.json.gz")):
        stamp = path.name.split("_ConfigSnapshot_")[1][:8]
        day = date(int(stamp[:4]), int(stamp[4:6]), int(stamp[6:8]))
        for item in json.loads(gzip.decompress(path.read_bytes()))["configurationItems"]:
            days[day][item["resourceId"]] = item
    return days


@pytest.fixture(scope="module")
def inventory(estate: GenerateResult) -> dict[date, dict[str, dict[str, Any]]]:
    return snapshots(estate.out_dir)


@pytest.fixture(scope="module")
def truth(estate: GenerateResult) -> dict[str, Any]:
    return json.loads(estate.ground_truth_path.read_text())


def metrics(con: duckdb.DuckDBPyConnection, root: Path) -> str:
    con.execute(
        f"""CREATE OR REPLACE TABLE m AS
            SELECT namespace, metric_name, dimensions, account_id,
                   make_timestamp(timestamp * 1000)::DATE AS day,
                   value.min AS vmin, value.max AS vmax, value.sum / value.count AS vavg
            FROM read_json('{root}/cloudwatch/metric-streams/**/*.gz',
                           format = 'newline_delimited')"""
    )
    return "m"


def test_billed_instances_exist_in_inventory_with_metrics(
    estate: GenerateResult,
    inventory: dict[date, dict[str, dict[str, Any]]],
    con: duckdb.DuckDBPyConnection,
) -> None:
    metrics(con, estate.out_dir)
    window = [END - timedelta(days=d) for d in range(4, 0, -1)]
    billed = con.execute(
        f"""SELECT line_item_usage_start_date::DATE, line_item_resource_id
            FROM read_parquet('{estate.out_dir}/cur2/finops-demo/data/*/*.parquet')
            WHERE line_item_resource_id LIKE 'i-%' AND line_item_usage_amount > 0
              AND line_item_line_item_type IN
                  ('Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage')
            GROUP BY ALL"""
    ).fetchall()
    with_metrics = {
        (d, iid)
        for d, iid in con.execute(
            """SELECT day, dimensions.InstanceId FROM m
               WHERE namespace = 'AWS/EC2' AND metric_name = 'CPUUtilization' GROUP BY ALL"""
        ).fetchall()
    }
    checked = 0
    for day, resource_id in billed:
        if day not in window:
            continue
        assert resource_id in inventory[day], (day, resource_id)
        assert inventory[day][resource_id]["resourceType"] == "AWS::EC2::Instance"
        assert (day, resource_id) in with_metrics, (day, resource_id)
        checked += 1
    assert checked > 100
    # and nothing reports metrics that is not billed that day
    billed_set = {(d, r) for d, r in billed}
    assert {pair for pair in with_metrics if pair[0] in window} <= billed_set


def test_idle_and_oversized_cpu_bands(
    estate: GenerateResult, truth: dict[str, Any], con: duckdb.DuckDBPyConnection
) -> None:
    metrics(con, estate.out_dir)
    idle = [s for s in truth["situations"] if s["kind"] == "idle_instance"]
    assert len(idle) >= 2
    for s in idle:
        lo, hi = s["details"]["cpu_band"]
        row = con.execute(
            """SELECT count(*), min(vmin), max(vmax), avg(vavg) FROM m
               WHERE metric_name = 'CPUUtilization' AND dimensions.InstanceId = ?""",
            [s["resource_id"]],
        ).fetchone()
        assert row is not None
        count, low, high, mean = row
        assert count >= 4 * 288
        assert lo <= low and high <= hi, (s["resource_id"], low, high)
        assert mean < 3
    for s in (s for s in truth["situations"] if s["kind"] == "oversized_instance"):
        row = con.execute(
            """SELECT max(vmax) FROM m WHERE metric_name = 'CPUUtilization'
               AND dimensions.InstanceId = ?""",
            [s["resource_id"]],
        ).fetchone()
        assert row is not None and row[0] <= s["details"]["max_cpu_percent"]


def test_healthy_instances_are_busy(
    estate: GenerateResult, truth: dict[str, Any], con: duckdb.DuckDBPyConnection
) -> None:
    metrics(con, estate.out_dir)
    healthy = [s for s in truth["situations"] if s["kind"] == "healthy" and s["resource_id"]]
    assert healthy
    for s in healthy:
        row = con.execute(
            "SELECT avg(vavg) FROM m WHERE metric_name = 'CPUUtilization'"
            " AND dimensions.InstanceId = ?",
            [s["resource_id"]],
        ).fetchone()
        assert row is not None and row[0] > 20


def test_ground_truth_points_at_real_resources_and_dates(
    estate: GenerateResult,
    truth: dict[str, Any],
    inventory: dict[date, dict[str, dict[str, Any]]],
    con: duckdb.DuckDBPyConnection,
) -> None:
    situations = truth["situations"]
    assert {s["kind"] for s in situations} >= REQUIRED_KINDS
    accounts = {a["account_id"] for a in truth["organization"]["accounts"]}
    accounts.add(truth["organization"]["payer"]["account_id"])
    known = set().union(*(set(items) for items in inventory.values()))
    commitments = {r["arn"] for r in truth["commitments"]["reservations"]}
    commitments |= {p["arn"] for p in truth["commitments"]["savings_plans"]}
    billed_ids = {
        r[0]
        for r in con.execute(
            f"""SELECT DISTINCT line_item_resource_id FROM
                read_parquet('{estate.out_dir}/cur2/finops-demo/data/*/*.parquet')"""
        ).fetchall()
    }
    for s in situations:
        assert s["account_id"] in accounts, s
        start = date.fromisoformat(s["start"])
        assert START <= start < END, s
        if s["end"]:
            assert start <= date.fromisoformat(s["end"]) < END, s
        ids = [s["resource_id"]] if s["resource_id"] else []
        ids += s["details"].get("resource_ids", [])
        for rid in ids:
            assert rid in known or rid in commitments, (s["kind"], rid)
        if s["resource_id"] and s["kind"] not in (
            "underused_reservation",
            "underused_savings_plan",
        ):
            arn_like = [b for b in billed_ids if b.endswith(s["resource_id"])]
            assert arn_like, (s["kind"], s["resource_id"])
        if s["kind"] not in ("healthy", "untagged_resource", "mistagged_resource"):
            assert s["monthly_cost_impact"] is not None and s["monthly_cost_impact"] > 0, s


def test_inventory_shows_planted_waste(
    truth: dict[str, Any], inventory: dict[date, dict[str, dict[str, Any]]]
) -> None:
    last = inventory[max(inventory)]
    for s in truth["situations"]:
        if s["kind"] == "unattached_volume":
            item = last[s["resource_id"]]
            assert item["configuration"]["state"] == "available"
            assert item["configuration"]["attachments"] == []
        if s["kind"] == "unassociated_eip":
            assert last[s["resource_id"]]["configuration"]["instanceId"] is None
        if s["kind"] == "untagged_resource":
            assert last[s["resource_id"]]["tags"] == {}
        if s["kind"] == "old_snapshot":
            config = last[s["resource_id"]]["configuration"]
            assert config["startTime"] < (END - timedelta(days=365)).isoformat()
        if s["kind"] == "gp2_volume":
            assert last[s["resource_id"]]["configuration"]["volumeType"] == "gp2"


def test_anomalies_are_visible_in_the_bill(
    estate: GenerateResult, truth: dict[str, Any], con: duckdb.DuckDBPyConnection
) -> None:
    spikes = [s for s in truth["situations"] if s["kind"] == "cost_spike"]
    assert len(spikes) >= 2
    for s in spikes:
        ids = [s["resource_id"]] if s["resource_id"] else s["details"]["resource_ids"]
        start = date.fromisoformat(s["start"])
        daily = dict(
            con.execute(
                f"""SELECT line_item_usage_start_date::DATE, sum(line_item_unblended_cost)
                FROM read_parquet('{estate.out_dir}/cur2/finops-demo/data/*/*.parquet')
                WHERE list_contains(?, line_item_resource_id)
                   OR list_contains(?, split_part(line_item_resource_id, '/', 2))
                GROUP BY 1""",
                [ids, ids],
            ).fetchall()
        )
        before = [v for d, v in daily.items() if d < start - timedelta(days=2)]
        baseline = sorted(before)[len(before) // 2]
        assert daily[start] > 1.5 * baseline, (s, daily[start], baseline)
        assert s["details"]["total_cost_impact"] > 0


def test_oversized_truth_follows_the_simulated_metrics(
    estate: GenerateResult, truth: dict[str, Any], con: duckdb.DuckDBPyConnection
) -> None:
    """The target size is what the metrics in the output and the bill's rates call for."""
    metrics(con, estate.out_dir)
    oversized = [s for s in truth["situations"] if s["kind"] == "oversized_instance"]
    assert len(oversized) == 2
    for s in oversized:
        d = s["details"]
        row = con.execute(
            """SELECT quantile_cont(vmax, 0.995) FILTER (WHERE namespace = 'AWS/EC2'
                        AND metric_name = 'CPUUtilization'),
                      quantile_cont(vmax, 0.995) FILTER (WHERE namespace = 'CWAgent')
               FROM m WHERE dimensions.InstanceId = ?""",
            [s["resource_id"]],
        ).fetchone()
        assert row is not None
        cpu, mem = row
        assert mem is not None and mem <= 15.0, (s["resource_id"], mem)  # memory follows load
        assert abs(cpu - d["cpu_percent_at_percentile"]) < 1e-3
        assert abs(mem - d["memory_percent_at_percentile"]) < 1e-3
        now, target = (
            catalog.instance_spec(d["instance_type"]),
            catalog.instance_spec(d["recommended_instance_type"]),
        )
        assert cpu * now.vcpu / target.vcpu <= 80.0
        assert mem * now.memory_gib / target.memory_gib <= 80.0
        # one size smaller in the family no longer fits
        smaller = catalog.instance_spec(catalog.smaller_size(target.instance_type, 1))
        assert (
            cpu * now.vcpu / smaller.vcpu > 80.0 or mem * now.memory_gib / smaller.memory_gib > 80.0
        )
        billed = con.execute(
            f"""SELECT DISTINCT pricing_public_on_demand_rate FROM
                read_parquet('{estate.out_dir}/cur2/finops-demo/data/*/*.parquet')
                WHERE line_item_resource_id = ? AND line_item_usage_type LIKE '%BoxUsage%'""",
            [s["resource_id"]],
        ).fetchall()
        assert [Decimal(r[0]) for r in billed] == [Decimal(d["hourly_rate"])]
        saving = (Decimal(d["hourly_rate"]) - Decimal(d["recommended_hourly_rate"])) * 730
        assert abs(Decimal(str(s["monthly_cost_impact"])) - saving) <= Decimal("0.01")


def test_tagging_truth_lists_every_resource_carrying_the_bad_tags(
    truth: dict[str, Any], inventory: dict[date, dict[str, dict[str, Any]]]
) -> None:
    last = inventory[max(inventory)]
    situations = truth["situations"]
    untagged = {s["resource_id"] for s in situations if s["kind"] == "untagged_resource"}
    mistagged = {s["resource_id"]: s for s in situations if s["kind"] == "mistagged_resource"}
    taggable = ("AWS::EC2::Instance", "AWS::EC2::Volume", "AWS::S3::Bucket")
    assert untagged == {
        rid for rid, item in last.items() if item["resourceType"] in taggable and not item["tags"]
    }
    bad = [s["details"]["tags"] for s in mistagged.values()]
    carrying = {rid for rid, item in last.items() if item["tags"] in bad}
    assert carrying == set(mistagged)
    assert any(last[rid]["resourceType"] == "AWS::EC2::Volume" for rid in mistagged)
    for rid, s in mistagged.items():
        assert last[rid]["tags"] == s["details"]["tags"]


def test_underused_savings_plan_holds_to_the_end(
    estate: GenerateResult, truth: dict[str, Any], con: duckdb.DuckDBPyConnection
) -> None:
    (s,) = [s for s in truth["situations"] if s["kind"] == "underused_savings_plan"]
    assert s["end"] is None
    rows = con.execute(
        f"""SELECT line_item_usage_start_date::DATE AS day,
                   sum(savings_plan_used_commitment), sum(savings_plan_total_commitment_to_date),
                   sum(line_item_usage_amount)
            FROM read_parquet('{estate.out_dir}/cur2/finops-demo/data/*/*.parquet')
            WHERE line_item_line_item_type = 'SavingsPlanRecurringFee'
              AND savings_plan_savings_plan_a_r_n = ?
            GROUP BY 1 ORDER BY 1""",
        [s["resource_id"]],
    ).fetchall()
    assert rows[0][0] == date.fromisoformat(s["start"])  # under-used from its first day
    recent = rows[-30:]
    used, committed = sum(r[1] for r in recent), sum(r[2] for r in recent)
    hours = sum(r[3] for r in recent)
    assert used / committed < 0.85  # well below the 90% a utilization rule looks for
    for week in range(0, len(rows) - 6, 7):  # and in every week since the purchase
        chunk = rows[week : week + 7]
        assert sum(r[1] for r in chunk) / sum(r[2] for r in chunk) < 0.85
    assert abs(s["monthly_cost_impact"] - (committed - used) * 730 / hours) < 0.02
    assert s["details"]["utilization_last_30_days"] == round(used / committed, 4)
