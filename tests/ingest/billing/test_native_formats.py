"""Providers' native exports (Azure, Google Cloud, OCI), laid out as each provider documents
them, load through ``ingest_billing`` and reconcile exactly with totals computed from the files."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from finops.config import Settings
from finops.db.engine import get_engine, server_url
from finops.errors import IngestError, OverlapError
from finops.ingest.billing import ingest_billing
from finops.ingest.billing.manage import remove_source
from tests.factories.azure import RESERVATION, AzureCharge, AzureExport
from tests.factories.gcp import GcpExport
from tests.factories.oci import OciReport


def _rows(settings: Settings, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    with get_engine(settings).connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql), params).all()]


def _totals(settings: Settings, source: str) -> tuple[Decimal, Decimal, Decimal]:
    billed, effective, listed = _rows(
        settings,
        "SELECT sum(billed_cost), sum(effective_cost), sum(list_cost) "
        "FROM finops.costs WHERE x_source_id = :s",
        s=source,
    )[0]
    return Decimal(billed), Decimal(effective), Decimal(listed)


# --- Azure --------------------------------------------------------------------------------


def _azure_month(agreement: str) -> tuple[AzureExport, AzureExport]:
    """One month of an actual and an amortized dataset with a reservation."""
    actual, amortized = AzureExport(agreement, "actual"), AzureExport(agreement, "amortized")
    for day in (1, 2, 3):
        on_demand = AzureCharge(
            day=date(2026, 6, day), cost="12.0000000001", tags={"env": "prod", "team": "core"}
        )
        spot = AzureCharge(
            day=date(2026, 6, day), cost="0.33", pricing_model="Spot", resource="vm-spot"
        )
        actual.charges += [on_demand, spot]
        amortized.charges += [on_demand, spot]
        covered = {
            "day": date(2026, 6, day),
            "pricing_model": "Reservation",
            "benefit": RESERVATION,
            "resource": "vm-ri",
            "unit_price": "0",
        }
        actual.charges.append(AzureCharge(cost="0", **covered))  # type: ignore[arg-type]
        amortized.charges.append(AzureCharge(cost="9.6774193548", **covered))  # type: ignore[arg-type]
    purchase = {"pricing_model": "Reservation", "benefit": RESERVATION, "resource": None,
                "frequency": "OneTime", "quantity": "1"}  # fmt: skip
    actual.charges.append(
        AzureCharge(day=date(2026, 6, 1), cost="300", charge_type="Purchase", payg_price="300",
                    unit_price="300", **purchase)  # type: ignore[arg-type]
    )  # fmt: skip
    actual.charges.append(
        AzureCharge(day=date(2026, 6, 20), cost="-50", charge_type="Refund", payg_price="-50",
                    unit_price="-50", **purchase)  # type: ignore[arg-type]
    )  # fmt: skip
    amortized.charges.append(
        AzureCharge(day=date(2026, 6, 30), cost="1.25", charge_type="UnusedReservation",
                    pricing_model="Reservation", benefit=RESERVATION, resource="vm-ri")
    )  # fmt: skip
    return actual, amortized


def test_azure_ea_actual_amortized_alone_and_together(
    fresh_settings: Settings, tmp_path: Path
) -> None:
    actual, amortized = _azure_month("EA")
    actual.write(tmp_path / "actual-only" / "part_0_0001.csv")
    amortized.write(tmp_path / "amortized-only" / "part_0_0001.csv")
    # together in one folder, with names that do not say which is which: told by content
    actual.write(tmp_path / "both" / "costs-1.csv")
    amortized.write(tmp_path / "both" / "costs-2.csv")
    # each dataset alone, one after the other: they are the same charges, so the second is
    # refused rather than counted twice; each is measured, then removed
    ingest_billing(str(tmp_path / "actual-only"), settings=fresh_settings)
    actual_alone = _totals(fresh_settings, "azure:actual-only")
    with pytest.raises(OverlapError, match=r"azure:amortized-only overlaps .*azure:actual-only"):
        ingest_billing(str(tmp_path / "amortized-only"), settings=fresh_settings)
    remove_source("azure:actual-only", settings=fresh_settings)
    ingest_billing(str(tmp_path / "amortized-only"), settings=fresh_settings)
    amortized_alone = _totals(fresh_settings, "azure:amortized-only")
    remove_source("azure:amortized-only", settings=fresh_settings)
    ingest_billing(str(tmp_path / "both"), settings=fresh_settings)

    # an actual-cost file alone: BilledCost is the invoice; nothing is amortized
    assert actual.total() == Decimal("286.9900000003")
    assert actual_alone[:2] == (actual.total(), actual.total())
    # an amortized file alone: EffectiveCost; BilledCost 0 where a commitment covered the usage
    covered = sum(
        (Decimal(c.cost) for c in amortized.charges if c.pricing_model == "Reservation"),
        Decimal(0),
    )
    assert amortized_alone[:2] == (amortized.total() - covered, amortized.total())
    # both: BilledCost from the actual file, EffectiveCost from the amortized one, nothing twice
    billed, effective, listed = _totals(fresh_settings, "azure:both")
    assert (billed, effective) == (actual.total(), amortized.total())
    assert effective == Decimal("36.0000000003") + Decimal("0.99") + Decimal(
        "29.0322580644"
    ) + Decimal("1.25")
    payg = sum(
        (Decimal(c.payg_price) * Decimal(c.quantity) for c in amortized.charges), Decimal(0)
    ) + Decimal(250)  # the purchase and the refund, from the actual file
    assert listed == payg

    by_kind = _rows(
        fresh_settings,
        "SELECT charge_category, charge_class, commitment_discount_status, pricing_category, "
        "sum(billed_cost), sum(effective_cost) FROM finops.costs "
        "WHERE x_source_id = 'azure:both' GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4",
    )
    assert by_kind == [
        ("Purchase", "Correction", None, None, Decimal(-50), Decimal(0)),
        ("Purchase", None, None, None, Decimal(300), Decimal(0)),
        ("Usage", None, "Unused", "Committed", Decimal(0), Decimal("1.25")),
        ("Usage", None, "Used", "Committed", Decimal(0), Decimal("29.0322580644")),
        ("Usage", None, None, "Dynamic", Decimal("0.99"), Decimal("0.99")),
        ("Usage", None, None, "Standard", Decimal("36.0000000003"), Decimal("36.0000000003")),
    ]
    (spot,) = _rows(
        fresh_settings,
        "SELECT tags, region_id, service_name, service_category, billing_account_id, "
        "sub_account_id, commitment_discount_id, commitment_discount_type, resource_id "
        "FROM costs WHERE x_source_id = 'azure:both' AND pricing_category = 'Standard' LIMIT 1",
    )
    assert spot[:6] == (
        {"env": "prod", "team": "core"},  # EA writes the object without braces
        "westeurope",
        "Virtual Machines",
        "Compute",
        "EA-100",
        "sub-0001",
    )
    (ri,) = _rows(
        fresh_settings,
        "SELECT DISTINCT commitment_discount_id, commitment_discount_type, "
        "commitment_discount_category FROM costs WHERE x_source_id = 'azure:both' "
        "AND commitment_discount_status = 'Used'",
    )
    assert ri == (RESERVATION, "Reservation", "Usage")


def test_azure_mca_file(fresh_settings: Settings, tmp_path: Path) -> None:
    actual, _ = _azure_month("MCA")
    path = actual.write(tmp_path / "mca" / "ActualCost_202606.csv")
    (outcome,) = ingest_billing(str(path), settings=fresh_settings)
    assert (outcome.billing_period, outcome.raw_line_items) == ("2026-06", len(actual.charges))
    assert _totals(fresh_settings, "azure:ActualCost_202606")[:2] == (
        actual.total(),
        actual.total(),
    )
    rows = _rows(
        fresh_settings,
        "SELECT DISTINCT billing_account_id, invoice_id, billing_currency, tags FROM costs "
        "WHERE resource_id LIKE '%/vm-1'",
    )
    # MCA's billing account for FOCUS is the billing profile (the invoice scope)
    assert rows == [("BP-7", "G000123456", "EUR", {"env": "prod", "team": "core"})]


# --- Google Cloud -------------------------------------------------------------------------


def _gcp_month() -> GcpExport:
    export = GcpExport()
    for hour in range(3):
        export.add(
            start=datetime(2026, 6, 1, hour),
            cost=1.234567,
            cost_at_list=1.5,
            labels={"team": "ml", "env": "prod"},
            credits=[
                {"name": "Free tier", "amount": -0.2, "full_name": "Free tier",
                 "id": "free-tier", "type": "FREE_TIER"},
                {"name": "Committed use discount: CPU", "amount": -0.345678,
                 "full_name": "Committed use discount: CPU",
                 "id": "projects/shop-prod/regions/europe-west1/commitments/cud-1",
                 "type": "COMMITTED_USAGE_DISCOUNT"},
            ],
        )  # fmt: skip
    export.add(
        start=datetime(2026, 6, 1, 0),
        cost=27.5,
        sku="Commitment v1: Cpu in Belgium for 1 Year",
        resource=None,
    )
    export.add(start=datetime(2026, 6, 30, 0), cost=4.2, cost_type="tax", resource=None,
               region=None, service="Invoice")  # fmt: skip
    export.add(start=datetime(2026, 6, 15, 0), cost=-1.1, cost_type="adjustment",
               resource=None)  # fmt: skip
    return export


@pytest.mark.parametrize("kind", ["jsonl", "parquet", "standard"])
def test_gcp_detailed_export(fresh_settings: Settings, tmp_path: Path, kind: str) -> None:
    export = _gcp_month()
    folder = tmp_path / f"gcp-{kind}"
    if kind == "standard":
        export.write_jsonl(folder / "gcp_billing_export_v1-000000000000.json", standard=True)
    elif kind == "jsonl":
        export.write_jsonl(folder / "gcp_billing_export_resource_v1-000000000000.json")
    else:
        export.write_parquet(folder / "gcp_billing_export_resource_v1-000000000000.parquet")
    (outcome,) = ingest_billing(str(folder), settings=fresh_settings)
    # one FOCUS row per export row and one per credit (6 rows, 6 credits)
    assert outcome.raw_line_items == len(export.rows) + 6
    totals = export.totals()
    assert totals["net"] == Decimal("32.666667")
    assert _totals(fresh_settings, f"gcp:gcp-{kind}") == (
        totals["net"],
        totals["net"],
        totals["list"],
    )
    by_category = _rows(
        fresh_settings,
        "SELECT charge_category, commitment_discount_category, sum(billed_cost) "
        "FROM costs GROUP BY 1, 2 ORDER BY 1, 2",
    )
    assert by_category == [
        ("Adjustment", None, Decimal("-1.1")),
        ("Credit", "Usage", Decimal("-1.037034")),
        ("Credit", None, Decimal("-0.6")),
        ("Purchase", None, Decimal("27.5")),
        ("Tax", None, Decimal("4.2")),
        ("Usage", None, Decimal("3.703701")),
    ]
    (usage,) = _rows(
        fresh_settings,
        "SELECT tags, region_id, availability_zone, service_name, service_category, "
        "sub_account_id, billing_account_id, resource_id, pricing_unit, pricing_quantity "
        "FROM costs WHERE charge_category = 'Usage'",
    )
    detailed = kind != "standard"  # the standard export has no resource or price
    assert usage == (
        {"team": "ml", "env": "prod"},
        "europe-west1",
        "europe-west1-b",
        "Compute Engine",
        "Compute",
        "shop-prod",
        "01A2B3-C4D5E6-F7G8H9",
        "//compute.googleapis.com/projects/shop-prod/zones/europe-west1-b/instances/instance-1"
        if detailed
        else None,
        "hour",  # price.unit, else usage.pricing_unit
        Decimal(3),
    )
    (cud,) = _rows(
        fresh_settings,
        "SELECT DISTINCT commitment_discount_id, commitment_discount_type FROM costs "
        "WHERE commitment_discount_category = 'Usage'",
    )
    assert cud == (
        "projects/shop-prod/regions/europe-west1/commitments/cud-1",
        "Committed Use Discount",
    )


# --- OCI ----------------------------------------------------------------------------------


def test_oci_cost_report(fresh_settings: Settings, tmp_path: Path) -> None:
    report = OciReport()
    first = ""
    for hour in range(4):
        reference = report.add(
            start=datetime(2026, 7, 1, hour),
            cost="0.0512345678",
            quantity="2",
            unit_price="0.0256172839",
            tags={"Oracle-Tags.CreatedBy": "alice", "Finance.CostCenter": "42"},
        )
        first = first or reference
    report.add(start=datetime(2026, 7, 2), cost="0.12", service="OBJECTSTORAGE",
               compartment="data")  # fmt: skip
    report.add(start=datetime(2026, 7, 1), cost="-0.0512345678", quantity="-2",
               correction_of=first)  # fmt: skip
    report.add(start=datetime(2026, 7, 3), cost="-0.05", service="COMPUTE")
    path = report.write(tmp_path / "reports" / "cost" / "0001000000123456-00001.csv.gz")
    env = dict(os.environ, FINOPS_DATABASE_URL=server_url(fresh_settings))
    command = [sys.executable, "-m", "finops", "ingest", "billing", str(path.parent)]
    subprocess.run([*command, "--format", "oci"], env=env, capture_output=True, check=True)
    assert report.total() == Decimal("0.2237037034")
    assert _totals(fresh_settings, "oci:cost") == (report.total(),) * 3
    by_kind = _rows(
        fresh_settings,
        "SELECT charge_category, charge_class, sum(billed_cost), sum(contracted_cost) "
        "FROM costs GROUP BY 1, 2 ORDER BY 1, 2",
    )
    assert by_kind == [
        # ContractedCost = cost/unitPrice × usage/billedQuantity
        ("Credit", None, Decimal("-0.05"), Decimal("0.025")),
        ("Usage", "Correction", Decimal("-0.0512345678"), Decimal("-0.05")),
        ("Usage", None, Decimal("0.3249382712"), Decimal("0.2299382712")),
    ]
    tagged = _rows(
        fresh_settings,
        "SELECT DISTINCT tags, service_name, service_category, region_id, sub_account_name, "
        "billing_account_id FROM costs WHERE charge_class IS NULL AND charge_category = 'Usage' "
        "ORDER BY service_name",
    )
    assert tagged == [
        (
            {"Finance.CostCenter": "42", "Oracle-Tags.CreatedBy": "alice"},
            "COMPUTE",
            "Compute",
            "eu-frankfurt-1",
            "apps",
            "ocid1.tenancy.oc1..aaaaaaaexample",
        ),
        ({}, "OBJECTSTORAGE", "Storage", "eu-frankfurt-1", "data",
         "ocid1.tenancy.oc1..aaaaaaaexample"),
    ]  # fmt: skip


# --- malformed native files -----------------------------------------------------------------


def test_malformed_native_files_name_file_and_column(
    fresh_settings: Settings, tmp_path: Path
) -> None:
    actual, _ = _azure_month("EA")
    actual.charges[1].cost = "12,5"
    path = actual.write(tmp_path / "azure" / "actual.csv")
    with pytest.raises(
        IngestError,
        match=r"actual\.csv: column CostInBillingCurrency, data row 2: value '12,5' cannot be "
        r"converted to a decimal number",
    ):
        ingest_billing(str(path), settings=fresh_settings)

    actual.charges[1].cost = "12"
    actual.charges[3].tags = {"env": "prod"}
    path = actual.write(tmp_path / "azure" / "actual.csv")
    path.write_text(path.read_text(encoding="utf-8-sig").replace('"""env"": ""prod"""', "env=prod"))
    with pytest.raises(
        IngestError,
        match=r"actual\.csv: column Tags, data row 4: value .env=prod. cannot be converted to a J",
    ):
        ingest_billing(str(path), settings=fresh_settings)

    export = _gcp_month()
    export.rows[2]["usage_start_time"] = "yesterday"
    bad = export.write_jsonl(tmp_path / "gcp" / "export.jsonl")
    with pytest.raises(IngestError, match=r"export\.jsonl: column usage_start_time, data row 3"):
        ingest_billing(str(bad), settings=fresh_settings)

    oci = tmp_path / "oci" / "report.csv"
    oci.parent.mkdir()
    lines = ["lineItem/referenceNo,lineItem/intervalUsageStart,cost/myCost,cost/currencyCode",
             "r1,2026-07-01T00:00Z,1,EUR"]  # fmt: skip
    oci.write_text("\n".join(lines) + "\n")
    with pytest.raises(
        IngestError, match=r"report\.csv: missing required columns: lineItem/tenantId"
    ):
        ingest_billing(str(oci), settings=fresh_settings)
    with get_engine(fresh_settings).connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM costs")).scalar() == 0


def test_unreadable_native_parquet_is_named(fresh_settings: Settings, tmp_path: Path) -> None:
    """A parquet file with an untyped (all-NULL) nested field, which BigQuery never writes but
    hand-made files can hold, fails naming the file instead of with DuckDB's internal error."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = _gcp_month().rows
    path = tmp_path / "gcp" / "handmade.parquet"
    path.parent.mkdir()
    pq.write_table(pa.Table.from_pylist(rows), path)  # types inferred: null-typed fields
    with pytest.raises(
        IngestError,
        match=r"handmade\.parquet: column\(s\) adjustment_info, subscription, tags have a field",
    ):
        ingest_billing(str(path), settings=fresh_settings)
