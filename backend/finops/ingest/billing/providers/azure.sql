-- Azure cost details (native_raw: the export's columns, lower-cased and cast) -> FOCUS staging
-- rows. Microsoft's FOCUS mapping; see azure.py for how actual and amortized files combine.
WITH marked AS (
    SELECT
        *,
        CASE
            WHEN lower(x_file) LIKE '%amortized%' OR lower(x_file) LIKE '%amortised%'
                THEN 'amortized'
            WHEN lower(x_file) LIKE '%actual%' THEN 'actual'
            WHEN bool_or(chargetype IN ('UnusedReservation', 'UnusedSavingsPlan')
                         OR (pricingmodel IN ('Reservation', 'SavingsPlan')
                             AND chargetype = 'Usage' AND costinbillingcurrency <> 0)) OVER ()
                THEN 'amortized'
            ELSE 'actual'
        END                                                              AS x_dataset,
        COALESCE(benefitid, reservationid)                               AS commitment_id,
        COALESCE(chargetype IN ('Purchase', 'Refund')
            AND COALESCE(benefitid, reservationid) IS NOT NULL, false)   AS x_commitment_purchase,
        COALESCE((chargetype = 'Usage' AND pricingmodel IN ('Reservation', 'SavingsPlan'))
            OR chargetype IN ('UnusedReservation', 'UnusedSavingsPlan'), false)
                                                                         AS commitment_covered,
        accountownerid IS NULL AND billingprofileid IS NOT NULL          AS is_mca
    FROM native_raw
)
SELECT
    availabilityzone                                                     AS availability_zone,
    CASE WHEN commitment_covered AND x_dataset = 'amortized' THEN 0
         ELSE costinbillingcurrency END                                  AS billed_cost,
    CASE WHEN is_mca THEN billingprofileid ELSE billingaccountid END     AS billing_account_id,
    CASE WHEN is_mca THEN billingprofilename ELSE billingaccountname END AS billing_account_name,
    CASE WHEN is_mca THEN 'Billing Profile' ELSE 'Billing Account' END   AS billing_account_type,
    billingcurrency                                                      AS billing_currency,
    COALESCE(billingperiodstartdate, date_trunc('month', date))          AS billing_period_start,
    COALESCE(billingperiodenddate + INTERVAL 1 DAY,
             date_trunc('month', date) + INTERVAL 1 MONTH)               AS billing_period_end,
    CASE
        WHEN chargetype IN ('Usage', 'UnusedReservation', 'UnusedSavingsPlan') THEN 'Usage'
        WHEN chargetype IN ('Purchase', 'Refund') THEN 'Purchase'
        WHEN chargetype = 'Tax' THEN 'Tax'
        WHEN chargetype = 'Credit' THEN 'Credit'
        ELSE 'Adjustment'
    END                                                                  AS charge_category,
    CASE WHEN chargetype = 'Refund' THEN 'Correction' END                AS charge_class,
    productname                                                          AS charge_description,
    CASE frequency
        WHEN 'OneTime' THEN 'One-Time'
        WHEN 'Recurring' THEN 'Recurring'
        WHEN 'UsageBased' THEN 'Usage-Based'
    END                                                                  AS charge_frequency,
    date + INTERVAL 1 DAY                                                AS charge_period_end,
    date                                                                 AS charge_period_start,
    CASE WHEN commitment_id IS NULL THEN NULL
         WHEN pricingmodel = 'SavingsPlan' OR chargetype = 'UnusedSavingsPlan'
              OR commitment_id ILIKE '%/savingsplanorders/%' THEN 'Spend'
         ELSE 'Usage' END                                                AS commitment_discount_category,
    commitment_id                                                        AS commitment_discount_id,
    COALESCE(benefitname, reservationname)                               AS commitment_discount_name,
    CASE WHEN commitment_id IS NULL OR NOT commitment_covered THEN NULL
         WHEN chargetype LIKE 'Unused%' THEN 'Unused'
         ELSE 'Used' END                                                 AS commitment_discount_status,
    CASE WHEN commitment_id IS NULL THEN NULL
         WHEN pricingmodel = 'SavingsPlan' OR chargetype = 'UnusedSavingsPlan'
              OR commitment_id ILIKE '%/savingsplanorders/%' THEN 'Savings Plan'
         ELSE 'Reservation' END                                          AS commitment_discount_type,
    CASE WHEN chargetype IN ('Usage', 'UnusedReservation', 'UnusedSavingsPlan')
         THEN quantity END                                               AS consumed_quantity,
    CASE WHEN chargetype IN ('Usage', 'UnusedReservation', 'UnusedSavingsPlan')
         THEN unitofmeasure END                                          AS consumed_unit,
    COALESCE(money_mul(money_mul(unitprice, quantity), COALESCE(exchangeratepricingtobilling, 1)),
             costinbillingcurrency)                                      AS contracted_cost,
    unitprice                                                            AS contracted_unit_price,
    CASE WHEN x_commitment_purchase AND x_dataset = 'amortized' THEN 0
         ELSE costinbillingcurrency END                                  AS effective_cost,
    invoiceid                                                            AS invoice_id,
    COALESCE(resellername, 'Microsoft')                                  AS invoice_issuer_name,
    COALESCE(paygcostinbillingcurrency,
             money_mul(money_mul(paygprice, quantity), COALESCE(exchangeratepricingtobilling, 1)),
             costinbillingcurrency)                                      AS list_cost,
    paygprice                                                            AS list_unit_price,
    CASE
        WHEN commitment_covered THEN 'Committed'
        WHEN pricingmodel = 'Spot' THEN 'Dynamic'
        WHEN pricingmodel = 'OnDemand' THEN 'Standard'
    END                                                                  AS pricing_category,
    pricingcurrency                                                      AS pricing_currency,
    quantity                                                             AS pricing_quantity,
    unitofmeasure                                                        AS pricing_unit,
    'Microsoft'                                                          AS provider_name,
    COALESCE(publishername, 'Microsoft')                                 AS publisher_name,
    lower(replace(resourcelocation, ' ', ''))                            AS region_id,
    resourcelocation                                                     AS region_name,
    resourceid                                                           AS resource_id,
    resourcename                                                         AS resource_name,
    lower(regexp_extract(resourceid, '/providers/([^/]+/[^/]+)', 1))     AS resource_type,
    CASE
        WHEN metercategory IN ('Virtual Machines', 'Virtual Machines Licenses', 'Functions',
                               'Container Instances', 'Azure App Service', 'Cloud Services',
                               'Batch', 'Azure Kubernetes Service') THEN 'Compute'
        WHEN metercategory IN ('Storage', 'Backup', 'Azure NetApp Files') THEN 'Storage'
        WHEN metercategory IN ('SQL Database', 'Azure Cosmos DB', 'Azure Database for PostgreSQL',
                               'Azure Database for MySQL', 'Redis Cache', 'SQL Managed Instance')
            THEN 'Databases'
        WHEN metercategory IN ('Bandwidth', 'Virtual Network', 'Load Balancer', 'VPN Gateway',
                               'Application Gateway', 'Azure DNS', 'Content Delivery Network',
                               'Azure Front Door Service', 'ExpressRoute', 'Azure Firewall',
                               'Network Watcher') THEN 'Networking'
        WHEN metercategory IN ('Azure Monitor', 'Log Analytics', 'Automation', 'Insight and Analytics')
            THEN 'Management and Governance'
        WHEN metercategory IN ('Key Vault', 'Microsoft Defender for Cloud', 'Sentinel')
            THEN 'Security'
        WHEN metercategory IN ('Azure Synapse Analytics', 'Azure Data Factory v2', 'HDInsight',
                               'Azure Databricks', 'Event Hubs', 'Stream Analytics')
            THEN 'Analytics'
        WHEN metercategory IN ('Cognitive Services', 'Azure Machine Learning', 'Azure OpenAI')
            THEN 'AI and Machine Learning'
        WHEN metercategory IN ('Service Bus', 'Logic Apps', 'Event Grid', 'API Management')
            THEN 'Integration'
        ELSE 'Other'
    END                                                                  AS service_category,
    COALESCE(metercategory, productname)                                 AS service_name,
    metersubcategory                                                     AS service_subcategory,
    COALESCE(productid, partnumber, meterid)                             AS sku_id,
    metername                                                            AS sku_meter,
    meterid                                                              AS sku_price_id,
    subscriptionid                                                       AS sub_account_id,
    subscriptionname                                                     AS sub_account_name,
    'Subscription'                                                       AS sub_account_type,
    COALESCE(tags, '{}')                                                 AS tags,
    x_dataset,
    x_commitment_purchase
FROM marked
