-- The measures of the mapped CUR rows: line_facts (sums per CUR attribute set and charge
-- period) joined to their mapped attribute sets (m, cur_to_focus.sql), one row per variant.
-- 'line': as summed, quantities only where the mapping keeps them; 'purchase' (a commitment's
-- recurring fee as bought): effective cost 0; 'unused' (the unused part of that fee as usage):
-- billed, list and contracted cost 0, no pricing quantity, no line items, and only where the
-- unused amount is not 0. CUR has no source for commitment_discount_quantity; the pricing
-- currency is the billing currency.
SELECT
    m.x_key,
    m.x_variant,
    m.x_attr,
    f.charge_period_start,
    CASE WHEN m.x_variant = 'unused' THEN 0 ELSE f.billed_cost END        AS billed_cost,
    f.commitment_discount_quantity,
    CASE WHEN m.x_keep_consumed THEN f.consumed_quantity END               AS consumed_quantity,
    CASE WHEN m.x_variant = 'unused' THEN 0 ELSE f.contracted_cost END    AS contracted_cost,
    CASE WHEN m.x_variant = 'purchase' THEN 0 ELSE f.effective_cost END   AS effective_cost,
    CASE WHEN m.x_variant = 'unused' THEN 0 ELSE f.list_cost END          AS list_cost,
    CASE WHEN m.x_variant = 'purchase' THEN 0 ELSE f.effective_cost END
                                                            AS pricing_currency_effective_cost,
    CASE WHEN m.x_keep_pricing AND m.x_variant <> 'unused' THEN f.pricing_quantity END
                                                                           AS pricing_quantity,
    CASE WHEN m.x_variant = 'unused' THEN 0 ELSE f.x_raw_line_items END   AS x_raw_line_items
FROM line_facts f JOIN mapped_attrs m ON m.x_key = f.x_key
WHERE m.x_variant <> 'unused' OR f.effective_cost <> 0
