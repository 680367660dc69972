"""The billing warehouse: cost rows stored as attribute sets and facts (the facts partitioned
by month) and the ``costs`` view joining them, the ingest log, source objects, billing
sources, data quality and the daily cost rollup.

``cost_attributes``, ``cost_facts`` and ``costs`` are owned by the billing load (migrations
0001, 0007, 0012); their description here follows the migrated database (``tests/warehouse``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Column, Date, DateTime, ForeignKey, Numeric, Table, Text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from finops.warehouse.cost_columns import FACT_COLUMNS
from finops.warehouse.metadata import metadata

# the columns of a cost row, in the order of the costs view (with x_source_format, which the
# view leaves out); 0012 split them between cost_attributes and cost_facts
_COST_ROW: list[Column[Any]] = [
    Column("availability_zone", Text),
    Column("billed_cost", Numeric),
    Column("billing_account_id", Text),
    Column("billing_account_name", Text),
    Column("billing_account_type", Text),
    Column("billing_currency", Text, nullable=False),
    Column("billing_period_end", DateTime(timezone=True)),
    Column("billing_period_start", DateTime(timezone=True), nullable=False),
    Column("capacity_reservation_id", Text),
    Column("capacity_reservation_status", Text),
    Column("charge_category", Text),
    Column("charge_class", Text),
    Column("charge_description", Text),
    Column("charge_frequency", Text),
    Column("charge_period_end", DateTime(timezone=True)),
    Column("charge_period_start", DateTime(timezone=True), nullable=False),
    Column("commitment_discount_category", Text),
    Column("commitment_discount_id", Text),
    Column("commitment_discount_name", Text),
    Column("commitment_discount_quantity", Numeric),
    Column("commitment_discount_status", Text),
    Column("commitment_discount_type", Text),
    Column("commitment_discount_unit", Text),
    Column("consumed_quantity", Numeric),
    Column("consumed_unit", Text),
    Column("contracted_cost", Numeric),
    Column("contracted_unit_price", Numeric),
    Column("effective_cost", Numeric),
    Column("invoice_id", Text),
    Column("invoice_issuer_name", Text),
    Column("list_cost", Numeric),
    Column("list_unit_price", Numeric),
    Column("pricing_category", Text),
    Column("pricing_currency", Text),
    Column("pricing_currency_contracted_unit_price", Numeric),
    Column("pricing_currency_effective_cost", Numeric),
    Column("pricing_currency_list_unit_price", Numeric),
    Column("pricing_quantity", Numeric),
    Column("pricing_unit", Text),
    Column("provider_name", Text),
    Column("publisher_name", Text),
    Column("region_id", Text),
    Column("region_name", Text),
    Column("resource_id", Text),
    Column("resource_name", Text),
    Column("resource_type", Text),
    Column("service_category", Text),
    Column("service_name", Text),
    Column("service_subcategory", Text),
    Column("sku_id", Text),
    Column("sku_meter", Text),
    Column("sku_price_details", JSONB),
    Column("sku_price_id", Text),
    Column("sub_account_id", Text),
    Column("sub_account_name", Text),
    Column("sub_account_type", Text),
    Column("tags", JSONB, nullable=False),
    Column("x_line_item_type", Text),
    Column("x_usage_type", Text),
    Column("x_operation", Text),
    Column("x_source_id", Text, nullable=False),
    Column("x_source_format", Text, nullable=False),
    Column("x_raw_line_items", BigInteger, nullable=False),
    Column("allocated_method_details", JSONB),
    Column("allocated_method_id", Text),
    Column("allocated_resource_id", Text),
    Column("allocated_resource_name", Text),
    Column("allocated_tags", JSONB),
    Column("contract_applied", JSONB),
    Column("host_provider_name", Text),
    Column("service_provider_name", Text),
    Column("x_extensions", JSONB),
]


def _copies(*, facts: bool) -> list[Column[Any]]:
    return [
        Column(c.name, c.type, nullable=c.nullable)
        for c in _COST_ROW
        if (c.name in FACT_COLUMNS) == facts
    ]


# table: one row per distinct attribute set of a slice (source, billing period)
cost_attributes = Table(
    "cost_attributes",
    metadata,
    Column("attribute_id", BigInteger, primary_key=True),
    *_copies(facts=False),
)
# table, partitioned by month of charge_period_start
cost_facts = Table(
    "cost_facts",
    metadata,
    Column("attribute_id", BigInteger, nullable=False),
    *_copies(facts=True),
)
# view: cost_facts joined to cost_attributes, every column but x_source_format
costs = Table(
    "costs",
    metadata,
    *[Column(c.name, c.type) for c in _COST_ROW if c.name != "x_source_format"],
)

# table
ingest_log = Table(
    "ingest_log",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("run_id", Text, nullable=False),
    Column("source_id", Text, nullable=False),
    Column("source_format", Text, nullable=False),
    Column("billing_period", Date),
    Column("status", Text, nullable=False),
    Column("files", JSONB, nullable=False),
    Column("raw_line_items", BigInteger),
    Column("rows_loaded", BigInteger),
    Column("billing_currency", Text),
    Column("billed_cost", Numeric),
    Column("effective_cost", Numeric),
    Column("list_cost", Numeric),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("error", Text),
    Column("unit_key", Text),
)

# table
source_objects = Table(
    "source_objects",
    metadata,
    Column("bucket", Text, primary_key=True),
    Column("key", Text, primary_key=True),
    Column("etag", Text, nullable=False),
    Column("size_bytes", BigInteger, nullable=False),
    Column("last_modified", DateTime(timezone=True), nullable=False),
    Column("local_path", Text, nullable=False),
    Column("fetched_at", DateTime(timezone=True), nullable=False),
)

# table
billing_sources = Table(
    "billing_sources",
    metadata,
    Column("source_id", Text, primary_key=True),
    Column("source_format", Text, nullable=False),
    Column("natural_key", Text),
    Column("provider_names", ARRAY(Text), nullable=False),
    Column("billing_account_ids", ARRAY(Text), nullable=False),
    Column("export_name", Text),
    Column("location", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_loaded_at", DateTime(timezone=True)),
)

# table
ingest_quality = Table(
    "ingest_quality",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("ingest_log_id", BigInteger, ForeignKey("finops.ingest_log.id"), nullable=False),
    Column("source_id", Text, nullable=False),
    Column("billing_period", Date, nullable=False),
    Column("rule_id", Text, nullable=False),
    Column("column_name", Text, nullable=False),
    Column("severity", Text, nullable=False),
    Column("line_items", BigInteger, nullable=False),
    Column("message", Text, nullable=False),
    Column("examples", JSONB, nullable=False),
)

# view
data_quality = Table(
    "data_quality",
    metadata,
    Column("source_id", Text),
    Column("billing_period", Date),
    Column("rule_id", Text),
    Column("column_name", Text),
    Column("severity", Text),
    Column("line_items", BigInteger),
    Column("message", Text),
    Column("examples", JSONB),
    Column("run_id", Text),
    Column("loaded_at", DateTime(timezone=True)),
)

# table
cost_rollup_daily = Table(
    "cost_rollup_daily",
    metadata,
    Column("day", Date, primary_key=True),
    Column("billing_period_start", Date, nullable=False),
    Column("sub_account_id", Text, primary_key=True),
    Column("service_name", Text, primary_key=True),
    Column("service_category", Text, primary_key=True),
    Column("region_id", Text, primary_key=True),
    Column("charge_category", Text, primary_key=True),
    Column("billing_currency", Text, primary_key=True),
    Column("billed_cost", Numeric(38, 10), nullable=False),
    Column("effective_cost", Numeric(38, 10), nullable=False),
    Column("list_cost", Numeric(38, 10), nullable=False),
)
