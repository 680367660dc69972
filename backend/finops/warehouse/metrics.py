"""The cost metrics: what each one means, and which capability reads which.

One definition each (FOCUS 1.2 names):

- ``billed_cost``: what the invoice charges (AWS net unblended cost); a column of ``costs``.
- ``effective_cost``: amortized cost after commitment discounts (upfront fees spread, covered
  usage at its commitment rate); a column of ``costs``.
- ``list_cost``: the public on-demand price of the usage; a column of ``costs``.
- ``usage_cost``: what the resources use, priced without the moves of commitments: usage a
  commitment covers at the rate before its discount (FOCUS ``ContractedCost``; list cost for
  AWS RI-covered usage, whose unblended cost is zero), without commitment purchases, Savings
  Plan negations, tax and credits; everything else at billed cost. Not a column: it is computed
  in ``cost_rows.sql`` (``finops.warehouse.cost_rows``).

The tuples below say which metrics a capability accepts; they are the only lists of metric
names in the code (the API's enums and patterns are built from them).
"""

from __future__ import annotations

from enum import StrEnum

from finops.errors import FinOpsError


# A cost column of the ``costs`` view (and of ``cost_rollup_daily``). No docstring: the API
# schema shows an enum's docstring, and the dashboard's client is generated from that schema.
class CostMetric(StrEnum):
    billed_cost = "billed_cost"
    effective_cost = "effective_cost"
    list_cost = "list_cost"


BILLED_COST = CostMetric.billed_cost.value
EFFECTIVE_COST = CostMetric.effective_cost.value
LIST_COST = CostMetric.list_cost.value
USAGE_COST = "usage_cost"

COLUMN_METRICS: tuple[str, ...] = tuple(m.value for m in CostMetric)
"""Spend and KPIs: a sum of one cost column."""

DAILY_ROW_METRICS: tuple[str, ...] = (USAGE_COST, BILLED_COST, EFFECTIVE_COST)
"""Anomalies, forecasts and budgets: the daily cost rows (``cost_rows``) in one of these."""

ALLOCATION_METRICS: tuple[str, ...] = (EFFECTIVE_COST, BILLED_COST)
"""Chargeback: the cost that is allocated."""

ANOMALY_METRIC = USAGE_COST
"""What anomaly detection reads: a commitment moving its coverage is not a change in use."""

FORECAST_METRIC = BILLED_COST
"""What forecasts and budgets read by default: the bill."""


class UnknownMetricError(FinOpsError):
    """A cost metric a capability does not compute."""


def check_metric(metric: str, *, allowed: tuple[str, ...]) -> str:
    """``metric`` when it is one of ``allowed``, else an error naming both."""
    if metric not in allowed:
        raise UnknownMetricError(f"cost metric {metric!r} is not one of {', '.join(allowed)}")
    return metric
