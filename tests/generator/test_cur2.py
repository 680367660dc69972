"""CUR 2.0 export: layout, manifest, column names and types, exact money, amortization rules."""

from __future__ import annotations

import json
from decimal import Decimal

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from finops.generator import GenerateResult
from finops.generator.cur2_columns import CUR2_COLUMNS

EXPORT = "finops-demo"


def cur2_glob(result: GenerateResult) -> str:
    return str(result.out_dir / "cur2" / EXPORT / "data" / "BILLING_PERIOD=*" / "*.parquet")


def test_layout_and_manifest(estate: GenerateResult) -> None:
    root = estate.out_dir / "cur2" / EXPORT
    for label in ("2026-08", "2026-09"):
        data = root / "data" / f"BILLING_PERIOD={label}" / f"{EXPORT}-00001.snappy.parquet"
        manifest_path = root / "metadata" / f"BILLING_PERIOD={label}" / f"{EXPORT}-Manifest.json"
        assert data.is_file() and manifest_path.is_file()
        manifest = json.loads(manifest_path.read_text())
        assert manifest["exportName"] == EXPORT
        assert manifest["billingPeriod"]["start"].startswith(f"{label}-01T00:00:00")
        assert [f.rsplit("/", 1)[1] for f in manifest["dataFiles"]] == [data.name]
        assert [c["name"] for c in manifest["columns"]] == [n for n, _ in CUR2_COLUMNS]
        assert manifest["exportArn"].startswith("arn:aws:bcm-data-exports:")


def test_restated_period_has_newer_execution(estate: GenerateResult) -> None:
    root = estate.out_dir / "cur2" / EXPORT / "metadata"
    assert estate.restated_period == "2026-08"
    restated = json.loads((root / "BILLING_PERIOD=2026-08" / f"{EXPORT}-Manifest.json").read_text())
    normal = json.loads((root / "BILLING_PERIOD=2026-09" / f"{EXPORT}-Manifest.json").read_text())
    assert restated["revision"] == 2 and normal["revision"] == 1
    original = estate.original_totals["2026-08"]
    final = estate.totals["2026-08"]
    assert final.unblended == original.unblended - Decimal("255.50")
    truth = json.loads(estate.ground_truth_path.read_text())
    assert truth["restatements"][0]["billing_period"] == "2026-08"


def test_schema_types(estate: GenerateResult) -> None:
    path = next((estate.out_dir / "cur2").rglob("*.parquet"))
    schema = pq.read_schema(path)
    assert schema.names == [n for n, _ in CUR2_COLUMNS]
    for name in ("product", "resource_tags", "cost_category"):
        assert schema.field(name).type == pa.map_(pa.string(), pa.string())
    assert schema.field("discount").type == pa.map_(pa.string(), pa.float64())
    assert schema.field("line_item_usage_start_date").type == pa.timestamp("ms", tz="UTC")
    assert schema.field("line_item_unblended_cost").type == pa.float64()
    assert pq.read_metadata(path).metadata is None or b"ARROW:schema" not in (
        pq.read_metadata(path).metadata or {}
    )


def test_money_is_exact_decimal(estate: GenerateResult, con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        f"""
        SELECT count(*) FILTER (WHERE line_item_unblended_cost::DECIMAL(38,10)::DOUBLE
                                     <> line_item_unblended_cost),
               sum(line_item_unblended_cost::DECIMAL(38,10)),
               sum(line_item_net_unblended_cost::DECIMAL(38,10))
        FROM read_parquet('{cur2_glob(estate)}')
        """
    ).fetchone()
    assert rows is not None
    inexact, unblended, net = rows
    assert inexact == 0
    expected = sum(t.unblended for t in estate.totals.values())
    assert unblended == expected and net == expected


def test_line_item_types_and_amortization(
    estate: GenerateResult, con: duckdb.DuckDBPyConnection
) -> None:
    src = f"read_parquet('{cur2_glob(estate)}')"
    types = {
        r[0] for r in con.execute(f"SELECT DISTINCT line_item_line_item_type FROM {src}").fetchall()
    }
    assert {
        "Usage",
        "DiscountedUsage",
        "RIFee",
        "SavingsPlanCoveredUsage",
        "SavingsPlanNegation",
        "SavingsPlanRecurringFee",
        "Fee",
        "Tax",
        "Credit",
        "Refund",
    } <= types
    # Covered usage and its negation cancel out; DiscountedUsage is free in unblended terms.
    row = con.execute(
        f"""SELECT sum(line_item_unblended_cost::DECIMAL(38,10))
                       FILTER (WHERE line_item_line_item_type
                       IN ('SavingsPlanCoveredUsage', 'SavingsPlanNegation')),
                   sum(line_item_unblended_cost::DECIMAL(38,10))
                       FILTER (WHERE line_item_line_item_type
                       = 'DiscountedUsage'),
                   count(*) FILTER (WHERE line_item_line_item_type = 'DiscountedUsage'
                       AND reservation_effective_cost <= 0),
                   count(*) FILTER (WHERE line_item_line_item_type = 'SavingsPlanRecurringFee'
                       AND savings_plan_used_commitment
                           > savings_plan_total_commitment_to_date + 1e-9)
            FROM {src}"""
    ).fetchone()
    assert row == (Decimal(0), Decimal(0), 0, 0)


def test_tags_use_cur2_keys(estate: GenerateResult, con: duckdb.DuckDBPyConnection) -> None:
    keys = con.execute(
        f"""SELECT DISTINCT unnest(map_keys(resource_tags))
            FROM read_parquet('{cur2_glob(estate)}')"""
    ).fetchall()
    found = {k[0] for k in keys}
    assert {"user_team", "user_environment", "user_cost_center", "user_application"} <= found
