"""Spend trends and the filters the dashboard offers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from finops.analytics.filters import SpendFilter
from finops.analytics.spend import DIMENSION_LABELS, Dimension, available_filters, spend_trend
from finops.api.deps import ConnectionDep
from finops.api.params import CostMetricQuery, Day, check_range, spend_filter
from finops.api.rows import from_row
from finops.api.schemas.spend import (
    AccountPublic,
    DimensionPublic,
    FiltersPublic,
    SpendTrendPublic,
    TrendSeriesPublic,
)
from finops.warehouse.metrics import CostMetric

router = APIRouter(tags=["spend"])


@router.get("/spend/trend", response_model=SpendTrendPublic)
def read_spend_trend(
    conn: ConnectionDep,
    filters: Annotated[SpendFilter, Depends(spend_filter)],
    dimension: Annotated[Dimension, Query(description="what to break the cost down by")] = (
        Dimension.service_name
    ),
    start: Annotated[Day | None, Query(description="first day (inclusive)")] = None,
    end: Annotated[Day | None, Query(description="last day (inclusive)")] = None,
    cost_metric: CostMetricQuery = CostMetric.billed_cost,
    top: Annotated[int, Query(ge=1, le=50, description="series kept; the rest is Other")] = 8,
) -> SpendTrendPublic:
    """Daily cost by a dimension; for a billing period or a range with a start, the total of
    the matching previous period beside it."""
    check_range(filters, start, end)
    trend = spend_trend(
        conn,
        spend_filter=filters,
        metric=cost_metric,
        dimension=dimension,
        start=start,
        end=end,
        top=top,
    )
    return from_row(
        SpendTrendPublic,
        trend,
        series=[from_row(TrendSeriesPublic, s) for s in trend.series],
        period_label=None if trend.period is None else trend.period.label,
        previous_start=None if trend.period is None else trend.period.previous_start,
        previous_end=None if trend.period is None else trend.period.previous_end,
    )


@router.get("/filters", response_model=FiltersPublic)
def read_filters(conn: ConnectionDep) -> FiltersPublic:
    """Billing periods, accounts and dimensions present in the warehouse."""
    found = available_filters(conn)
    return FiltersPublic(
        billing_periods=found.billing_periods,
        accounts=[AccountPublic(account_id=a, account_name=n) for a, n in found.accounts],
        dimensions=[DimensionPublic(key=d.value, label=DIMENSION_LABELS[d]) for d in Dimension],
        currency=found.currency,
        data_start=found.data_start,
        data_end=found.data_end,
    )
