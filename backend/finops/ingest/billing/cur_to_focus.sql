-- CUR (staged as stg_cur) -> FOCUS 1.2 columns, one row per CUR line item.
-- Cost rules follow the FinOps Foundation converters (finopsfoundation/focus_converters, aws-cur).
-- Every money column is DECIMAL(38,10); sums are exact.
SELECT
    line_item_availability_zone                                   AS availability_zone,
    COALESCE(line_item_net_unblended_cost, line_item_unblended_cost) AS billed_cost,
    bill_payer_account_id                                         AS billing_account_id,
    bill_payer_account_name                                       AS billing_account_name,
    line_item_currency_code                                       AS billing_currency,
    bill_billing_period_start_date                                AS billing_period_start,
    COALESCE(bill_billing_period_end_date,
             bill_billing_period_start_date + INTERVAL 1 MONTH)   AS billing_period_end,
    CASE
        WHEN line_item_line_item_type IN ('Usage', 'DiscountedUsage',
             'SavingsPlanCoveredUsage', 'SavingsPlanNegation') THEN 'Usage'
        WHEN line_item_line_item_type IN ('Fee', 'RIFee', 'SavingsPlanRecurringFee',
             'SavingsPlanUpfrontFee') THEN 'Purchase'
        WHEN line_item_line_item_type = 'Tax' THEN 'Tax'
        WHEN line_item_line_item_type IN ('Credit', 'Refund', 'BundledDiscount',
             'EdpDiscount', 'PrivateRateDiscount', 'DistributorDiscount') THEN 'Credit'
        ELSE 'Adjustment'
    END                                                           AS charge_category,
    CASE WHEN line_item_line_item_type = 'Refund' THEN 'Correction' END AS charge_class,
    line_item_line_item_description                               AS charge_description,
    CASE
        WHEN line_item_line_item_type IN ('RIFee', 'SavingsPlanRecurringFee') THEN 'Recurring'
        WHEN line_item_line_item_type IN ('Fee', 'SavingsPlanUpfrontFee') THEN 'One-Time'
        ELSE 'Usage-Based'
    END                                                           AS charge_frequency,
    line_item_usage_start_date                                    AS charge_period_start,
    CASE
        WHEN reservation_reservation_a_r_n <> '' THEN 'Usage'
        WHEN savings_plan_savings_plan_a_r_n <> '' THEN 'Spend'
    END                                                           AS commitment_discount_category,
    COALESCE(NULLIF(reservation_reservation_a_r_n, ''),
             NULLIF(savings_plan_savings_plan_a_r_n, ''))         AS commitment_discount_id,
    CASE
        WHEN line_item_line_item_type IN ('DiscountedUsage', 'SavingsPlanCoveredUsage')
            THEN 'Used'
        WHEN line_item_line_item_type IN ('RIFee', 'SavingsPlanRecurringFee') THEN 'Unused'
    END                                                           AS commitment_discount_status,
    CASE
        WHEN reservation_reservation_a_r_n <> '' THEN 'Reserved Instance'
        WHEN savings_plan_savings_plan_a_r_n <> '' THEN 'Savings Plan'
    END                                                           AS commitment_discount_type,
    line_item_usage_amount                                        AS consumed_quantity,
    pricing_unit                                                  AS consumed_unit,
    line_item_unblended_cost                                      AS contracted_cost,
    CASE line_item_line_item_type
        WHEN 'SavingsPlanCoveredUsage' THEN savings_plan_savings_plan_effective_cost
        WHEN 'SavingsPlanRecurringFee'
            THEN savings_plan_total_commitment_to_date - savings_plan_used_commitment
        WHEN 'SavingsPlanNegation' THEN CAST(0 AS DECIMAL(38, 10))
        WHEN 'SavingsPlanUpfrontFee' THEN CAST(0 AS DECIMAL(38, 10))
        WHEN 'DiscountedUsage' THEN reservation_effective_cost
        WHEN 'RIFee' THEN COALESCE(reservation_unused_amortized_upfront_fee_for_billing_period,
                                   0) + COALESCE(reservation_unused_recurring_fee, 0)
        ELSE line_item_unblended_cost
    END                                                           AS effective_cost,
    bill_invoice_id                                               AS invoice_id,
    COALESCE(NULLIF(bill_billing_entity, ''), 'AWS')              AS invoice_issuer_name,
    COALESCE(pricing_public_on_demand_cost, CAST(0 AS DECIMAL(38, 10))) AS list_cost,
    pricing_public_on_demand_rate                                 AS list_unit_price,
    CASE
        WHEN line_item_line_item_type IN ('DiscountedUsage', 'SavingsPlanCoveredUsage')
            THEN 'Committed'
        WHEN pricing_term = 'Spot' THEN 'Dynamic'
        WHEN pricing_term = 'OnDemand' THEN 'Standard'
    END                                                           AS pricing_category,
    line_item_usage_amount                                        AS pricing_quantity,
    pricing_unit                                                  AS pricing_unit,
    'AWS'                                                         AS provider_name,
    COALESCE(NULLIF(line_item_legal_entity, ''), 'Amazon Web Services, Inc.') AS publisher_name,
    NULLIF(COALESCE(product_region_code, product['region']), '') AS region_id,
    NULLIF(product_location, '')                                  AS region_name,
    NULLIF(line_item_resource_id, '')                             AS resource_id,
    COALESCE(NULLIF(product['product_name'], ''), line_item_product_code) AS service_name,
    NULLIF(product_sku, '')                                       AS sku_id,
    line_item_usage_account_id                                    AS sub_account_id,
    line_item_usage_account_name                                  AS sub_account_name,
    CAST(to_json(resource_tags) AS VARCHAR)                       AS tags,
    line_item_line_item_type                                      AS x_line_item_type,
    line_item_usage_type                                          AS x_usage_type,
    line_item_operation                                           AS x_operation,
    service_category(line_item_product_code, product_product_family) AS service_category,
    CAST(NULL AS VARCHAR)                                         AS resource_name,
    NULLIF(product_instance_type, '')                             AS resource_type,
    CAST(NULL AS VARCHAR)                                         AS service_subcategory,
    CAST(NULL AS VARCHAR)                                         AS sku_price_id
FROM stg_cur
