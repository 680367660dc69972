"""Billing data you can trust: source identities that cannot collide, overlaps refused instead
of counted twice, spec-breaking real exports loaded and reported, every FOCUS column kept at the
source's full precision, and one bad period never stopping the others."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import text

from finops.config import Settings
from finops.db.engine import get_engine, server_url
from finops.errors import IngestError, OverlapError
from finops.ingest.billing import IngestFailures, ingest_billing
from finops.ingest.billing.manage import list_sources, remove_source, rename_source
from tests.factories.cur2 import Cur2Export
from tests.factories.focus import FocusFile

SAMPLE = Path(__file__).parents[2] / "data" / "focus-sample-1.0" / "focus_sample.csv"


def _query(settings: Settings, sql: str) -> list[tuple[object, ...]]:
    with get_engine(settings).connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql)).all()]


def _by(settings: Settings, column: str) -> dict[str, Decimal]:
    rows = _query(
        settings,
        f"SELECT {column}, sum(billed_cost) FROM finops.costs "
        f"GROUP BY 1 HAVING count(*) > 0 ORDER BY 1",
    )
    return {str(k): Decimal(str(v)) for k, v in rows}


def _cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ,
        FINOPS_DATABASE_URL=server_url(settings),
        FINOPS_LOG_JSON="false",
        COLUMNS="300",
    )
    return subprocess.run(
        [sys.executable, "-m", "finops", *args], env=env, capture_output=True, text=True
    )


def _data_exports_layout(root: Path, name: str, focus: FocusFile, period: str) -> Path:
    """``root/<name>/data/BILLING_PERIOD=…/<name>-00001.csv``: AWS Data Exports' layout,
    which other tools write FOCUS exports in too."""
    folder = root / name / "data" / f"BILLING_PERIOD={period}"
    focus.write_csv(folder / f"{name}-00001.csv")
    return root


# --- identity: two exports never share a source --------------------------------------------


def test_two_exports_in_folders_of_the_same_name_stay_two_sources(
    fresh_settings: Settings, tmp_path: Path
) -> None:
    aws, azure = FocusFile(), FocusFile()
    for day in range(1, 4):
        aws.add(provider="AWS", day=datetime(2026, 8, day), billed="1.25")
        azure.add(provider="Microsoft", day=datetime(2026, 8, day), billed="2.5")
    first = ingest_billing(
        str(_data_exports_layout(tmp_path / "a", "export", aws, "2026-08")),
        settings=fresh_settings,
    )
    second = ingest_billing(
        str(_data_exports_layout(tmp_path / "b", "export", azure, "2026-08")),
        settings=fresh_settings,
    )
    assert [(o.source_id, o.status) for o in first] == [("focus:export", "succeeded")]
    assert [(o.source_id, o.status) for o in second] == [
        ("focus:export@microsoft-billing", "succeeded")
    ]
    # both kept: nothing of the first export was replaced by the second
    assert _by(fresh_settings, "provider_name") == {
        "AWS": aws.total(),
        "Microsoft": azure.total(),
    }
    sources = {s.source_id: s for s in list_sources(settings=fresh_settings)}
    assert set(sources) == {"focus:export", "focus:export@microsoft-billing"}
    assert sources["focus:export"].provider_names == ["AWS"]
    assert sources["focus:export"].location == str((tmp_path / "a" / "export").resolve())
    assert sources["focus:export@microsoft-billing"].billing_account_ids == ["microsoft-billing"]
    assert sources["focus:export"].billed_cost == aws.total()
    # loading the first again is recognised as the same source, and skipped as unchanged
    again = ingest_billing(str(tmp_path / "a"), settings=fresh_settings)
    assert [(o.source_id, o.status) for o in again] == [("focus:export", "skipped")]
    status = _cli(fresh_settings, "sources", "list")
    assert status.returncode == 0, status.stderr
    assert "focus:export@microsoft-billing" in status.stdout


def test_sources_can_be_named_renamed_and_removed(fresh_settings: Settings, tmp_path: Path) -> None:
    focus = FocusFile()
    focus.add(provider="Oracle", day=datetime(2026, 8, 1), billed="3")
    path = focus.write_csv(tmp_path / "oci" / "august.csv")
    (outcome,) = ingest_billing(str(path), source_name="oracle-prod", settings=fresh_settings)
    assert outcome.source_id == "oracle-prod"
    # the same files under another name: refused, naming the source they already are
    with pytest.raises(IngestError, match=r"--source other: these files are already source "):
        ingest_billing(str(path), source_name="other", settings=fresh_settings)
    assert rename_source("oracle-prod", "oci", settings=fresh_settings) == 1
    assert _by(fresh_settings, "x_source_id") == {"oci": Decimal(3)}
    # the renamed source keeps its identity: a changed file reloads into it
    focus.add(provider="Oracle", day=datetime(2026, 8, 2), billed="4")
    focus.write_csv(path)
    (outcome,) = ingest_billing(str(path), settings=fresh_settings)
    assert (outcome.source_id, outcome.status) == ("oci", "succeeded")
    assert remove_source("oci", settings=fresh_settings) == 2
    assert _by(fresh_settings, "x_source_id") == {}
    audit = _query(
        fresh_settings,
        "SELECT action, subject FROM finops.audit_log WHERE action LIKE 'billing.source%' "
        "ORDER BY id",
    )
    assert audit == [("billing.source_rename", "oracle-prod"), ("billing.source_remove", "oci")]
    with pytest.raises(IngestError, match=r"no billing source named 'oci'"):
        remove_source("oci", settings=fresh_settings)


# --- overlap: the same charges from two sources are refused, not doubled ---------------------


def test_files_loaded_one_by_one_then_their_folder_are_not_counted_twice(
    fresh_settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "daily"
    parts: list[FocusFile] = []
    for index, days in enumerate(((1, 2), (3, 4), (5, 6)), start=1):
        part = FocusFile()
        for day in days:
            part.add(provider="Google Cloud", day=datetime(2026, 8, day), billed="10.000000000001")
            part.add(provider="Google Cloud", day=datetime(2026, 8, day), billed="1", service="GCS")
        part.write_csv(folder / f"part-{index}.csv")
        parts.append(part)
    total = sum((p.total() for p in parts), Decimal(0))
    for index in range(1, 4):
        ingest_billing(str(folder / f"part-{index}.csv"), settings=fresh_settings)
    assert sum(_by(fresh_settings, "x_source_id").values()) == total
    with pytest.raises(OverlapError) as refused:
        ingest_billing(str(folder), settings=fresh_settings)
    message = str(refused.value)
    assert "focus:daily overlaps data already in the warehouse" in message
    for index in range(1, 4):
        assert f"source focus:part-{index} (loaded from {folder / f'part-{index}.csv'})" in message
    assert "the same charges with the same amounts on 2 charge day(s)" in message
    assert "--supersede" in message
    assert sum(_by(fresh_settings, "x_source_id").values()) == total  # nothing changed
    # the user says the folder wins: its rows replace the parts', counted once
    ingest_billing(str(folder), supersede=True, settings=fresh_settings)
    assert _by(fresh_settings, "x_source_id") == {"focus:daily": total}
    log = _query(
        fresh_settings,
        "SELECT status, count(*) FROM finops.ingest_log GROUP BY 1 ORDER BY 1",
    )
    assert log == [("failed", 1), ("succeeded", 4)]


def test_split_parts_of_one_day_with_different_charges_are_not_an_overlap(
    fresh_settings: Settings, tmp_path: Path
) -> None:
    compute, storage = FocusFile(), FocusFile()
    compute.add(provider="AWS", day=datetime(2026, 8, 1), billed="5", service="EC2")
    storage.add(provider="AWS", day=datetime(2026, 8, 1), billed="2", service="S3")
    ingest_billing(str(compute.write_csv(tmp_path / "c.csv")), settings=fresh_settings)
    ingest_billing(str(storage.write_csv(tmp_path / "s.csv")), settings=fresh_settings)
    assert _by(fresh_settings, "service_name") == {"EC2": Decimal(5), "S3": Decimal(2)}


# --- a real multi-provider FOCUS 1.0 sample that breaks the specification --------------------


def _sample_sums() -> dict[tuple[str, str], Decimal]:
    """BilledCost per provider and charge day, summed from the CSV with decimals (not by us)."""
    sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    with SAMPLE.open(newline="") as handle:
        for row in csv.DictReader(handle):
            sums[(row["ProviderName"], row["ChargePeriodStart"][:10])] += Decimal(row["BilledCost"])
    return dict(sums)


def test_finops_foundation_focus_sample_loads_reports_and_reconciles(
    fresh_settings: Settings,
) -> None:
    """FOCUS-Sample-Data (FinOps Foundation, CC BY 4.0): AWS, Microsoft and Oracle rows in one
    file; Oracle's rows leave ContractedCost empty and write ChargeFrequency 'Usage-based'."""
    result = _cli(fresh_settings, "ingest", "billing", str(SAMPLE))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "rule(s) broken" in result.stdout
    rows = _query(
        fresh_settings,
        "SELECT provider_name, charge_period_start::date::text, sum(billed_cost) FROM costs "
        "GROUP BY 1, 2",
    )
    assert {(str(p), str(d)): Decimal(str(v)) for p, d, v in rows} == _sample_sums()
    nulls = _query(
        fresh_settings,
        "SELECT provider_name, sum(x_raw_line_items) FROM costs WHERE contracted_cost IS NULL "
        "GROUP BY 1",
    )
    assert nulls == [("Oracle", 7)]  # kept as NULL, not invented
    report = _query(
        fresh_settings,
        "SELECT rule_id, severity, sum(line_items), min(examples->0->>'provider_name') "
        "FROM data_quality GROUP BY 1, 2 ORDER BY 1",
    )
    assert report == [
        ("ChargeFrequency.allowed_values", "warning", 7, "Oracle"),
        ("ContractedCost.not_null", "error", 7, "Oracle"),
    ]
    shown = _cli(fresh_settings, "ingest", "status", "--quality")
    assert shown.returncode == 0, shown.stderr
    assert "ContractedCost.not_null" in shown.stdout and "Oracle" in shown.stdout


# --- every FOCUS column, at full precision ---------------------------------------------------

FOCUS_12_VALUES = {
    "BillingAccountType": "Billing Profile",
    "SubAccountType": "Subscription",
    "SkuMeter": "Compute Usage",
    "CommitmentDiscountId": "cd-1",
    "CommitmentDiscountName": "Compute savings plan 2026",
    "CommitmentDiscountQuantity": "12.123456789012345",
    "CommitmentDiscountUnit": "Hours",
    "CommitmentDiscountType": "Savings Plan",
    "CommitmentDiscountStatus": "Used",
    "CommitmentDiscountCategory": "Spend",
    "ContractedUnitPrice": "0.096000000000001",
    "PricingCurrency": "EUR",
    "PricingCurrencyContractedUnitPrice": "0.088000000000001",
    "PricingCurrencyEffectiveCost": "1.056000000000012",
    "PricingCurrencyListUnitPrice": "0.091000000000001",
    "SkuPriceDetails": '{"CoreCount": 4, "x_Tier": "premium"}',
    "CapacityReservationId": "cr-0123",
    "CapacityReservationStatus": "Used",
}


def test_every_focus_12_column_arrives_with_its_source_value(
    fresh_settings: Settings, tmp_path: Path
) -> None:
    focus = FocusFile()
    for day in (1, 2):
        focus.add(
            provider="Microsoft",
            day=datetime(2026, 8, day),
            billed="1.123456789012345",  # 15 decimal places, as real FOCUS files carry
            effective="1.000000000000001",
            list_cost="1.999999999999999",
            extra=FOCUS_12_VALUES,
        )
    ingest_billing(str(focus.write_csv(tmp_path / "mca.csv")), settings=fresh_settings)
    columns = {
        "BillingAccountType": "billing_account_type",
        "SubAccountType": "sub_account_type",
        "SkuMeter": "sku_meter",
        "CommitmentDiscountName": "commitment_discount_name",
        "CommitmentDiscountUnit": "commitment_discount_unit",
        "ContractedUnitPrice": "contracted_unit_price::text",
        "PricingCurrency": "pricing_currency",
        "PricingCurrencyContractedUnitPrice": "pricing_currency_contracted_unit_price::text",
        "PricingCurrencyListUnitPrice": "pricing_currency_list_unit_price::text",
        "CapacityReservationId": "capacity_reservation_id",
        "CapacityReservationStatus": "capacity_reservation_status",
    }
    rows = _query(
        fresh_settings,
        f"SELECT {', '.join(columns.values())}, sku_price_details, billing_currency, "
        "billed_cost::text, effective_cost::text, list_cost::text, "
        "commitment_discount_quantity::text, pricing_currency_effective_cost::text "
        "FROM costs ORDER BY charge_period_start",
    )
    assert len(rows) == 2
    for row in rows:
        got = dict(zip(columns, row[: len(columns)], strict=True))
        assert got == {k: FOCUS_12_VALUES[k] for k in columns}
        details, currency, billed, effective, listed, quantity, pc_effective = row[len(columns) :]
        assert details == {"CoreCount": 4, "x_Tier": "premium"}
        assert currency == "USD"  # billed in USD, priced in EUR: both kept
        assert (billed, effective, listed) == (
            "1.123456789012345",
            "1.000000000000001",
            "1.999999999999999",
        )
        assert (quantity, pc_effective) == ("12.123456789012345", "1.056000000000012")
    # the log reconciles against the unrounded source values
    (logged,) = _query(fresh_settings, "SELECT billed_cost::text FROM finops.ingest_log")
    assert Decimal(str(logged[0])) == Decimal("2.24691357802469")


def test_focus_13_columns_and_custom_columns_are_kept(
    fresh_settings: Settings, tmp_path: Path
) -> None:
    focus = FocusFile()
    focus.add(
        provider="AWS",
        day=datetime(2026, 9, 1),
        billed="4.2",
        drop=("ProviderName", "PublisherName"),  # deprecated in FOCUS 1.3
        extra={
            "ServiceProviderName": "AWS",
            "HostProviderName": "AWS",
            "AllocatedMethodId": "split-cost-allocation",
            "AllocatedMethodDetails": '{"Elements": [{"AllocatedRatio": 0.25}]}',
            "AllocatedResourceId": "arn:aws:ecs:task/1",
            "AllocatedResourceName": "checkout",
            "AllocatedTags": '{"team": "shop"}',
            "ContractApplied": '{"Elements": [{"ContractId": "edp-1"}]}',
            "x_UsageType": "USE1-BoxUsage:m6i.large",
            "x_Operation": "RunInstances",
            "x_CostCategories": '{"env": "prod"}',
        },
    )
    ingest_billing(str(focus.write_csv(tmp_path / "focus13.csv")), settings=fresh_settings)
    (row,) = _query(
        fresh_settings,
        "SELECT provider_name, service_provider_name, host_provider_name, allocated_method_id, "
        "allocated_method_details, allocated_resource_id, allocated_resource_name, "
        "allocated_tags, contract_applied, x_usage_type, x_operation, x_extensions FROM costs",
    )
    assert row == (
        "AWS",  # the deprecated ProviderName column's value comes from ServiceProviderName
        "AWS",
        "AWS",
        "split-cost-allocation",
        {"Elements": [{"AllocatedRatio": 0.25}]},
        "arn:aws:ecs:task/1",
        "checkout",
        {"team": "shop"},
        {"Elements": [{"ContractId": "edp-1"}]},
        "USE1-BoxUsage:m6i.large",
        "RunInstances",
        {"x_CostCategories": '{"env": "prod"}'},
    )


def test_cur_doubles_keep_their_digits(fresh_settings: Settings, tmp_path: Path) -> None:
    """CUR parquet money is double: stored as the shortest decimal that reads back as it."""
    export = Cur2Export(name="doubles")
    export.add_usage(
        day=datetime(2026, 3, 1), account="410000000001", service="AmazonEC2", cost="0.1", hours=1
    )
    export.add_usage(
        day=datetime(2026, 3, 1),
        account="410000000001",
        service="AmazonS3",
        cost="3.3333333333333335",
        hours=1,
    )
    ingest_billing(str(export.write(tmp_path)), settings=fresh_settings)
    assert _by(fresh_settings, "service_name") == {
        "Amazon Elastic Compute Cloud": Decimal("0.1"),
        "Amazon Simple Storage Service": Decimal("3.3333333333333335"),
    }


# --- one bad period does not stop the others -------------------------------------------------


def test_a_corrupt_period_is_logged_and_the_other_periods_load(
    fresh_settings: Settings, tmp_path: Path
) -> None:
    export = Cur2Export(name="two-periods")
    for month in (1, 2):
        export.add_usage(
            day=datetime(2026, month, 3),
            account="510000000001",
            service="AmazonEC2",
            cost="5",
            hours=2,
        )
    root = export.write(tmp_path)
    bad = next((root / "two-periods" / "data" / "BILLING_PERIOD=2026-01").glob("*.parquet"))
    bad.write_bytes(bad.read_bytes()[:150])
    with pytest.raises(IngestFailures, match=r"BILLING_PERIOD=2026-01.*not a readable parquet"):
        ingest_billing(str(root), settings=fresh_settings)
    assert _by(fresh_settings, "billing_period_start::date::text") == {"2026-02-01": Decimal(5)}
    log = _query(
        fresh_settings,
        "SELECT to_char(billing_period, 'YYYY-MM'), status, error IS NOT NULL "
        "FROM finops.ingest_log ORDER BY billing_period",
    )
    assert log == [("2026-01", "failed", True), ("2026-02", "succeeded", False)]


def test_cli_failure_is_one_line_without_a_traceback(
    fresh_settings: Settings, tmp_path: Path
) -> None:
    bad = tmp_path / "broken.parquet"
    pq.write_table(pa.table({"BilledCost": ["1"], "ChargePeriodStart": ["2026-01-01"]}), bad)
    bad.write_bytes(bad.read_bytes()[:40])
    result = _cli(fresh_settings, "ingest", "billing", str(bad))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{bad}: not a readable parquet file" in result.stderr.replace("\n", "")
    debug = _cli(fresh_settings, "--debug", "ingest", "billing", str(bad))
    assert "Traceback" in debug.stderr
