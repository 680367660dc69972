-- CUR line items (staged as stg_cur) -> one row per line item: the columns the FOCUS mapping
-- reads, renamed where they map one to one, and the cost measures computed per line item by
-- the FinOps Foundation rules (finopsfoundation/focus_converters, conversion_configs/aws-cur).
-- Grouping happens on these columns before the (row-wise) mapping, which is then cheap.
SELECT
    NULLIF(line_item_availability_zone, '')                        AS availability_zone,
    bill_payer_account_id                                          AS billing_account_id,
    bill_payer_account_name                                        AS billing_account_name,
    line_item_currency_code                                        AS billing_currency,
    bill_billing_period_start_date                                 AS billing_period_start,
    COALESCE(bill_billing_period_end_date,
             bill_billing_period_start_date + INTERVAL 1 MONTH)    AS billing_period_end,
    NULLIF(line_item_line_item_description, '')                    AS charge_description,
    NULLIF(pricing_unit, '')                                       AS consumed_unit,
    NULLIF(bill_invoice_id, '')                                    AS invoice_id,
    pricing_public_on_demand_rate                                  AS list_unit_price,
    NULLIF(pricing_unit, '')                                       AS pricing_unit,
    NULLIF(product_region_code, '')                                AS region_id,
    NULLIF(product_location, '')                                   AS region_name,
    NULLIF(line_item_resource_id, '')                              AS resource_id,
    NULLIF(product_instance_type, '')                              AS resource_type,
    COALESCE(product_name, line_item_product_code)
                                                                   AS service_name,
    NULLIF(product_sku, '')                                        AS sku_id,
    line_item_usage_account_id                                     AS sub_account_id,
    line_item_usage_account_name                                   AS sub_account_name,
    resource_tags,
    line_item_line_item_type,
    NULLIF(reservation_reservation_a_r_n, '')                      AS reservation_arn,
    NULLIF(savings_plan_savings_plan_a_r_n, '')                    AS savings_plan_arn,
    pricing_term,
    bill_billing_entity,
    line_item_legal_entity,
    line_item_product_code,
    product_product_family,
    line_item_usage_type,
    line_item_operation,
    line_item_usage_start_date                                     AS charge_period_start,
    -- measures
    COALESCE(line_item_net_unblended_cost, line_item_unblended_cost) AS billed_cost,
    line_item_unblended_cost                                       AS contracted_cost,
    CASE line_item_line_item_type
        WHEN 'SavingsPlanCoveredUsage' THEN savings_plan_savings_plan_effective_cost
        WHEN 'SavingsPlanRecurringFee'
            THEN savings_plan_total_commitment_to_date - savings_plan_used_commitment
        WHEN 'SavingsPlanNegation' THEN 0
        WHEN 'SavingsPlanUpfrontFee' THEN 0
        WHEN 'DiscountedUsage' THEN reservation_effective_cost
        WHEN 'RIFee' THEN COALESCE(reservation_unused_amortized_upfront_fee_for_billing_period, 0)
                          + COALESCE(reservation_unused_recurring_fee, 0)
        ELSE line_item_unblended_cost
    END                                                            AS effective_cost,
    COALESCE(pricing_public_on_demand_cost, 0)                     AS list_cost,
    line_item_usage_amount                                         AS consumed_quantity,
    line_item_usage_amount                                         AS pricing_quantity,
    -- FOCUS measures CUR has no source for
    CAST(NULL AS DECIMAL(38, 20))                                  AS commitment_discount_quantity,
    CAST(NULL AS DECIMAL(38, 20))                                  AS pricing_currency_effective_cost
FROM stg_cur
