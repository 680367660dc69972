"""The cost-metric definitions and money helpers every capability shares."""

from __future__ import annotations

from decimal import Decimal

import pytest

from finops.errors import FinOpsError
from finops.warehouse.cost_rows import COST_ROWS_SQL
from finops.warehouse.metrics import (
    ALLOCATION_METRICS,
    COLUMN_METRICS,
    DAILY_ROW_METRICS,
    USAGE_COST,
    CostMetric,
    check_metric,
)
from finops.warehouse.money import CENT, cents, money
from finops.warehouse.tables import cost_rollup_daily, costs


def test_column_metrics_are_columns_of_costs_and_the_rollup() -> None:
    assert COLUMN_METRICS == ("billed_cost", "effective_cost", "list_cost")
    assert [m.value for m in CostMetric] == list(COLUMN_METRICS)
    for metric in COLUMN_METRICS:
        assert str(costs.c[metric].type) == "NUMERIC"
        assert str(cost_rollup_daily.c[metric].type) == "NUMERIC(38, 10)"
    assert USAGE_COST not in costs.c  # derived in cost_rows.sql, not a column


def test_the_cost_rows_compute_every_daily_row_metric() -> None:
    assert DAILY_ROW_METRICS == ("usage_cost", "billed_cost", "effective_cost")
    assert "WHEN :metric = 'effective_cost' THEN effective_cost" in COST_ROWS_SQL
    assert "WHEN :metric = 'billed_cost' THEN billed_cost" in COST_ROWS_SQL
    assert set(ALLOCATION_METRICS) == set(DAILY_ROW_METRICS) & set(COLUMN_METRICS)


def test_an_unknown_metric_is_refused_by_name() -> None:
    assert check_metric("usage_cost", allowed=DAILY_ROW_METRICS) == "usage_cost"
    with pytest.raises(FinOpsError) as info:
        check_metric("list_cost", allowed=DAILY_ROW_METRICS)
    assert str(info.value) == (
        "cost metric 'list_cost' is not one of usage_cost, billed_cost, effective_cost"
    )


def test_money_rounds_half_up_to_the_cent() -> None:
    assert Decimal("0.01") == CENT
    assert money(0.125) == Decimal("0.13")
    assert money(2.675) == Decimal("2.68")  # its repr, not its binary value 2.67499…
    assert money(-1.005) == Decimal("-1.01")
    assert cents(Decimal("10.005")) == Decimal("10.01")
    assert cents(Decimal("-0.004")) == Decimal("-0.00")
