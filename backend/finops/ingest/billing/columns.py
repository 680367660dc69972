"""The warehouse's cost columns as the billing load writes them (migration 0012).

A cost row is an attribute set (``cost_attributes``: every FOCUS dimension, one row per
distinct set of a slice) and its facts (``cost_facts``: per charge period, the attribute id and
the measures); ``finops.costs`` joins them.
"""

from __future__ import annotations

from finops.warehouse.cost_columns import MEASURES as MEASURES  # the additive columns

# every FOCUS column the warehouse keeps besides the measures and the charge period; unit
# prices are attributes of a row, not additive, so they are grouped on like any dimension
DIMENSIONS = (
    "allocated_method_details",
    "allocated_method_id",
    "allocated_resource_id",
    "allocated_resource_name",
    "allocated_tags",
    "availability_zone",
    "billing_account_id",
    "billing_account_name",
    "billing_account_type",
    "billing_currency",
    "billing_period_end",
    "billing_period_start",
    "capacity_reservation_id",
    "capacity_reservation_status",
    "charge_category",
    "charge_class",
    "charge_description",
    "charge_frequency",
    "commitment_discount_category",
    "commitment_discount_id",
    "commitment_discount_name",
    "commitment_discount_status",
    "commitment_discount_type",
    "commitment_discount_unit",
    "consumed_unit",
    "contract_applied",
    "contracted_unit_price",
    "host_provider_name",
    "invoice_id",
    "invoice_issuer_name",
    "list_unit_price",
    "pricing_category",
    "pricing_currency",
    "pricing_currency_contracted_unit_price",
    "pricing_currency_list_unit_price",
    "pricing_unit",
    "provider_name",
    "publisher_name",
    "region_id",
    "region_name",
    "resource_id",
    "resource_name",
    "resource_type",
    "service_category",
    "service_name",
    "service_provider_name",
    "service_subcategory",
    "sku_id",
    "sku_meter",
    "sku_price_details",
    "sku_price_id",
    "sub_account_id",
    "sub_account_name",
    "sub_account_type",
    "tags",
    "x_extensions",
    "x_line_item_type",
    "x_usage_type",
    "x_operation",
)
# decimal columns: written without trailing zeros, so PostgreSQL keeps the source's scale
DECIMAL_COLUMNS = frozenset(
    (
        *MEASURES,
        "contracted_unit_price",
        "list_unit_price",
        "pricing_currency_contracted_unit_price",
        "pricing_currency_list_unit_price",
    )
)
# the CSV handed to PostgreSQL's COPY for each table, in order; the load gives the ids
ATTRIBUTE_COPY_COLUMNS = ("attribute_id", *DIMENSIONS, "x_source_id", "x_source_format")
FACT_COPY_COLUMNS = (
    "attribute_id",
    "charge_period_start",
    "charge_period_end",
    *MEASURES,
    "x_raw_line_items",
)
GRAINS = {"daily": "day", "hourly": "hour"}
