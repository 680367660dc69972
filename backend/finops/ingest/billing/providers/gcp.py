"""Google Cloud Billing export to BigQuery (standard and detailed usage cost) -> FOCUS.

Read from files exported from the BigQuery table: parquet or newline-delimited JSON, with the
documented nested columns (``service``, ``sku``, ``project``, ``labels``, ``location``,
``resource``, ``usage``, ``credits``, ``invoice`` …). The standard schema lacks some of the
detailed schema's fields (``resource``, ``price``); a field a file lacks stages as NULL.

The mapping (``gcp.sql``) follows Google's FOCUS BigQuery view: each export row gives one FOCUS
row for its ``cost`` and one Credit row per entry of ``credits`` (BilledCost = EffectiveCost =
the credit's amount), so the totals equal ``SUM(cost) + SUM(credits.amount)``, Google's
invoice total.
"""

from __future__ import annotations

import re
from pathlib import Path

from finops.ingest.billing.formats import FileColumns
from finops.ingest.billing.money import MONEY
from finops.ingest.billing.providers.native import NativeFormat, RawColumn, cast, raw_column
from finops.ingest.billing.staging import ident

_SQL_DIR = Path(__file__).parent


def _fields(type_: str | None) -> set[str]:
    """Field names of a DuckDB STRUCT type (or of a list of structs), at any depth."""
    return set(re.findall(r"(?:\(|, )\"?([A-Za-z_][A-Za-z0-9_]*)\"? ", type_ or ""))


def _nested(file: FileColumns, name: str, column: str, field: str, kind: str) -> RawColumn:
    """``column.field`` cast to ``kind`` (NULL when the file's struct lacks the field)."""
    original = file.columns.get(column)
    type_ = file.types.get(original) if original else None
    if original is None or field not in _fields(type_):
        return RawColumn(name, kind, f"CAST(NULL AS {kind})", None, f"{column}.{field}")
    source = f"{ident(original)}.{ident(field)}"
    field_type = _field_type(type_ or "", field)
    return RawColumn(name, kind, cast(source, field_type, kind), source, f"{column}.{field}")


def _field_type(type_: str, field: str) -> str | None:
    match = re.search(rf"(?:\(|, )\"?{re.escape(field)}\"? ([A-Z]+)", type_)
    return match.group(1) if match else None


def _key_values(file: FileColumns, name: str, column: str) -> RawColumn:
    """A repeated ``{key, value}`` column (labels) as a JSON object text ('{}' when empty)."""
    original = file.columns.get(column)
    if original is None or not {"key", "value"} <= _fields(file.types.get(original)):
        return RawColumn(name, "VARCHAR", "'{}'", None, column)
    source = ident(original)
    entries = (
        f"list_filter(list_transform({source}, lambda l: {{'key': CAST(l.key AS VARCHAR), "
        f"'value': CAST(l.value AS VARCHAR)}}), lambda e: e.key IS NOT NULL)"
    )
    expr = f"COALESCE(CAST(to_json(map_from_entries({entries})) AS VARCHAR), '{{}}')"
    return RawColumn(name, "VARCHAR", expr, None, column)


def _credits(file: FileColumns) -> RawColumn:
    """``credits`` as a list of {name, amount (exact decimal), type, id, full_name}."""
    original = file.columns.get("credits")
    fields = _fields(file.types.get(original)) if original else set()
    if original is None or "amount" not in fields:
        return RawColumn("credits", "LIST", "[]", None, "credits")

    def field(f: str) -> str:
        return f"CAST(c.{f} AS VARCHAR)" if f in fields else "CAST(NULL AS VARCHAR)"

    amount = f"CAST(CAST(c.amount AS VARCHAR) AS {MONEY})"
    expr = (
        f"COALESCE(list_transform({ident(original)}, lambda c: {{'name': {field('name')}, "
        f"'amount': {amount}, 'type': {field('type')}, 'id': {field('id')}, "
        f"'full_name': {field('full_name')}}}), [])"
    )
    return RawColumn("credits", "LIST", expr, ident(original), "credits")


def raw(file: FileColumns) -> list[RawColumn]:
    return [
        raw_column(file, "billing_account_id", "VARCHAR"),
        _nested(file, "service_id", "service", "id", "VARCHAR"),
        _nested(file, "service_description", "service", "description", "VARCHAR"),
        _nested(file, "sku_id", "sku", "id", "VARCHAR"),
        _nested(file, "sku_description", "sku", "description", "VARCHAR"),
        raw_column(file, "usage_start_time", "TIMESTAMP"),
        raw_column(file, "usage_end_time", "TIMESTAMP"),
        _nested(file, "project_id", "project", "id", "VARCHAR"),
        _nested(file, "project_name", "project", "name", "VARCHAR"),
        _key_values(file, "labels", "labels"),
        _nested(file, "location_region", "location", "region", "VARCHAR"),
        _nested(file, "location_zone", "location", "zone", "VARCHAR"),
        _nested(file, "location_location", "location", "location", "VARCHAR"),
        _nested(file, "resource_name", "resource", "name", "VARCHAR"),
        _nested(file, "resource_global_name", "resource", "global_name", "VARCHAR"),
        _nested(file, "price_effective_price", "price", "effective_price", MONEY),
        _nested(file, "price_unit", "price", "unit", "VARCHAR"),
        _nested(file, "price_pricing_unit_quantity", "price", "pricing_unit_quantity", MONEY),
        _nested(file, "subscription_instance_id", "subscription", "instance_id", "VARCHAR"),
        raw_column(file, "transaction_type", "VARCHAR"),
        raw_column(file, "seller_name", "VARCHAR"),
        raw_column(file, "cost", MONEY),
        raw_column(file, "cost_at_list", MONEY),
        raw_column(file, "currency", "VARCHAR"),
        _nested(file, "usage_amount", "usage", "amount", MONEY),
        _nested(file, "usage_unit", "usage", "unit", "VARCHAR"),
        _nested(file, "usage_amount_in_pricing_units", "usage", "amount_in_pricing_units", MONEY),
        _nested(file, "usage_pricing_unit", "usage", "pricing_unit", "VARCHAR"),
        _credits(file),
        _nested(file, "invoice_month", "invoice", "month", "VARCHAR"),
        raw_column(file, "cost_type", "VARCHAR"),
        _nested(file, "adjustment_id", "adjustment_info", "id", "VARCHAR"),
    ]


GCP = NativeFormat(
    name="gcp",
    required=("billing_account_id", "cost", "currency", "usage_start_time", "invoice"),
    raw=raw,
    mapping_sql=(_SQL_DIR / "gcp.sql").read_text(),
)
