-- Grouped CUR lines (cur_groups) -> FOCUS 1.2 columns. Measures were computed per line item
-- (cur_lines.sql) and summed; this maps the dimensions.
SELECT
    availability_zone,
    billed_cost,
    billing_account_id,
    billing_account_name,
    billing_currency,
    billing_period_end,
    billing_period_start,
    CASE
        WHEN line_item_line_item_type IN ('Usage', 'DiscountedUsage',
             'SavingsPlanCoveredUsage', 'SavingsPlanNegation') THEN 'Usage'
        WHEN line_item_line_item_type IN ('Fee', 'RIFee', 'SavingsPlanRecurringFee',
             'SavingsPlanUpfrontFee') THEN 'Purchase'
        WHEN line_item_line_item_type = 'Tax' THEN 'Tax'
        WHEN line_item_line_item_type IN ('Credit', 'Refund', 'BundledDiscount',
             'EdpDiscount', 'PrivateRateDiscount', 'DistributorDiscount') THEN 'Credit'
        ELSE 'Adjustment'
    END                                                     AS charge_category,
    CASE WHEN line_item_line_item_type = 'Refund' THEN 'Correction' END AS charge_class,
    charge_description,
    CASE
        WHEN line_item_line_item_type IN ('RIFee', 'SavingsPlanRecurringFee') THEN 'Recurring'
        WHEN line_item_line_item_type IN ('Fee', 'SavingsPlanUpfrontFee') THEN 'One-Time'
        ELSE 'Usage-Based'
    END                                                     AS charge_frequency,
    charge_period_start,
    CASE
        WHEN reservation_arn IS NOT NULL THEN 'Usage'
        WHEN savings_plan_arn IS NOT NULL THEN 'Spend'
    END                                                     AS commitment_discount_category,
    COALESCE(reservation_arn, savings_plan_arn)             AS commitment_discount_id,
    CASE
        WHEN line_item_line_item_type IN ('DiscountedUsage', 'SavingsPlanCoveredUsage')
            THEN 'Used'
        WHEN line_item_line_item_type IN ('RIFee', 'SavingsPlanRecurringFee') THEN 'Unused'
    END                                                     AS commitment_discount_status,
    CASE
        WHEN reservation_arn IS NOT NULL THEN 'Reserved Instance'
        WHEN savings_plan_arn IS NOT NULL THEN 'Savings Plan'
    END                                                     AS commitment_discount_type,
    consumed_quantity,
    consumed_unit,
    contracted_cost,
    effective_cost,
    invoice_id,
    COALESCE(NULLIF(bill_billing_entity, ''), 'AWS')        AS invoice_issuer_name,
    list_cost,
    list_unit_price,
    CASE
        WHEN line_item_line_item_type IN ('DiscountedUsage', 'SavingsPlanCoveredUsage')
            THEN 'Committed'
        WHEN pricing_term = 'Spot' THEN 'Dynamic'
        WHEN pricing_term = 'OnDemand' THEN 'Standard'
    END                                                     AS pricing_category,
    pricing_quantity,
    pricing_unit,
    'AWS'                                                   AS provider_name,
    COALESCE(NULLIF(line_item_legal_entity, ''), 'Amazon Web Services, Inc.') AS publisher_name,
    region_id,
    region_name,
    resource_id,
    CAST(NULL AS VARCHAR)                                   AS resource_name,
    resource_type,
    service_category(line_item_product_code, product_product_family) AS service_category,
    service_name,
    CAST(NULL AS VARCHAR)                                   AS service_subcategory,
    sku_id,
    CAST(NULL AS VARCHAR)                                   AS sku_price_id,
    sub_account_id,
    sub_account_name,
    resource_tags                                           AS tags,
    line_item_line_item_type                                AS x_line_item_type,
    line_item_usage_type                                    AS x_usage_type,
    line_item_operation                                     AS x_operation,
    commitment_discount_quantity,
    pricing_currency_effective_cost,
    -- FOCUS columns CUR has no source for
    CAST(NULL AS JSON)                                      AS allocated_method_details,
    CAST(NULL AS VARCHAR)                                   AS allocated_method_id,
    CAST(NULL AS VARCHAR)                                   AS allocated_resource_id,
    CAST(NULL AS VARCHAR)                                   AS allocated_resource_name,
    CAST(NULL AS JSON)                                      AS allocated_tags,
    CAST(NULL AS VARCHAR)                                   AS billing_account_type,
    CAST(NULL AS VARCHAR)                                   AS capacity_reservation_id,
    CAST(NULL AS VARCHAR)                                   AS capacity_reservation_status,
    CAST(NULL AS VARCHAR)                                   AS commitment_discount_name,
    CAST(NULL AS VARCHAR)                                   AS commitment_discount_unit,
    CAST(NULL AS JSON)                                      AS contract_applied,
    CAST(NULL AS DECIMAL(38, 20))                           AS contracted_unit_price,
    CAST(NULL AS VARCHAR)                                   AS host_provider_name,
    CAST(NULL AS VARCHAR)                                   AS pricing_currency,
    CAST(NULL AS DECIMAL(38, 20))                           AS pricing_currency_contracted_unit_price,
    CAST(NULL AS DECIMAL(38, 20))                           AS pricing_currency_list_unit_price,
    CAST(NULL AS VARCHAR)                                   AS service_provider_name,
    CAST(NULL AS VARCHAR)                                   AS sku_meter,
    CAST(NULL AS JSON)                                      AS sku_price_details,
    CAST(NULL AS VARCHAR)                                   AS sub_account_type,
    CAST(NULL AS VARCHAR)                                   AS x_extensions,
    x_raw_line_items
FROM cur_groups
