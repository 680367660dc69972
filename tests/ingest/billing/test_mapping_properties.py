"""Property: for any mix of CUR line items, the FOCUS mapping preserves the totals that the
FinOps Foundation conversion rules define (BilledCost, EffectiveCost, ListCost), exactly."""

from __future__ import annotations

import csv
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from finops.ingest.billing.columns import FACT_COPY_COLUMNS
from finops.ingest.billing.sources import discover
from finops.ingest.billing.transform import transform_unit

LINE_ITEM_TYPES = (
    "Usage",
    "DiscountedUsage",
    "RIFee",
    "SavingsPlanCoveredUsage",
    "SavingsPlanNegation",
    "SavingsPlanRecurringFee",
    "SavingsPlanUpfrontFee",
    "Fee",
    "Tax",
    "Credit",
    "Refund",
)
MONEY_COLUMNS = (
    "line_item_unblended_cost",
    "line_item_net_unblended_cost",
    "pricing_public_on_demand_cost",
    "reservation_effective_cost",
    "reservation_unused_amortized_upfront_fee_for_billing_period",
    "reservation_unused_recurring_fee",
    "savings_plan_savings_plan_effective_cost",
    "savings_plan_total_commitment_to_date",
    "savings_plan_used_commitment",
)
TEN_PLACES = Decimal("0.0000000001")

money = st.decimals(
    min_value=Decimal("-99999"),
    max_value=Decimal("99999"),
    places=10,
    allow_nan=False,
    allow_infinity=False,
)
line_item = st.fixed_dictionaries(
    {
        "line_item_line_item_type": st.sampled_from(LINE_ITEM_TYPES),
        "day": st.integers(min_value=1, max_value=28),
        "account": st.sampled_from(["100000000001", "100000000002"]),
        **{c: money for c in MONEY_COLUMNS},
    },
    optional={"no_net": st.booleans()},
)


def _f(value: Decimal) -> float:
    return float(value)


def _exact(value: float) -> Decimal:
    """What a CUR double means: its shortest decimal form, at the warehouse's 10 places."""
    return Decimal(repr(value)).quantize(TEN_PLACES)


def _expected(rows: list[dict[str, object]]) -> tuple[Decimal, Decimal, Decimal]:
    billed = effective = listed = Decimal(0)
    for r in rows:
        d = {c: _exact(_f(r[c])) for c in MONEY_COLUMNS}  # type: ignore[arg-type]
        kind = r["line_item_line_item_type"]
        unblended = d["line_item_unblended_cost"]
        billed += unblended if r.get("no_net") else d["line_item_net_unblended_cost"]
        listed += d["pricing_public_on_demand_cost"]
        if kind == "SavingsPlanCoveredUsage":
            effective += d["savings_plan_savings_plan_effective_cost"]
        elif kind == "SavingsPlanRecurringFee":
            effective += (
                d["savings_plan_total_commitment_to_date"] - d["savings_plan_used_commitment"]
            )
        elif kind in ("SavingsPlanNegation", "SavingsPlanUpfrontFee"):
            pass
        elif kind == "DiscountedUsage":
            effective += d["reservation_effective_cost"]
        elif kind == "RIFee":
            effective += (
                d["reservation_unused_amortized_upfront_fee_for_billing_period"]
                + d["reservation_unused_recurring_fee"]
            )
        else:
            effective += unblended
    return billed, effective, listed


def _write(rows: list[dict[str, object]], folder: Path) -> Path:
    period = datetime(2026, 3, 1)
    records = []
    for r in rows:
        day = datetime(2026, 3, int(str(r["day"])))
        record: dict[str, object] = {
            "billing_period": "2026-03",
            "bill_billing_period_start_date": period,
            "bill_payer_account_id": "999999999999",
            "line_item_usage_account_id": r["account"],
            "line_item_line_item_type": r["line_item_line_item_type"],
            "line_item_usage_start_date": day,
            "line_item_product_code": "AmazonEC2",
            "line_item_currency_code": "USD",
            "product": [("product_name", "Amazon Elastic Compute Cloud")],
            "resource_tags": [],
        }
        for column in MONEY_COLUMNS:
            record[column] = _f(r[column])  # type: ignore[arg-type]
        if r.get("no_net"):
            record["line_item_net_unblended_cost"] = None
        records.append(record)
    schema = pa.schema(
        [
            ("billing_period", pa.string()),
            ("bill_billing_period_start_date", pa.timestamp("ms")),
            ("bill_payer_account_id", pa.string()),
            ("line_item_usage_account_id", pa.string()),
            ("line_item_line_item_type", pa.string()),
            ("line_item_usage_start_date", pa.timestamp("ms")),
            ("line_item_product_code", pa.string()),
            ("line_item_currency_code", pa.string()),
            ("product", pa.map_(pa.string(), pa.string())),
            ("resource_tags", pa.map_(pa.string(), pa.string())),
            *[(c, pa.float64()) for c in MONEY_COLUMNS],
        ]
    )
    path = folder / "cur2-random.parquet"
    pq.write_table(pa.Table.from_pylist(records, schema=schema), path)
    return path


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(line_item, min_size=1, max_size=40))
def test_mapping_preserves_totals(rows: list[dict[str, object]], tmp_path: Path) -> None:
    folder = tmp_path / f"case-{abs(hash(repr(rows))) % 10**12}"
    folder.mkdir()
    unit = discover(_write(rows, folder), work_dir=folder / "work")[0]
    result = transform_unit(unit, work_dir=folder / "transform")
    (totals,) = result.totals
    assert totals.raw_line_items == len(rows)
    assert (totals.billed_cost, totals.effective_cost, totals.list_cost) == _expected(rows)
    # aggregation to the daily grain keeps every cent too
    daily = {"billed": Decimal(0), "effective": Decimal(0), "list": Decimal(0)}
    columns = ("billed_cost", "effective_cost", "list_cost")
    index = {c: FACT_COPY_COLUMNS.index(c) for c in columns}
    with result.csv_path.open() as handle:
        for row in csv.reader(handle):
            daily["billed"] += Decimal(row[index["billed_cost"]])
            daily["effective"] += Decimal(row[index["effective_cost"]])
            daily["list"] += Decimal(row[index["list_cost"]])
    assert (daily["billed"], daily["effective"], daily["list"]) == _expected(rows)
