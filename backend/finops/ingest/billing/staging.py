"""Staging: rename and cast only. One SELECT per format over the raw ``raw_billing`` view.

Column names are quoted with ``ident`` and tag keys with ``literal`` (both escape their
quote character), so names taken from an input file cannot change the statement.
"""

from __future__ import annotations

import json

from finops.ingest.billing.cur_columns import CUR_COLUMNS
from finops.ingest.billing.formats import FileColumns
from finops.ingest.billing.money import MONEY

# FOCUS 1.2 columns staged from FOCUS files (snake_case) and their types
FOCUS_COLUMNS: dict[str, str] = {
    "availability_zone": "VARCHAR",
    "billed_cost": MONEY,
    "billing_account_id": "VARCHAR",
    "billing_account_name": "VARCHAR",
    "billing_account_type": "VARCHAR",
    "billing_currency": "VARCHAR",
    "billing_period_end": "TIMESTAMP",
    "billing_period_start": "TIMESTAMP",
    "capacity_reservation_id": "VARCHAR",
    "capacity_reservation_status": "VARCHAR",
    "charge_category": "VARCHAR",
    "charge_class": "VARCHAR",
    "charge_description": "VARCHAR",
    "charge_frequency": "VARCHAR",
    "charge_period_end": "TIMESTAMP",
    "charge_period_start": "TIMESTAMP",
    "commitment_discount_category": "VARCHAR",
    "commitment_discount_id": "VARCHAR",
    "commitment_discount_name": "VARCHAR",
    "commitment_discount_quantity": MONEY,
    "commitment_discount_status": "VARCHAR",
    "commitment_discount_type": "VARCHAR",
    "commitment_discount_unit": "VARCHAR",
    "consumed_quantity": MONEY,
    "consumed_unit": "VARCHAR",
    "contracted_cost": MONEY,
    "contracted_unit_price": MONEY,
    "effective_cost": MONEY,
    "invoice_id": "VARCHAR",
    "invoice_issuer_name": "VARCHAR",
    "list_cost": MONEY,
    "list_unit_price": MONEY,
    "pricing_category": "VARCHAR",
    "pricing_currency": "VARCHAR",
    "pricing_currency_contracted_unit_price": MONEY,
    "pricing_currency_effective_cost": MONEY,
    "pricing_currency_list_unit_price": MONEY,
    "pricing_quantity": MONEY,
    "pricing_unit": "VARCHAR",
    "provider_name": "VARCHAR",
    "publisher_name": "VARCHAR",
    "region_id": "VARCHAR",
    "region_name": "VARCHAR",
    "resource_id": "VARCHAR",
    "resource_name": "VARCHAR",
    "resource_type": "VARCHAR",
    "service_category": "VARCHAR",
    "service_name": "VARCHAR",
    "service_subcategory": "VARCHAR",
    "sku_id": "VARCHAR",
    "sku_meter": "VARCHAR",
    "sku_price_details": "JSON",
    "sku_price_id": "VARCHAR",
    "sub_account_id": "VARCHAR",
    "sub_account_name": "VARCHAR",
    "sub_account_type": "VARCHAR",
    "tags": "JSON",
    # FOCUS 1.3
    "allocated_method_details": "JSON",
    "allocated_method_id": "VARCHAR",
    "allocated_resource_id": "VARCHAR",
    "allocated_resource_name": "VARCHAR",
    "allocated_tags": "JSON",
    "contract_applied": "JSON",
    "host_provider_name": "VARCHAR",
    "service_provider_name": "VARCHAR",
}
# provider extension columns the warehouse keeps in columns of its own (AWS FOCUS exports)
FOCUS_EXTENSIONS: dict[str, str] = {"x_UsageType": "x_usage_type", "x_Operation": "x_operation"}
# stg_focus columns beyond FOCUS's own: those two and every other extra column as JSON text
STAGED_EXTRAS: dict[str, str] = {
    "x_usage_type": "VARCHAR",
    "x_operation": "VARCHAR",
    "x_extensions": "VARCHAR",
}

# what a FOCUS row cannot be placed (partition, slice) or reconciled without; every other
# mandatory column that a real export leaves out or empty is kept as NULL and reported
# (quality.py), never refused
FOCUS_REQUIRED = ("billed_cost", "billing_currency", "billing_period_start", "charge_period_start")
_JSON = "JSON"

_TIMESTAMP_SOURCES = ("TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "DATE")


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _text(expr: str) -> str:
    """Literal NULL strings and empty strings, which real exports contain, become NULL."""
    return f"NULLIF(NULLIF(TRIM(CAST({expr} AS VARCHAR)), ''), 'NULL')"


def _cast(source: str, source_type: str | None, target: str, *, clean: bool = True) -> str:
    if target == "VARCHAR" and source_type == "VARCHAR" and not clean:
        return source  # typed CUR parquet: '' stays '', the mapping treats it as absent
    if target == "TIMESTAMP":
        if source_type in _TIMESTAMP_SOURCES:
            return f"CAST({source} AS TIMESTAMP)"
        # text timestamps may carry an offset ('…Z', '+02:00'): normalise to UTC
        return f"CAST(CAST({_text(source)} AS TIMESTAMPTZ) AS TIMESTAMP)"
    if source_type == "VARCHAR" or source_type is None:
        return f"CAST({_text(source)} AS {target})"
    if target.startswith("DECIMAL") and source_type in ("DOUBLE", "FLOAT"):
        # through the shortest text that reads back as the same double: 3.3333333333, not
        # the binary expansion 3.33333333330000019456
        return f"CAST(CAST({source} AS VARCHAR) AS {target})"
    return f"CAST({source} AS {target})"


def _source(file: FileColumns, canonical: str) -> tuple[str, str | None] | None:
    original = file.columns.get(canonical)
    if original is None:
        return None
    return ident(original), file.types.get(original)


def cur_columns(file: FileColumns) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for name, kind in CUR_COLUMNS.items():
        found = _source(file, name)
        out.append((name, _cast(*found, kind, clean=False) if found else f"CAST(NULL AS {kind})"))
    if file.source_format == "cur2" and "product_region_code" not in file.columns:
        # older exports carry the region only in the product map
        out = [
            (n, "CAST(product['region'] AS VARCHAR)" if n == "product_region_code" else e)
            for n, e in out
        ]
    # the product map is read for its name only and tags become JSON text here, per row: a
    # map copied or grouped per line item costs more than the rest of the transform together
    if file.source_format == "cur2":
        product = _source(file, "product")
        out.append(
            (
                "product_name",
                f"NULLIF(map_extract_value({product[0]}, 'product_name'), '')"
                if product
                else "CAST(NULL AS VARCHAR)",
            )
        )
        tags = _source(file, "resource_tags")
        out.append(
            (
                "resource_tags",
                f"COALESCE(CAST(to_json({tags[0]}) AS VARCHAR), '{{}}')" if tags else "'{}'",
            )
        )
        return out
    # legacy CUR: the product name and the tag columns folded into a JSON object
    found = _source(file, "product_product_name")
    out.append(("product_name", _text(found[0]) if found else "CAST(NULL AS VARCHAR)"))
    if "product_region_code" not in file.columns and "product_region" in file.columns:
        region = _text(ident(file.columns["product_region"]))
        out = [(n, region if n == "product_region_code" else e) for n, e in out]
    if file.tag_columns:
        # the JSON object's text built by concatenation: a map built and serialized per line
        # item costs ten times as much, and the text is parsed by PostgreSQL's jsonb anyway
        members = ", ".join(
            f"CASE WHEN {_text(ident(column))} IS NOT NULL THEN "
            f"{literal(json.dumps(key) + ':')} || CAST(to_json({_text(ident(column))}) AS VARCHAR)"
            " END"
            for key, column in sorted(file.tag_columns.items())
        )
        tags_json = f"'{{' || concat_ws(',', {members}) || '}}'"
    else:
        tags_json = "'{}'"
    out.append(("resource_tags", tags_json))
    return out


def focus_columns(file: FileColumns) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for name, kind in FOCUS_COLUMNS.items():
        found = _source(file, name) or _absent_default(file, name)
        if found is None:
            out.append((name, f"CAST(NULL AS {kind})"))
        elif kind == _JSON:
            out.append((name, _json(*found)))
        else:
            out.append((name, _cast(*found, kind)))
    for original, target in FOCUS_EXTENSIONS.items():
        out.append(
            (target, _text(ident(original)) if original in file.types else "CAST(NULL AS VARCHAR)")
        )
    out.append(("x_extensions", _extensions(file)))
    return out


def _absent_default(file: FileColumns, name: str) -> tuple[str, str | None] | None:
    """A value for a column the file's FOCUS version does not have (never for a NULL value).

    FOCUS 1.3 deprecates ProviderName for ServiceProviderName; exports before 1.0 have no
    InvoiceIssuerName / PublisherName (the provider is both) and may lack BillingPeriodEnd.
    """
    if name == "provider_name":
        return _source(file, "service_provider_name")
    if name in ("invoice_issuer_name", "publisher_name"):
        return _source(file, "provider_name") or _source(file, "service_provider_name")
    if name == "billing_period_end":
        start = _source(file, "billing_period_start")
        if start is not None:
            return f"({_cast(*start, 'TIMESTAMP')} + INTERVAL 1 MONTH)", "TIMESTAMP"
    return None


def _json(column: str, column_type: str | None) -> str:
    """A JSON text column (providers write JSON objects as strings) or a parquet MAP/STRUCT."""
    if column_type is not None and column_type.startswith(("MAP", "STRUCT")):
        return f"CAST(to_json({column}) AS JSON)"
    return f"CAST({_text(column)} AS JSON)"


def _extensions(file: FileColumns) -> str:
    """Every column of the file that is not a FOCUS column (custom ``x_`` columns, columns of
    a newer FOCUS version), kept as one JSON object rather than dropped."""
    known = set(FOCUS_COLUMNS) | set(FOCUS_EXTENSIONS)
    extra = sorted(original for name, original in file.columns.items() if name not in known)
    if not extra:
        return "CAST(NULL AS VARCHAR)"
    pairs = ", ".join(f"{literal(name)}, {_extension_value(file, name)}" for name in extra)
    return f"CAST(json_object({pairs}) AS VARCHAR)"


def _extension_value(file: FileColumns, name: str) -> str:
    kind = file.types.get(name) or "VARCHAR"
    if kind.startswith(("MAP", "STRUCT")) or kind.endswith("[]"):
        return f"to_json({ident(name)})"
    return _text(ident(name))
