"""The cost rollups the billing load keeps (migration 0018, ``finops.warehouse.rollups``):
daily and monthly cost by account, service, region, charge category, usage type and
currency, and the daily cost per tag key and value in use. Refreshed in the transaction that
replaces a billing slice, so they always equal ``costs`` (tests/warehouse/test_rollups.py).

A missing dimension value (NULL or empty in ``costs``) is NULL here. ``row_count`` is the
number of ``costs`` rows a rollup row sums."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Column, Date, Numeric, Table, Text

from finops.warehouse.metadata import metadata

MONEY = Numeric(38, 10)  # the precision of the cost columns (migration 0001)

ROLLUP_DIMENSIONS = (
    "billing_account_id",
    "sub_account_id",
    "sub_account_name",
    "service_name",
    "service_category",
    "region_id",
    "charge_category",
    "x_usage_type",
)
ROLLUP_MEASURES = ("billed_cost", "effective_cost", "list_cost", "contracted_cost")


def _columns() -> list[Column[Any]]:
    return [
        Column("billing_period_start", Date, nullable=False),
        *(Column(name, Text) for name in ROLLUP_DIMENSIONS),
        Column("billing_currency", Text, nullable=False),
        *(Column(name, MONEY, nullable=False) for name in ROLLUP_MEASURES),
        Column("consumed_quantity", Numeric(38, 10), nullable=False),
        Column("row_count", BigInteger, nullable=False),
    ]


# table: cost by day (UTC charge day) and the dimensions
rollup_cost_daily = Table(
    "rollup_cost_daily", metadata, Column("day", Date, nullable=False), *_columns()
)
# table: cost by month (first day of the charge month) and the dimensions
rollup_cost_monthly = Table(
    "rollup_cost_monthly", metadata, Column("month", Date, nullable=False), *_columns()
)
# table: cost by day, the dimensions and one tag (key as the bill spells it, non-empty value)
rollup_cost_tag_daily = Table(
    "rollup_cost_tag_daily",
    metadata,
    Column("day", Date, nullable=False),
    Column("tag_key", Text, nullable=False),
    Column("tag_value", Text, nullable=False),
    *_columns(),
)
