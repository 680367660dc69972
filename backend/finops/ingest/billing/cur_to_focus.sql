-- Distinct attribute sets of CUR lines (cur_attrs, one row per x_key) -> FOCUS 1.2 columns.
-- Measures were computed per line item (cur_lines.sql) and summed per attribute set and charge
-- period (line_facts); this maps only the attributes, so the mapping runs once per distinct
-- attribute set (a few thousand for a month of hourly CUR), not once per line item hour. How
-- each measure follows its attribute set is said by x_variant and the x_keep_* flags, which
-- cur_measures.sql applies to the facts.
--
-- A reservation's or Savings Plan's recurring fee line (RIFee, SavingsPlanRecurringFee) is two
-- FOCUS charges: the Purchase of the commitment (x_variant 'purchase': its billed fee,
-- effective cost 0) and the unused part of the commitment (x_variant 'unused': a Usage row with
-- CommitmentDiscountStatus Unused, billed 0, effective cost the unused amount, present only
-- where that amount is not 0). Both keep the CUR line item type, so every total by line item
-- type (commitment utilization, waste) is unchanged; the line items count on the first.
WITH mapped AS (
SELECT
    availability_zone,
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
    -- quantities and units only where FOCUS has them: consumed on usage, priced on all but tax,
    -- and never a quantity without its unit
    line_item_line_item_type IN ('Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage')
        AND NULLIF(consumed_unit, '') IS NOT NULL                AS x_keep_consumed,
    CASE WHEN line_item_line_item_type IN ('Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage')
              AND NULLIF(consumed_unit, '') IS NOT NULL THEN consumed_unit END
                                                            AS consumed_unit,
    invoice_id,
    COALESCE(NULLIF(bill_billing_entity, ''), 'AWS')        AS invoice_issuer_name,
    CASE WHEN line_item_line_item_type <> 'Tax' THEN list_unit_price END AS list_unit_price,
    CASE
        WHEN line_item_line_item_type IN ('DiscountedUsage', 'SavingsPlanCoveredUsage')
            THEN 'Committed'
        WHEN pricing_term = 'Spot' THEN 'Dynamic'
        WHEN pricing_term = 'OnDemand' THEN 'Standard'
    END                                                     AS pricing_category,
    line_item_line_item_type <> 'Tax' AND NULLIF(pricing_unit, '') IS NOT NULL
                                                            AS x_keep_pricing,
    CASE WHEN line_item_line_item_type <> 'Tax' AND NULLIF(pricing_unit, '') IS NOT NULL
         THEN pricing_unit END                              AS pricing_unit,
    'AWS'                                                   AS provider_name,
    COALESCE(NULLIF(line_item_legal_entity, ''), 'Amazon Web Services, Inc.') AS publisher_name,
    region_id,
    region_name,
    resource_id,
    CAST(NULL AS VARCHAR)                                   AS resource_name,
    CASE WHEN resource_id IS NOT NULL THEN
        COALESCE(resource_type, resource_kind(line_item_product_code, product_product_family))
    END                                                     AS resource_type,
    service_category(line_item_product_code)                AS service_category,
    service_name,
    service_subcategory(line_item_product_code)             AS service_subcategory,
    sku_id,
    CAST(NULL AS VARCHAR)                                   AS sku_price_id,
    sub_account_id,
    sub_account_name,
    resource_tags                                           AS tags,
    line_item_line_item_type                                AS x_line_item_type,
    line_item_usage_type                                    AS x_usage_type,
    line_item_operation                                     AS x_operation,
    -- FOCUS columns CUR has no source for
    CAST(NULL AS JSON)                                      AS allocated_method_details,
    CAST(NULL AS VARCHAR)                                   AS allocated_method_id,
    CAST(NULL AS VARCHAR)                                   AS allocated_resource_id,
    CAST(NULL AS VARCHAR)                                   AS allocated_resource_name,
    CAST(NULL AS JSON)                                      AS allocated_tags,
    CASE WHEN billing_account_id IS NOT NULL THEN 'Payer Account' END AS billing_account_type,
    CAST(NULL AS VARCHAR)                                   AS capacity_reservation_id,
    CAST(NULL AS VARCHAR)                                   AS capacity_reservation_status,
    CAST(NULL AS VARCHAR)                                   AS commitment_discount_name,
    CAST(NULL AS VARCHAR)                                   AS commitment_discount_unit,
    CAST(NULL AS JSON)                                      AS contract_applied,
    CAST(NULL AS DECIMAL(38, 20))                           AS contracted_unit_price,
    CAST(NULL AS VARCHAR)                                   AS host_provider_name,
    billing_currency                                        AS pricing_currency,
    CAST(NULL AS DECIMAL(38, 20))                           AS pricing_currency_contracted_unit_price,
    CASE WHEN line_item_line_item_type <> 'Tax' THEN list_unit_price END
                                                            AS pricing_currency_list_unit_price,
    CAST(NULL AS VARCHAR)                                   AS service_provider_name,
    CAST(NULL AS VARCHAR)                                   AS sku_meter,
    CAST(NULL AS JSON)                                      AS sku_price_details,
    CASE WHEN sub_account_id IS NOT NULL THEN 'Linked Account' END AS sub_account_type,
    CAST(NULL AS VARCHAR)                                   AS x_extensions,
    x_key,
    line_item_line_item_type IN ('RIFee', 'SavingsPlanRecurringFee') AS x_commitment_fee
FROM cur_attrs
)
SELECT * EXCLUDE (x_commitment_fee), 'line' AS x_variant FROM mapped WHERE NOT x_commitment_fee
UNION ALL BY NAME
SELECT * EXCLUDE (x_commitment_fee) REPLACE (
    CAST(NULL AS VARCHAR)                                   AS commitment_discount_status
), 'purchase' AS x_variant FROM mapped WHERE x_commitment_fee
UNION ALL BY NAME
SELECT * EXCLUDE (x_commitment_fee) REPLACE (
    'Usage'                                                 AS charge_category,
    'Usage-Based'                                           AS charge_frequency,
    'Unused'                                                AS commitment_discount_status,
    CAST(NULL AS VARCHAR)                                   AS pricing_unit,
    CAST(NULL AS DECIMAL(38, 20))                           AS list_unit_price,
    CAST(NULL AS DECIMAL(38, 20))                           AS pricing_currency_list_unit_price
), 'unused' AS x_variant FROM mapped WHERE x_commitment_fee
