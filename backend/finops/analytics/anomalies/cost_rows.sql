-- Daily cost per account, service, region, usage type, resource and tag set, for [start, end).
-- :metric chooses billed_cost (net unblended, the default) or effective_cost (amortized).
SELECT
  (charge_period_start AT TIME ZONE 'UTC')::date AS day,
  sub_account_id                                  AS account,
  service_name                                    AS service,
  region_id                                       AS region,
  x_usage_type                                    AS usage_type,
  resource_id                                     AS resource,
  tags,
  sum(CASE WHEN :metric = 'effective_cost' THEN effective_cost ELSE billed_cost END) AS cost
FROM costs
WHERE charge_period_start >= :start AND charge_period_start < :end
GROUP BY 1, 2, 3, 4, 5, 6, 7
ORDER BY 1, 2, 3, 4, 5, 6, 7
