-- The rollups' refresh (finops.warehouse.rollups): each statement is named by a "-- name:"
-- line. %(periods)s are the billing periods (first days, date[]) being replaced; %(lo)s and
-- %(hi)s bound their charge periods ([lo, hi), timestamptz) so only those partitions are read.

-- name: charge_range
SELECT min(day), max(day) FROM finops.rollup_cost_daily
WHERE billing_period_start = ANY(%(periods)s::date[]);

-- name: delete_daily
DELETE FROM finops.rollup_cost_daily WHERE billing_period_start = ANY(%(periods)s::date[]);

-- name: delete_monthly
DELETE FROM finops.rollup_cost_monthly WHERE billing_period_start = ANY(%(periods)s::date[]);

-- name: delete_tags
DELETE FROM finops.rollup_cost_tag_daily WHERE billing_period_start = ANY(%(periods)s::date[]);

-- name: insert_daily
INSERT INTO finops.rollup_cost_daily (
  day, billing_period_start, billing_account_id, sub_account_id, sub_account_name,
  service_name, service_category, region_id, charge_category, x_usage_type, billing_currency,
  billed_cost, effective_cost, list_cost, contracted_cost, consumed_quantity, row_count)
SELECT (charge_period_start AT TIME ZONE 'UTC')::date,
       (billing_period_start AT TIME ZONE 'UTC')::date,
       nullif(billing_account_id, ''), nullif(sub_account_id, ''), nullif(sub_account_name, ''),
       nullif(service_name, ''), nullif(service_category, ''), nullif(region_id, ''),
       nullif(charge_category, ''), nullif(x_usage_type, ''), billing_currency,
       sum(billed_cost), sum(effective_cost), sum(list_cost), sum(contracted_cost),
       coalesce(sum(consumed_quantity), 0), count(*)
FROM finops.costs
WHERE (billing_period_start AT TIME ZONE 'UTC')::date = ANY(%(periods)s::date[])
  AND charge_period_start >= %(lo)s AND charge_period_start < %(hi)s
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11;

-- name: insert_monthly
INSERT INTO finops.rollup_cost_monthly (
  month, billing_period_start, billing_account_id, sub_account_id, sub_account_name,
  service_name, service_category, region_id, charge_category, x_usage_type, billing_currency,
  billed_cost, effective_cost, list_cost, contracted_cost, consumed_quantity, row_count)
SELECT date_trunc('month', day)::date, billing_period_start, billing_account_id,
       sub_account_id, sub_account_name, service_name, service_category, region_id,
       charge_category, x_usage_type, billing_currency,
       sum(billed_cost), sum(effective_cost), sum(list_cost), sum(contracted_cost),
       sum(consumed_quantity), sum(row_count)
FROM finops.rollup_cost_daily
WHERE billing_period_start = ANY(%(periods)s::date[])
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11;

-- name: insert_tags
INSERT INTO finops.rollup_cost_tag_daily (
  day, tag_key, tag_value, billing_period_start, billing_account_id, sub_account_id,
  sub_account_name, service_name, service_category, region_id, charge_category, x_usage_type,
  billing_currency, billed_cost, effective_cost, list_cost, contracted_cost, consumed_quantity,
  row_count)
SELECT (c.charge_period_start AT TIME ZONE 'UTC')::date, t.key, t.value,
       (c.billing_period_start AT TIME ZONE 'UTC')::date,
       nullif(c.billing_account_id, ''), nullif(c.sub_account_id, ''),
       nullif(c.sub_account_name, ''), nullif(c.service_name, ''),
       nullif(c.service_category, ''), nullif(c.region_id, ''), nullif(c.charge_category, ''),
       nullif(c.x_usage_type, ''), c.billing_currency,
       sum(c.billed_cost), sum(c.effective_cost), sum(c.list_cost), sum(c.contracted_cost),
       coalesce(sum(c.consumed_quantity), 0), count(*)
FROM finops.costs c
CROSS JOIN LATERAL jsonb_each_text(CASE jsonb_typeof(c.tags) WHEN 'object' THEN c.tags
                                   ELSE '{}'::jsonb END) t
WHERE (c.billing_period_start AT TIME ZONE 'UTC')::date = ANY(%(periods)s::date[])
  AND c.charge_period_start >= %(lo)s AND c.charge_period_start < %(hi)s
  AND t.value <> ''
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13;
