-- Daily cost per account, service, region, usage type, resource and tag set, for [start, end):
-- the rows anomaly detection, forecasts, budgets and the API's cost-intelligence views all read
-- (finops.warehouse.cost_rows). :metric chooses usage_cost (what anomaly detection reads),
-- billed_cost (net unblended, what forecasts and budgets read) or effective_cost (amortized);
-- finops.warehouse.metrics defines them. usage_cost prices usage covered by a commitment at
-- the rate before the commitment discount (FOCUS ContractedCost; list cost for AWS RI-covered usage, whose
-- unblended cost is zero) and leaves out commitment purchases, Savings Plan negations, tax and
-- credits, so a Savings Plan or reservation moving its coverage from one resource to another
-- or being bought, a tax line or a credit is not a change in what the resources use.
-- Everything else (usage, fees) is billed cost.
SELECT
  (charge_period_start AT TIME ZONE 'UTC')::date AS day,
  sub_account_id                                  AS account,
  service_name                                    AS service,
  region_id                                       AS region,
  x_usage_type                                    AS usage_type,
  resource_id                                     AS resource,
  tags,
  sum(CASE
        WHEN :metric = 'effective_cost' THEN effective_cost
        WHEN :metric = 'billed_cost' THEN billed_cost
        WHEN x_line_item_type = 'SavingsPlanNegation' THEN 0
        WHEN charge_category = 'Purchase' AND commitment_discount_id IS NOT NULL THEN 0
        WHEN charge_category IN ('Tax', 'Credit') THEN 0
        WHEN x_line_item_type = 'DiscountedUsage' THEN list_cost
        WHEN commitment_discount_status = 'Used' THEN contracted_cost
        ELSE billed_cost
      END) AS cost
FROM costs
WHERE charge_period_start >= :start AND charge_period_start < :end
GROUP BY 1, 2, 3, 4, 5, 6, 7
ORDER BY 1, 2, 3, 4, 5, 6, 7
