"""CUR 2.0, legacy CUR and FOCUS 1.2 agree to the cent per day × account × service."""

from __future__ import annotations

from decimal import Decimal

import duckdb

from finops.generator import GenerateResult

CUR2 = """
SELECT line_item_usage_start_date::DATE AS day,
       line_item_usage_account_id AS account,
       line_item_product_code AS service,
       sum(line_item_net_unblended_cost::DECIMAL(38,10)) AS billed,
       sum(CASE line_item_line_item_type
             WHEN 'SavingsPlanCoveredUsage'
               THEN savings_plan_savings_plan_effective_cost::DECIMAL(38,10)
             WHEN 'SavingsPlanRecurringFee'
               THEN savings_plan_total_commitment_to_date::DECIMAL(38,10)
                                               - savings_plan_used_commitment::DECIMAL(38,10)
             WHEN 'SavingsPlanNegation' THEN 0
             WHEN 'DiscountedUsage' THEN reservation_effective_cost::DECIMAL(38,10)
             WHEN 'RIFee'
               THEN reservation_unused_amortized_upfront_fee_for_billing_period::DECIMAL(38,10)
                               + reservation_unused_recurring_fee::DECIMAL(38,10)
             ELSE line_item_unblended_cost::DECIMAL(38,10) END) AS effective,
       sum(pricing_public_on_demand_cost::DECIMAL(38,10)) AS list
FROM read_parquet('{root}/cur2/finops-demo/data/*/*.parquet')
GROUP BY ALL
"""
LEGACY = """
SELECT "lineItem/UsageStartDate"[1:10]::DATE AS day,
       "lineItem/UsageAccountId" AS account,
       "lineItem/ProductCode" AS service,
       sum("lineItem/NetUnblendedCost"::DECIMAL(38,10)) AS billed,
       sum("pricing/publicOnDemandCost"::DECIMAL(38,10)) AS list
FROM read_csv('{root}/cur/finops-demo/*/*.csv.gz', all_varchar = true, header = true)
GROUP BY ALL
"""
FOCUS = """
SELECT ChargePeriodStart::DATE AS day,
       SubAccountId AS account,
       x_ServiceCode AS service,
       sum(BilledCost) AS billed,
       sum(EffectiveCost) AS effective,
       sum(ListCost) AS list
FROM read_parquet('{root}/focus/finops-demo/data/*/*.parquet')
GROUP BY ALL
"""


def _frame(
    con: duckdb.DuckDBPyConnection, sql: str, root: str
) -> dict[tuple[str, str, str], tuple[Decimal, ...]]:
    rows = con.execute(sql.format(root=root)).fetchall()
    return {(str(r[0]), r[1], r[2]): tuple(r[3:]) for r in rows}


def test_three_formats_reconcile_per_day_account_service(
    estate: GenerateResult, con: duckdb.DuckDBPyConnection
) -> None:
    root = str(estate.out_dir)
    cur2 = _frame(con, CUR2, root)
    legacy = _frame(con, LEGACY, root)
    focus = _frame(con, FOCUS, root)
    assert len(cur2) > 500
    assert cur2.keys() == legacy.keys() == focus.keys()
    cent = Decimal("0.01")
    for key, (billed, effective, list_cost) in cur2.items():
        l_billed, l_list = legacy[key]
        f_billed, f_effective, f_list = focus[key]
        assert billed.quantize(cent) == l_billed.quantize(cent) == f_billed.quantize(cent), key
        assert billed == l_billed == f_billed, key  # exact, not merely to the cent
        assert effective == f_effective, key
        assert list_cost == l_list == f_list, key


def test_totals_match_result(estate: GenerateResult, con: duckdb.DuckDBPyConnection) -> None:
    root = str(estate.out_dir)
    rows = con.execute(
        f"""SELECT strftime(BillingPeriodStart, '%Y-%m'), sum(BilledCost)
            FROM read_parquet('{root}/focus/finops-demo/data/*/*.parquet') GROUP BY 1"""
    ).fetchall()
    assert {r[0]: r[1] for r in rows} == {k: v.net_unblended for k, v in estate.totals.items()}


def test_amortized_total_is_consistent(
    estate: GenerateResult, con: duckdb.DuckDBPyConnection
) -> None:
    """Amortized (effective) spend never exceeds billed spend by more than unused commitments."""
    root = str(estate.out_dir)
    billed, effective = con.execute(
        "SELECT sum(BilledCost), sum(EffectiveCost) FROM "
        f"read_parquet('{root}/focus/finops-demo/data/*/*.parquet')"
    ).fetchone() or (None, None)
    assert billed is not None and effective is not None
    assert effective <= billed  # the estate only has No Upfront commitments
    assert effective > billed * Decimal("0.8")
