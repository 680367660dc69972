"""Oracle Cloud Infrastructure cost reports (csv, ``lineItem/…``, ``product/…``, ``usage/…``,
``cost/…`` and one ``tags/<namespace>.<key>`` column per tag) -> FOCUS.

The mapping (``oci.sql``) follows Oracle's FOCUS cost reports: BilledCost = EffectiveCost =
``cost/myCost`` (overage included, as Oracle documents), ContractedCost = ``cost/unitPrice ×
usage/billedQuantity``; the report carries no list price, so ListCost = ``cost/myCost``.
Correction rows (``lineItem/isCorrection``) are ChargeClass ``Correction``.
"""

from __future__ import annotations

from pathlib import Path

from finops.ingest.billing.formats import FileColumns
from finops.ingest.billing.money import MONEY
from finops.ingest.billing.providers.native import NativeFormat, RawColumn, raw_column, text
from finops.ingest.billing.staging import ident, literal

_SQL_DIR = Path(__file__).parent

_COLUMNS: list[tuple[str, str]] = [
    ("lineitem/referenceno", "VARCHAR"),
    ("lineitem/tenantid", "VARCHAR"),
    ("lineitem/intervalusagestart", "TIMESTAMP"),
    ("lineitem/intervalusageend", "TIMESTAMP"),
    ("product/service", "VARCHAR"),
    ("product/resource", "VARCHAR"),
    ("product/compartmentid", "VARCHAR"),
    ("product/compartmentname", "VARCHAR"),
    ("product/region", "VARCHAR"),
    ("product/availabilitydomain", "VARCHAR"),
    ("product/resourceid", "VARCHAR"),
    ("usage/billedquantity", MONEY),
    ("usage/billedquantityoverage", MONEY),
    ("cost/subscriptionid", "VARCHAR"),
    ("cost/productsku", "VARCHAR"),
    ("product/description", "VARCHAR"),
    ("cost/unitprice", MONEY),
    ("cost/unitpriceoverage", MONEY),
    ("cost/mycost", MONEY),
    ("cost/mycostoverage", MONEY),
    ("cost/currencycode", "VARCHAR"),
    ("cost/billingunitreadable", "VARCHAR"),
    ("cost/skuunitdescription", "VARCHAR"),
    ("cost/overageflag", "VARCHAR"),
    ("lineitem/iscorrection", "BOOLEAN"),
    ("lineitem/backreference", "VARCHAR"),
]


def raw(file: FileColumns) -> list[RawColumn]:
    columns = [raw_column(file, name, kind, label=name) for name, kind in _COLUMNS]
    renamed = [
        RawColumn(c.name.replace("/", "_"), c.kind, c.expr, c.source, c.label) for c in columns
    ]
    return [*renamed, _tags(file)]


def _tags(file: FileColumns) -> RawColumn:
    """The ``tags/<key>`` columns folded into one JSON object text (empty values left out)."""
    if not file.tag_columns:
        return RawColumn("tags", "VARCHAR", "'{}'", None, "tags/*")
    structs = ", ".join(
        f"{{'key': {literal(key)}, 'value': {text(ident(column))}}}"
        for key, column in sorted(file.tag_columns.items())
    )
    entries = f"map_from_entries(list_filter([{structs}], lambda e: e.value IS NOT NULL))"
    return RawColumn("tags", "VARCHAR", f"CAST(to_json({entries}) AS VARCHAR)", None, "tags/*")


OCI = NativeFormat(
    name="oci",
    required=(
        "lineItem/tenantId",
        "lineItem/intervalUsageStart",
        "cost/myCost",
        "cost/currencyCode",
    ),
    raw=raw,
    mapping_sql=(_SQL_DIR / "oci.sql").read_text(),
)
