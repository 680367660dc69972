"""Small hand-built CUR 2.0 exports with known totals, for ingestion and API tests."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

MAP = pa.map_(pa.string(), pa.string())

SCHEMA = pa.schema(
    [
        ("billing_period", pa.string()),
        ("bill_billing_period_start_date", pa.timestamp("ms")),
        ("bill_billing_period_end_date", pa.timestamp("ms")),
        ("bill_payer_account_id", pa.string()),
        ("bill_payer_account_name", pa.string()),
        ("bill_invoice_id", pa.string()),
        ("bill_billing_entity", pa.string()),
        ("line_item_usage_account_id", pa.string()),
        ("line_item_usage_account_name", pa.string()),
        ("line_item_line_item_type", pa.string()),
        ("line_item_usage_start_date", pa.timestamp("ms")),
        ("line_item_usage_end_date", pa.timestamp("ms")),
        ("line_item_product_code", pa.string()),
        ("line_item_usage_type", pa.string()),
        ("line_item_operation", pa.string()),
        ("line_item_availability_zone", pa.string()),
        ("line_item_resource_id", pa.string()),
        ("line_item_usage_amount", pa.float64()),
        ("line_item_currency_code", pa.string()),
        ("line_item_unblended_cost", pa.float64()),
        ("line_item_net_unblended_cost", pa.float64()),
        ("line_item_line_item_description", pa.string()),
        ("line_item_legal_entity", pa.string()),
        ("product_region_code", pa.string()),
        ("product_product_family", pa.string()),
        ("product_sku", pa.string()),
        ("pricing_term", pa.string()),
        ("pricing_unit", pa.string()),
        ("pricing_public_on_demand_cost", pa.float64()),
        ("savings_plan_savings_plan_a_r_n", pa.string()),
        ("savings_plan_savings_plan_effective_cost", pa.float64()),
        ("product", MAP),
        ("resource_tags", MAP),
    ]
)

SERVICES = {
    "AmazonEC2": ("Amazon Elastic Compute Cloud", "Compute Instance", "BoxUsage:m5.large", "Hrs"),
    "AmazonRDS": (
        "Amazon Relational Database Service",
        "Database Instance",
        "InstanceUsage:db.m5.large",
        "Hrs",
    ),
    "AmazonS3": ("Amazon Simple Storage Service", "Storage", "TimedStorage-ByteHrs", "GB-Mo"),
}


@dataclass
class Cur2Export:
    """Rows of one export; ``write`` lays them out like AWS Data Exports."""

    name: str = "test-export"
    payer: str = "111111111111"
    rows: list[dict[str, object]] = field(default_factory=list)

    def add_usage(
        self,
        *,
        day: datetime,
        account: str,
        service: str,
        cost: str,
        resource_id: str | None = None,
        hours: int = 1,
        region: str = "us-east-1",
        tags: dict[str, str] | None = None,
        line_item_type: str = "Usage",
        savings_plan_arn: str | None = None,
        savings_plan_effective_cost: str | None = None,
        usage_type: str | None = None,
        unit: str | None = None,
        usage_amount: float = 1.0,
    ) -> None:
        """``hours`` hourly lines on ``day`` whose costs add up to exactly ``cost``, each with
        ``usage_amount`` of usage (the service's usage type and unit unless given)."""
        product_name, family, default_type, default_unit = SERVICES[service]
        usage_type, unit = usage_type or default_type, unit or default_unit
        total = Decimal(cost)
        share = (total / hours).quantize(Decimal("0.0000000001"))
        for hour in range(hours):
            amount = share if hour < hours - 1 else total - share * (hours - 1)
            start = day + timedelta(hours=hour)
            period_start = day.replace(day=1, hour=0)
            self.rows.append(
                {
                    "billing_period": f"{period_start:%Y-%m}",
                    "bill_billing_period_start_date": period_start,
                    "bill_billing_period_end_date": (period_start + timedelta(days=32)).replace(
                        day=1
                    ),
                    "bill_payer_account_id": self.payer,
                    "bill_payer_account_name": "Payer",
                    "bill_invoice_id": f"INV-{period_start:%Y%m}",
                    "bill_billing_entity": "AWS",
                    "line_item_usage_account_id": account,
                    "line_item_usage_account_name": f"acct-{account[-4:]}",
                    "line_item_line_item_type": line_item_type,
                    "line_item_usage_start_date": start,
                    "line_item_usage_end_date": start + timedelta(hours=1),
                    "line_item_product_code": service,
                    "line_item_usage_type": usage_type,
                    "line_item_operation": "RunInstances",
                    "line_item_availability_zone": f"{region}a",
                    "line_item_resource_id": resource_id or "",
                    "line_item_usage_amount": usage_amount,
                    "line_item_currency_code": "USD",
                    "line_item_unblended_cost": float(amount),
                    "line_item_net_unblended_cost": float(amount),
                    "line_item_line_item_description": f"{usage_type} usage",
                    "line_item_legal_entity": "Amazon Web Services, Inc.",
                    "product_region_code": region,
                    "product_product_family": family,
                    "product_sku": f"SKU-{service}",
                    "pricing_term": "OnDemand",
                    "pricing_unit": unit,
                    "pricing_public_on_demand_cost": float(amount),
                    "savings_plan_savings_plan_a_r_n": savings_plan_arn,
                    "savings_plan_savings_plan_effective_cost": (
                        None
                        if savings_plan_effective_cost is None
                        else float(Decimal(savings_plan_effective_cost) / hours)
                    ),
                    "product": [("product_name", product_name), ("region", region)],
                    "resource_tags": sorted((tags or {}).items()),
                }
            )

    def write(self, root: Path) -> Path:
        """Write ``root/<name>/data/BILLING_PERIOD=…`` files and manifests; returns ``root``."""
        by_period: dict[str, list[dict[str, object]]] = {}
        for row in self.rows:
            by_period.setdefault(str(row["billing_period"]), []).append(row)
        for period, rows in sorted(by_period.items()):
            data_dir = root / self.name / "data" / f"BILLING_PERIOD={period}"
            meta_dir = root / self.name / "metadata" / f"BILLING_PERIOD={period}"
            data_dir.mkdir(parents=True, exist_ok=True)
            meta_dir.mkdir(parents=True, exist_ok=True)
            file_name = f"{self.name}-00001.snappy.parquet"
            table = pa.Table.from_pylist(rows, schema=SCHEMA)
            pq.write_table(table, data_dir / file_name, compression="snappy")
            manifest = {
                "billingPeriod": {"start": f"{period}-01T00:00:00.000Z"},
                "dataFiles": [
                    f"s3://bucket/prefix/{self.name}/data/BILLING_PERIOD={period}/{file_name}"
                ],
            }
            (meta_dir / f"{self.name}-Manifest.json").write_text(json.dumps(manifest))
        return root

    def total(self, *, period: str | None = None) -> Decimal:
        return sum(
            (
                Decimal(str(r["line_item_unblended_cost"]))
                for r in self.rows
                if period is None or r["billing_period"] == period
            ),
            Decimal(0),
        )


LEGACY_NAMES = {
    "bill_billing_period_start_date": "bill/BillingPeriodStartDate",
    "bill_billing_period_end_date": "bill/BillingPeriodEndDate",
    "bill_payer_account_id": "bill/PayerAccountId",
    "bill_invoice_id": "bill/InvoiceId",
    "bill_billing_entity": "bill/BillingEntity",
    "line_item_usage_account_id": "lineItem/UsageAccountId",
    "line_item_line_item_type": "lineItem/LineItemType",
    "line_item_usage_start_date": "lineItem/UsageStartDate",
    "line_item_usage_end_date": "lineItem/UsageEndDate",
    "line_item_product_code": "lineItem/ProductCode",
    "line_item_usage_type": "lineItem/UsageType",
    "line_item_operation": "lineItem/Operation",
    "line_item_availability_zone": "lineItem/AvailabilityZone",
    "line_item_resource_id": "lineItem/ResourceId",
    "line_item_usage_amount": "lineItem/UsageAmount",
    "line_item_currency_code": "lineItem/CurrencyCode",
    "line_item_unblended_cost": "lineItem/UnblendedCost",
    "line_item_line_item_description": "lineItem/LineItemDescription",
    "line_item_legal_entity": "lineItem/LegalEntity",
    "product_region_code": "product/regionCode",
    "product_product_family": "product/productFamily",
    "product_sku": "product/sku",
    "pricing_term": "pricing/term",
    "pricing_unit": "pricing/unit",
    "pricing_public_on_demand_cost": "pricing/publicOnDemandCost",
}


def legacy_rows(export: Cur2Export, *, naming: str = "slash") -> list[dict[str, str]]:
    """The export's rows as legacy CUR text columns (``slash`` or ``athena`` spelling)."""
    out: list[dict[str, str]] = []
    tag_keys = sorted({k for r in export.rows for k, _ in r["resource_tags"]})  # type: ignore[union-attr]
    for row in export.rows:
        record: dict[str, str] = {}
        for name, legacy in LEGACY_NAMES.items():
            value = row[name]
            text = (
                value.strftime("%Y-%m-%dT%H:%M:%SZ")
                if isinstance(value, datetime)
                else (format(Decimal(str(value)), "f") if isinstance(value, float) else str(value))
            )
            record[legacy if naming == "slash" else name] = text
        product = dict(row["product"])  # type: ignore[arg-type]
        record["product/ProductName" if naming == "slash" else "product_product_name"] = product[
            "product_name"
        ]
        tags = dict(row["resource_tags"])  # type: ignore[arg-type]
        for key in tag_keys:
            column = (
                f"resourceTags/{key}"
                if naming == "slash"
                else ("resource_tags_" + key.replace(":", "_"))
            )
            record[column] = tags.get(key, "")
        out.append(record)
    return out


def write_legacy_cur(
    export: Cur2Export,
    root: Path,
    *,
    report: str = "legacy",
    naming: str = "slash",
    compression: str = "gzip",
) -> Path:
    """Legacy CUR layout: ``root/<report>/YYYYMMDD-YYYYMMDD/<report>-1.csv.gz`` + manifest."""
    import csv
    import gzip
    import io

    rows = legacy_rows(export, naming=naming)
    by_period: dict[str, list[dict[str, str]]] = {}
    for source, record in zip(export.rows, rows, strict=True):
        by_period.setdefault(str(source["billing_period"]), []).append(record)
    for period, records in sorted(by_period.items()):
        start = datetime.strptime(period, "%Y-%m")
        end = (start + timedelta(days=32)).replace(day=1)
        folder = root / report / f"{start:%Y%m%d}-{end:%Y%m%d}"
        folder.mkdir(parents=True, exist_ok=True)
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)
        name = f"{report}-1.csv" + (".gz" if compression == "gzip" else "")
        data = buffer.getvalue().encode()
        (folder / name).write_bytes(gzip.compress(data, mtime=0) if compression == "gzip" else data)
        manifest = {
            "reportKeys": [f"prefix/{report}/{folder.name}/{name}"],
            "billingPeriod": {"start": f"{start:%Y%m%d}T000000.000Z"},
        }
        (folder / f"{report}-Manifest.json").write_text(json.dumps(manifest))
    return root
