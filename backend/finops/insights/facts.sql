-- The insights' reads (finops.insights.facts): each statement is named by a "-- name:" line.
-- :prev_start .. :cur_end bound the two periods compared (inclusive days); :account is NULL
-- for every account; :tag_key / :tag_value select a tag scope (the key compared the way the
-- scopes compare it: finops.tag_key).

-- name: spend
SELECT service_name, sub_account_id, billing_currency,
       coalesce(sum(billed_cost) FILTER (WHERE day BETWEEN :cur_start AND :cur_end), 0),
       coalesce(sum(billed_cost) FILTER (WHERE day BETWEEN :prev_start AND :prev_end), 0)
FROM finops.rollup_cost_daily_service
WHERE day BETWEEN :prev_start AND :cur_end
  AND (CAST(:account AS text) IS NULL OR sub_account_id = CAST(:account AS text))
GROUP BY 1, 2, 3;

-- name: spend_tag
SELECT service_name, sub_account_id, billing_currency,
       coalesce(sum(billed_cost) FILTER (WHERE day BETWEEN :cur_start AND :cur_end), 0),
       coalesce(sum(billed_cost) FILTER (WHERE day BETWEEN :prev_start AND :prev_end), 0)
FROM finops.rollup_cost_tag_daily
WHERE day BETWEEN :prev_start AND :cur_end
  AND finops.tag_key(tag_key) = :tag_key AND tag_value = :tag_value
GROUP BY 1, 2, 3;

-- name: accounts
SELECT DISTINCT sub_account_id FROM finops.rollup_cost_daily_service
WHERE day BETWEEN :start AND :end AND sub_account_id IS NOT NULL
ORDER BY 1;

-- name: tag_values
SELECT DISTINCT finops.tag_key(tag_key), tag_value FROM finops.rollup_cost_tag_daily
WHERE day BETWEEN :start AND :end AND finops.tag_key(tag_key) = ANY(CAST(:keys AS text[]))
ORDER BY 1, 2;

-- name: anomalies
SELECT fingerprint, scope, first_day, last_day, impact, cause, severity
FROM finops.anomaly_incidents
WHERE scope @> CAST(:scope AS jsonb) AND first_day <= :end AND last_day >= :start
  AND first_day <= :as_of
ORDER BY abs(impact) DESC, fingerprint;

-- name: findings
-- the open findings of each job's latest run on or before the day (the day's view of them)
SELECT o.finding_type, o.resource_id, o.account_id, o.estimated_monthly_savings, o.currency
FROM finops.finding_observations o
JOIN (SELECT job, max(as_of) AS as_of FROM finops.finding_runs WHERE as_of <= :as_of
      GROUP BY job) r ON r.job = o.job AND r.as_of = o.as_of
WHERE (CAST(:account AS text) IS NULL OR o.account_id = CAST(:account AS text))
  AND (CAST(:tag_key AS text) IS NULL OR EXISTS (
    SELECT 1 FROM finops.inventory_resources i, jsonb_each_text(i.tags) t
    WHERE i.account_id = o.account_id AND i.resource_id = o.resource_id
      AND finops.tag_key(t.key) = :tag_key AND t.value = :tag_value))
ORDER BY o.estimated_monthly_savings DESC, o.fingerprint;

-- name: realized
SELECT coalesce(sum(realized_monthly_effective), 0), count(*)
FROM finops.savings_measurements
WHERE status IN ('measured', 'confirmed') AND measured_on <= :as_of
  AND (CAST(:account AS text) IS NULL OR account_id = CAST(:account AS text))
  AND (CAST(:tag_key AS text) IS NULL OR EXISTS (
    SELECT 1 FROM jsonb_each_text(resource_tags) t
    WHERE finops.tag_key(t.key) = :tag_key AND t.value = :tag_value));
