"""The columns of a cost fact (migration 0012), as plain names: shared by the warehouse's
description (``tables/billing.py``) and the billing load (``ingest/billing/columns.py``), which
imports no SQLAlchemy."""

from __future__ import annotations

# the additive columns of a fact, in name order
MEASURES = (
    "billed_cost",
    "commitment_discount_quantity",
    "consumed_quantity",
    "contracted_cost",
    "effective_cost",
    "list_cost",
    "pricing_currency_effective_cost",
    "pricing_quantity",
)
# everything cost_facts holds besides the attribute id; the rest of a cost row is in
# cost_attributes
FACT_COLUMNS = frozenset(
    (*MEASURES, "charge_period_start", "charge_period_end", "x_raw_line_items")
)
