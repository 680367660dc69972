-- OCI cost report rows (native_raw: the report's columns, '/' spelt '_', cast) -> FOCUS
-- staging rows, after Oracle's FOCUS cost reports. The billing period is the calendar month of
-- the usage interval (OCI invoices monthly).
SELECT
    "product_availabilitydomain"                                       AS availability_zone,
    "cost_mycost"                                                      AS billed_cost,
    "lineitem_tenantid"                                                AS billing_account_id,
    'Tenancy'                                                          AS billing_account_type,
    "cost_currencycode"                                                AS billing_currency,
    date_trunc('month', "lineitem_intervalusagestart") + INTERVAL 1 MONTH AS billing_period_end,
    date_trunc('month', "lineitem_intervalusagestart")                 AS billing_period_start,
    CASE WHEN "cost_mycost" < 0 AND NOT COALESCE("lineitem_iscorrection", false) THEN 'Credit'
         ELSE 'Usage' END                                              AS charge_category,
    CASE WHEN "lineitem_iscorrection" THEN 'Correction' END            AS charge_class,
    "product_description"                                              AS charge_description,
    'Usage-Based'                                                      AS charge_frequency,
    COALESCE("lineitem_intervalusageend",
             "lineitem_intervalusagestart" + INTERVAL 1 HOUR)          AS charge_period_end,
    "lineitem_intervalusagestart"                                      AS charge_period_start,
    "usage_billedquantity"                                             AS consumed_quantity,
    "cost_skuunitdescription"                                          AS consumed_unit,
    COALESCE(money_mul("cost_unitprice", "usage_billedquantity"), "cost_mycost") AS contracted_cost,
    "cost_unitprice"                                                   AS contracted_unit_price,
    "cost_mycost"                                                      AS effective_cost,
    'Oracle'                                                           AS invoice_issuer_name,
    "cost_mycost"                                                      AS list_cost,
    'Standard'                                                         AS pricing_category,
    "cost_currencycode"                                                AS pricing_currency,
    "usage_billedquantity"                                             AS pricing_quantity,
    "cost_billingunitreadable"                                         AS pricing_unit,
    'Oracle Cloud Infrastructure'                                      AS provider_name,
    'Oracle'                                                           AS publisher_name,
    "product_region"                                                   AS region_id,
    "product_region"                                                   AS region_name,
    "product_resourceid"                                               AS resource_id,
    "product_resource"                                                 AS resource_type,
    CASE upper("product_service")
        WHEN 'COMPUTE' THEN 'Compute'
        WHEN 'BLOCK_STORAGE' THEN 'Storage'
        WHEN 'OBJECTSTORAGE' THEN 'Storage'
        WHEN 'FILE_STORAGE' THEN 'Storage'
        WHEN 'NETWORK' THEN 'Networking'
        WHEN 'LOAD_BALANCER' THEN 'Networking'
        WHEN 'DATABASE' THEN 'Databases'
        WHEN 'MYSQL' THEN 'Databases'
        WHEN 'AUTONOMOUS_DATABASE' THEN 'Databases'
        WHEN 'MONITORING' THEN 'Management and Governance'
        WHEN 'LOGGING' THEN 'Management and Governance'
        WHEN 'KMS' THEN 'Security'
        ELSE 'Other'
    END                                                                AS service_category,
    "product_service"                                                  AS service_name,
    "cost_productsku"                                                  AS sku_id,
    "cost_skuunitdescription"                                          AS sku_meter,
    "product_compartmentid"                                            AS sub_account_id,
    "product_compartmentname"                                          AS sub_account_name,
    'Compartment'                                                      AS sub_account_type,
    tags,
    "lineitem_referenceno"                                             AS x_reference_no
FROM native_raw
