-- Google Cloud billing export rows (native_raw: nested fields flattened and cast) -> FOCUS
-- staging rows, after Google's FOCUS BigQuery view: one row for each export row's cost and one
-- Credit row for each of its credits. The billing period is the invoice month (Google's view
-- starts it at midnight Pacific time; here at midnight UTC, the platform's period boundary).
WITH base AS (
    SELECT
        *,
        CAST(strptime(invoice_month, '%Y%m') AS TIMESTAMP)           AS period_start,
        CASE WHEN adjustment_id IS NOT NULL THEN 'Correction' END     AS charge_class,
        CASE
            WHEN service_description IN ('Compute Engine', 'Cloud Run', 'Cloud Functions',
                                         'Kubernetes Engine', 'App Engine') THEN 'Compute'
            WHEN service_description IN ('Cloud Storage', 'Filestore', 'Backup and DR Service')
                THEN 'Storage'
            WHEN service_description IN ('Cloud SQL', 'Cloud Spanner', 'Cloud Bigtable',
                                         'Firestore', 'Memorystore for Redis', 'AlloyDB')
                THEN 'Databases'
            WHEN service_description IN ('Networking', 'Cloud CDN', 'Cloud DNS',
                                         'Cloud Load Balancing', 'Cloud NAT', 'Cloud VPN')
                THEN 'Networking'
            WHEN service_description IN ('BigQuery', 'Dataflow', 'Dataproc', 'Pub/Sub',
                                         'Looker Studio') THEN 'Analytics'
            WHEN service_description IN ('Vertex AI', 'Cloud Vision API', 'Gemini API')
                THEN 'AI and Machine Learning'
            WHEN service_description IN ('Cloud Monitoring', 'Cloud Logging')
                THEN 'Management and Governance'
            WHEN service_description IN ('Secret Manager', 'Cloud Key Management Service (KMS)',
                                         'Security Command Center') THEN 'Security'
            ELSE 'Other'
        END                                                           AS category,
        CASE WHEN transaction_type IS NULL OR transaction_type = 'GOOGLE' THEN 'Google Cloud'
             ELSE COALESCE(seller_name, 'Google Cloud') END           AS publisher
    FROM native_raw
),
charges AS (
    SELECT
        location_zone                                                 AS availability_zone,
        cost                                                          AS billed_cost,
        billing_account_id,
        'Billing Account'                                             AS billing_account_type,
        currency                                                      AS billing_currency,
        period_start + INTERVAL 1 MONTH                               AS billing_period_end,
        period_start                                                  AS billing_period_start,
        CASE cost_type
            WHEN 'regular' THEN
                CASE WHEN sku_description ILIKE 'Commitment%' THEN 'Purchase' ELSE 'Usage' END
            WHEN 'tax' THEN 'Tax'
            ELSE 'Adjustment'  -- adjustment, rounding_error
        END                                                           AS charge_category,
        charge_class,
        sku_description                                               AS charge_description,
        CASE WHEN cost_type = 'regular' AND sku_description ILIKE 'Commitment%' THEN 'Recurring'
             WHEN cost_type = 'regular' THEN 'Usage-Based' END        AS charge_frequency,
        usage_end_time                                                AS charge_period_end,
        usage_start_time                                              AS charge_period_start,
        CASE WHEN sku_description ILIKE 'Commitment%' THEN subscription_instance_id END
                                                                      AS commitment_discount_id,
        CASE WHEN cost_type = 'regular' THEN usage_amount END         AS consumed_quantity,
        CASE WHEN cost_type = 'regular' THEN usage_unit END           AS consumed_unit,
        cost                                                          AS contracted_cost,
        price_effective_price                                         AS contracted_unit_price,
        cost                                                          AS effective_cost,
        'Google Cloud'                                                AS invoice_issuer_name,
        COALESCE(cost_at_list, cost)                                  AS list_cost,
        CASE WHEN cost_type = 'regular' THEN
            CASE WHEN sku_description ILIKE 'Commitment%' THEN 'Committed' ELSE 'Standard' END
        END                                                           AS pricing_category,
        CASE WHEN cost_type = 'regular'
             THEN COALESCE(price_pricing_unit_quantity, usage_amount_in_pricing_units) END
                                                                      AS pricing_quantity,
        CASE WHEN cost_type = 'regular'
             THEN COALESCE(price_unit, usage_pricing_unit) END        AS pricing_unit,
        'Google Cloud'                                                AS provider_name,
        publisher                                                     AS publisher_name,
        location_region                                               AS region_id,
        location_location                                             AS region_name,
        resource_global_name                                          AS resource_id,
        resource_name                                                 AS resource_name,
        category                                                      AS service_category,
        service_description                                           AS service_name,
        CASE WHEN cost_type = 'regular' THEN sku_id END               AS sku_id,
        project_id                                                    AS sub_account_id,
        project_name                                                  AS sub_account_name,
        'Project'                                                     AS sub_account_type,
        labels                                                        AS tags
    FROM base
),
credit_rows AS (
    SELECT
        location_zone                                                 AS availability_zone,
        credit.amount                                                 AS billed_cost,
        billing_account_id,
        'Billing Account'                                             AS billing_account_type,
        currency                                                      AS billing_currency,
        period_start + INTERVAL 1 MONTH                               AS billing_period_end,
        period_start                                                  AS billing_period_start,
        'Credit'                                                      AS charge_category,
        charge_class,
        COALESCE(credit.full_name, credit.name)                       AS charge_description,
        'Usage-Based'                                                 AS charge_frequency,
        usage_end_time                                                AS charge_period_end,
        usage_start_time                                              AS charge_period_start,
        CASE credit.type
            WHEN 'COMMITTED_USAGE_DISCOUNT' THEN 'Usage'
            WHEN 'COMMITTED_USAGE_DISCOUNT_DOLLAR_BASE' THEN 'Spend'
        END                                                           AS commitment_discount_category,
        CASE WHEN credit.type LIKE 'COMMITTED_USAGE_DISCOUNT%' THEN credit.id END
                                                                      AS commitment_discount_id,
        CASE WHEN credit.type LIKE 'COMMITTED_USAGE_DISCOUNT%'
             THEN COALESCE(credit.full_name, credit.name) END         AS commitment_discount_name,
        CASE WHEN credit.type LIKE 'COMMITTED_USAGE_DISCOUNT%' THEN 'Used' END
                                                                      AS commitment_discount_status,
        CASE WHEN credit.type LIKE 'COMMITTED_USAGE_DISCOUNT%' THEN 'Committed Use Discount' END
                                                                      AS commitment_discount_type,
        0                                                             AS contracted_cost,
        credit.amount                                                 AS effective_cost,
        'Google Cloud'                                                AS invoice_issuer_name,
        0                                                             AS list_cost,
        'Google Cloud'                                                AS provider_name,
        publisher                                                     AS publisher_name,
        location_region                                               AS region_id,
        location_location                                             AS region_name,
        resource_global_name                                          AS resource_id,
        resource_name                                                 AS resource_name,
        category                                                      AS service_category,
        service_description                                           AS service_name,
        project_id                                                    AS sub_account_id,
        project_name                                                  AS sub_account_name,
        'Project'                                                     AS sub_account_type,
        labels                                                        AS tags,
        credit.type                                                   AS x_credit_type
    FROM (SELECT *, unnest(credits) AS credit FROM base)
)
SELECT * FROM charges
UNION ALL BY NAME
SELECT * FROM credit_rows
