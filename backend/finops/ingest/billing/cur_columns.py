"""The CUR columns the billing transform reads, with the DuckDB type each is cast to in staging.

CUR 2.0 has a fixed schema, but older exports and legacy CUR lack some of these columns (no
savings plans, no net unblended cost without discounts); a missing column stages as NULL.
"""

from __future__ import annotations

from finops.ingest.billing.money import MONEY

QUANTITY = MONEY

# name -> staging type
CUR_COLUMNS: dict[str, str] = {
    "bill_billing_period_start_date": "TIMESTAMP",
    "bill_billing_period_end_date": "TIMESTAMP",
    "bill_payer_account_id": "VARCHAR",
    "bill_payer_account_name": "VARCHAR",
    "bill_invoice_id": "VARCHAR",
    "bill_billing_entity": "VARCHAR",
    "bill_bill_type": "VARCHAR",
    "line_item_usage_account_id": "VARCHAR",
    "line_item_usage_account_name": "VARCHAR",
    "line_item_line_item_type": "VARCHAR",
    "line_item_usage_start_date": "TIMESTAMP",
    "line_item_usage_end_date": "TIMESTAMP",
    "line_item_product_code": "VARCHAR",
    "line_item_usage_type": "VARCHAR",
    "line_item_operation": "VARCHAR",
    "line_item_availability_zone": "VARCHAR",
    "line_item_resource_id": "VARCHAR",
    "line_item_usage_amount": QUANTITY,
    "line_item_currency_code": "VARCHAR",
    "line_item_unblended_rate": QUANTITY,
    "line_item_unblended_cost": MONEY,
    "line_item_net_unblended_cost": MONEY,
    "line_item_line_item_description": "VARCHAR",
    "line_item_legal_entity": "VARCHAR",
    "product_region_code": "VARCHAR",
    "product_location": "VARCHAR",
    "product_instance_type": "VARCHAR",
    "product_product_family": "VARCHAR",
    "product_servicecode": "VARCHAR",
    "product_sku": "VARCHAR",
    "pricing_term": "VARCHAR",
    "pricing_unit": "VARCHAR",
    "pricing_public_on_demand_cost": MONEY,
    "pricing_public_on_demand_rate": QUANTITY,
    "reservation_reservation_a_r_n": "VARCHAR",
    "reservation_effective_cost": MONEY,
    "reservation_unused_amortized_upfront_fee_for_billing_period": MONEY,
    "reservation_unused_recurring_fee": MONEY,
    "savings_plan_savings_plan_a_r_n": "VARCHAR",
    "savings_plan_savings_plan_effective_cost": MONEY,
    "savings_plan_total_commitment_to_date": MONEY,
    "savings_plan_used_commitment": MONEY,
}

# CUR 2.0 MAP columns: staged as MAP(VARCHAR, VARCHAR), empty when absent
CUR2_MAP_COLUMNS = ("product", "resource_tags")

# without these a file is not a usable CUR export
CUR_REQUIRED = (
    "bill_billing_period_start_date",
    "bill_payer_account_id",
    "line_item_usage_account_id",
    "line_item_line_item_type",
    "line_item_usage_start_date",
    "line_item_product_code",
    "line_item_unblended_cost",
    "line_item_currency_code",
)
