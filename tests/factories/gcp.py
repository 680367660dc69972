"""Google Cloud Billing export (detailed usage cost) rows as BigQuery exports them to files.

The fields and nesting of the documented detailed usage cost schema; as newline-delimited JSON
(BigQuery's JSON export: FLOAT64 as numbers, INT64 and NUMERIC as strings, TIMESTAMP as
``YYYY-MM-DD HH:MM:SS UTC``) or parquet (typed, repeated records as lists of structs).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

STANDARD_LACKS = ("resource", "price")  # detailed-export-only fields

_S = pa.string()
_F = pa.float64()
_T = pa.timestamp("us", tz="UTC")
_KV = pa.list_(pa.struct([("key", _S), ("value", _S)]))
SCHEMA = pa.schema(
    [
        ("billing_account_id", _S),
        ("service", pa.struct([("id", _S), ("description", _S)])),
        ("sku", pa.struct([("id", _S), ("description", _S)])),
        ("usage_start_time", _T),
        ("usage_end_time", _T),
        (
            "project",
            pa.struct(
                [
                    ("id", _S),
                    ("number", _S),
                    ("name", _S),
                    ("labels", _KV),
                    ("ancestry_numbers", _S),
                ]
            ),
        ),
        ("labels", _KV),
        ("system_labels", _KV),
        ("location", pa.struct([("location", _S), ("country", _S), ("region", _S), ("zone", _S)])),
        ("resource", pa.struct([("name", _S), ("global_name", _S)])),
        (
            "tags",
            pa.list_(
                pa.struct(
                    [("key", _S), ("value", _S), ("inherited", pa.bool_()), ("namespace", _S)]
                )
            ),
        ),
        (
            "price",
            pa.struct(
                [
                    ("effective_price", _F),
                    ("tier_start_amount", _F),
                    ("unit", _S),
                    ("pricing_unit_quantity", _F),
                ]
            ),
        ),
        ("subscription", pa.struct([("instance_id", _S)])),
        ("transaction_type", _S),
        ("seller_name", _S),
        ("export_time", _T),
        ("cost", _F),
        ("cost_at_list", _F),
        ("currency", _S),
        ("currency_conversion_rate", _F),
        (
            "usage",
            pa.struct(
                [
                    ("amount", _F),
                    ("unit", _S),
                    ("amount_in_pricing_units", _F),
                    ("pricing_unit", _S),
                ]
            ),
        ),
        (
            "credits",
            pa.list_(
                pa.struct(
                    [("name", _S), ("amount", _F), ("full_name", _S), ("id", _S), ("type", _S)]
                )
            ),
        ),
        ("invoice", pa.struct([("month", _S), ("publisher_type", _S)])),
        ("cost_type", _S),
        (
            "adjustment_info",
            pa.struct([("id", _S), ("description", _S), ("mode", _S), ("type", _S)]),
        ),
    ]
)


@dataclass
class GcpExport:
    billing_account: str = "01A2B3-C4D5E6-F7G8H9"
    rows: list[dict[str, Any]] = field(default_factory=list)

    def add(
        self,
        *,
        start: datetime,
        cost: float,
        service: str = "Compute Engine",
        sku: str = "N2 Instance Core running in Belgium",
        project: str = "shop-prod",
        labels: dict[str, str] | None = None,
        credits: list[dict[str, Any]] | None = None,
        cost_type: str = "regular",
        region: str | None = "europe-west1",
        resource: str | None = "instance-1",
        cost_at_list: float | None = None,
        usage_amount: float = 3600.0,
        invoice_month: str | None = None,
    ) -> None:
        end = start + timedelta(hours=1)
        self.rows.append(
            {
                "billing_account_id": self.billing_account,
                "service": {"id": "6F81-5844-456A", "description": service},
                "sku": {"id": "SKU-" + str(abs(hash(sku)) % 10000), "description": sku},
                "usage_start_time": start.replace(tzinfo=UTC),
                "usage_end_time": end.replace(tzinfo=UTC),
                "project": {
                    "id": project,
                    "number": "123456789012",
                    "name": project.replace("-", " ").title(),
                    "labels": [{"key": "env", "value": "prod"}],
                    "ancestry_numbers": "/9876/123456789012/",
                },
                "labels": [{"key": k, "value": v} for k, v in (labels or {}).items()],
                "system_labels": [
                    {"key": "compute.googleapis.com/machine_spec", "value": "n2-standard-4"}
                ],
                "location": {
                    "location": region,
                    "country": "BE" if region else None,
                    "region": region,
                    "zone": f"{region}-b" if region else None,
                },
                "resource": {
                    "name": resource,
                    "global_name": (
                        f"//compute.googleapis.com/projects/{project}/zones/{region}-b/"
                        f"instances/{resource}"
                        if resource
                        else None
                    ),
                },
                "tags": [],
                "price": {
                    "effective_price": 0.031611,
                    "tier_start_amount": 0.0,
                    "unit": "hour",
                    "pricing_unit_quantity": 1.0,
                },
                "subscription": {"instance_id": None},
                "transaction_type": "GOOGLE",
                "seller_name": "Google",
                "export_time": (end + timedelta(hours=5)).replace(tzinfo=UTC),
                "cost": cost,
                "cost_at_list": cost if cost_at_list is None else cost_at_list,
                "currency": "USD",
                "currency_conversion_rate": 1.0,
                "usage": {
                    "amount": usage_amount,
                    "unit": "seconds",
                    "amount_in_pricing_units": usage_amount / 3600,
                    "pricing_unit": "hour",
                },
                "credits": credits or [],
                "invoice": {
                    "month": invoice_month or start.strftime("%Y%m"),
                    "publisher_type": "Google",
                },
                "cost_type": cost_type,
                "adjustment_info": {"id": None, "description": None, "mode": None, "type": None},
            }
        )

    def write_jsonl(self, path: Path, *, standard: bool = False) -> Path:
        """The detailed export, or (``standard``) the standard one: no resource or price."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w") as handle:
            for row in self.rows:
                if standard:
                    row = {k: v for k, v in row.items() if k not in STANDARD_LACKS}
                handle.write(json.dumps(_bigquery_json(row)) + "\n")
        return path

    def write_parquet(self, path: Path) -> Path:
        """Typed as BigQuery writes the export table (FLOAT64 -> double, TIMESTAMP -> UTC)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.Table.from_pylist(self.rows, schema=SCHEMA), path)
        return path

    def totals(self) -> dict[str, Decimal]:
        """Invoice totals computed from the rows: cost, credits, cost + credits, list cost."""
        cost = sum((Decimal(repr(r["cost"])) for r in self.rows), Decimal(0))
        credits = sum(
            (Decimal(repr(c["amount"])) for r in self.rows for c in r["credits"]), Decimal(0)
        )
        at_list = sum((Decimal(repr(r["cost_at_list"])) for r in self.rows), Decimal(0))
        return {"cost": cost, "credits": credits, "net": cost + credits, "list": at_list}


def _bigquery_json(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S UTC")
    if isinstance(value, dict):
        return {k: _bigquery_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_bigquery_json(v) for v in value]
    return value
