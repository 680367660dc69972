"""AWS Data Exports of Cost Optimization Hub recommendations and of carbon emissions, in the
Data Exports layout (``<export>/data/BILLING_PERIOD=YYYY-MM/<export>-00001.…`` beside
``<export>/metadata/…/<export>-Manifest.json``) with the documented columns in their order."""

from __future__ import annotations

import csv
import gzip
import json
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

_S, _F, _T, _B, _I = pa.string(), pa.float64(), pa.timestamp("ms"), pa.bool_(), pa.int32()
COH_SCHEMA = pa.schema(
    [
        ("account_id", _S), ("account_name", _S), ("action_type", _S), ("currency_code", _S),
        ("current_resource_details", _S), ("current_resource_summary", _S),
        ("current_resource_type", _S), ("estimated_monthly_cost_after_discount", _F),
        ("estimated_monthly_cost_before_discount", _F),
        ("estimated_monthly_savings_after_discount", _F),
        ("estimated_monthly_savings_before_discount", _F),
        ("estimated_savings_percentage_after_discount", _F),
        ("estimated_savings_percentage_before_discount", _F), ("implementation_effort", _S),
        ("last_refresh_timestamp", _T), ("recommendation_id", _S),
        ("recommendation_lookback_period_in_days", _I), ("recommendation_source", _S),
        ("recommended_resource_details", _S), ("recommended_resource_summary", _S),
        ("recommended_resource_type", _S), ("region", _S), ("resource_arn", _S),
        ("resource_id", _S), ("restart_needed", _B), ("rollback_possible", _B),
        ("tags", pa.list_(pa.struct([("key", _S), ("value", _S)]))),
    ]
)  # fmt: skip

CARBON_COLUMNS = (
    "last_refresh_timestamp", "location", "model_version", "payer_account_id", "product_code",
    "region_code", "total_lbm_emissions_unit", "total_lbm_emissions_value",
    "total_mbm_emissions_unit", "total_mbm_emissions_value", "usage_account_id",
    "usage_period_end", "usage_period_start",
)  # fmt: skip

REFRESHED = datetime(2026, 11, 2, 6, 0)


def _layout(root: Path, name: str, period: str, suffix: str) -> Path:
    data = root / name / "data" / f"BILLING_PERIOD={period}" / f"{name}-00001{suffix}"
    data.parent.mkdir(parents=True, exist_ok=True)
    manifest = root / name / "metadata" / f"BILLING_PERIOD={period}" / f"{name}-Manifest.json"
    manifest.parent.mkdir(parents=True, exist_ok=True)
    manifest.write_text(json.dumps({"dataFiles": [str(data.relative_to(root))]}))
    return data


@dataclass
class CohExport:
    name: str = "coh-recommendations"
    rows: list[dict[str, Any]] = field(default_factory=list)

    def add(
        self,
        *,
        resource_id: str,
        action_type: str,
        savings: float,
        account_id: str = "210000000001",
        region: str = "us-east-1",
        resource_type: str = "Ec2Instance",
        cost: float | None = None,
    ) -> None:
        number = len(self.rows) + 1
        self.rows.append(
            {
                "account_id": account_id,
                "account_name": f"account {account_id}",
                "action_type": action_type,
                "currency_code": "USD",
                "current_resource_details": json.dumps({"ec2Instance": {"type": "m5.xlarge"}}),
                "current_resource_summary": "m5.xlarge",
                "current_resource_type": resource_type,
                "estimated_monthly_cost_after_discount": cost or savings * 2,
                "estimated_monthly_cost_before_discount": cost or savings * 2,
                "estimated_monthly_savings_after_discount": savings,
                "estimated_monthly_savings_before_discount": savings,
                "estimated_savings_percentage_after_discount": 50.0,
                "estimated_savings_percentage_before_discount": 50.0,
                "implementation_effort": "Low",
                "last_refresh_timestamp": REFRESHED,
                "recommendation_id": f"MjEwMDAwMDAwMDAxXzE{number:05d}",
                "recommendation_lookback_period_in_days": 14,
                "recommendation_source": "ComputeOptimizer",
                "recommended_resource_details": json.dumps({"ec2Instance": {"type": "m5.large"}}),
                "recommended_resource_summary": "m5.large",
                "recommended_resource_type": resource_type,
                "region": region,
                "resource_arn": f"arn:aws:ec2:{region}:{account_id}:instance/{resource_id}",
                "resource_id": resource_id,
                "restart_needed": action_type in ("Rightsize", "Stop", "MigrateToGraviton"),
                "rollback_possible": True,
                "tags": [{"key": "team", "value": "core"}],
            }
        )

    def write(self, root: Path, period: str = "2026-11") -> Path:
        path = _layout(root, self.name, period, ".snappy.parquet")
        pq.write_table(pa.Table.from_pylist(self.rows, schema=COH_SCHEMA), path)
        return root / self.name

    def total_savings(self) -> Decimal:
        return sum(
            (Decimal(repr(r["estimated_monthly_savings_after_discount"])) for r in self.rows),
            Decimal(0),
        )


@dataclass
class CarbonExport:
    name: str = "carbon"
    rows: list[dict[str, str]] = field(default_factory=list)

    def add(self, *, month: str, account: str, product: str, region: str, lbm: str,
            mbm: str) -> None:  # fmt: skip
        start = datetime.strptime(month, "%Y-%m")
        end = start.replace(year=start.year + start.month // 12, month=start.month % 12 + 1)
        self.rows.append(
            {
                "last_refresh_timestamp": f"{REFRESHED:%Y-%m-%d %H:%M:%S}Z",
                "location": "US East (N. Virginia)" if region == "us-east-1" else region,
                "model_version": "v3.0.0",
                "payer_account_id": "210000000000",
                "product_code": product,
                "region_code": region,
                "total_lbm_emissions_unit": "MTCO2e",
                "total_lbm_emissions_value": lbm,
                "total_mbm_emissions_unit": "MTCO2e",
                "total_mbm_emissions_value": mbm,
                "usage_account_id": account,
                "usage_period_end": f"{end:%Y-%m-%d %H:%M:%S}Z",
                "usage_period_start": f"{start:%Y-%m-%d %H:%M:%S}Z",
            }
        )

    def write(self, root: Path, period: str) -> Path:
        path = _layout(root, self.name, period, ".csv.gz")
        with gzip.open(path, "wt", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=CARBON_COLUMNS)
            writer.writeheader()
            writer.writerows(r for r in self.rows if r["usage_period_start"].startswith(period))
        return root / self.name
