-- Azure staging rows of one load unit (stg_focus): when the unit holds both the actual and the
-- amortized dataset, commitment purchases and refunds come from the actual file (BilledCost;
-- their EffectiveCost is already spread over the amortized rows) and all else from the
-- amortized file, so no charge is counted twice.
SELECT * EXCLUDE (effective_cost, x_both),
    CASE WHEN x_both AND x_commitment_purchase THEN 0 ELSE effective_cost END AS effective_cost
FROM (
    SELECT *,
        bool_or(x_dataset = 'actual') OVER () AND bool_or(x_dataset = 'amortized') OVER () AS x_both
    FROM stg_focus
)
WHERE NOT x_both OR (x_dataset = 'actual') = x_commitment_purchase
