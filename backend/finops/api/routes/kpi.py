"""KPI summary."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from finops.analytics.filters import SpendFilter
from finops.analytics.kpis.summary import kpi_summary
from finops.api.deps import ConnectionDep
from finops.api.params import CostMetricQuery, Day, check_range, spend_filter
from finops.api.rows import from_row
from finops.api.schemas.kpi import KpiSummaryPublic, ServiceCostPublic
from finops.warehouse.metrics import CostMetric

router = APIRouter(prefix="/kpi", tags=["kpi"])


@router.get("/summary", response_model=KpiSummaryPublic)
def read_kpi_summary(
    conn: ConnectionDep,
    filters: Annotated[SpendFilter, Depends(spend_filter)],
    start: Annotated[Day | None, Query(description="first day of a range (inclusive)")] = None,
    end: Annotated[
        Day | None,
        Query(description="last day of a range, or alone: the day the month to date ends"),
    ] = None,
    cost_metric: CostMetricQuery = CostMetric.billed_cost,
) -> KpiSummaryPublic:
    """Cost of a billing period, a date range or (default) the month of the last day of data,
    against the matching previous period, with the top services of the period."""
    check_range(filters, start, end)
    summary = kpi_summary(conn, spend_filter=filters, metric=cost_metric, start=start, end=end)
    p = summary.period
    return from_row(
        KpiSummaryPublic,
        summary,
        period_kind=None if p is None else p.kind,
        period_label=None if p is None else p.label,
        complete=True if p is None else p.complete,
        period_start=None if p is None else p.start,
        period_end=None if p is None else p.end,
        previous_period_start=None if p is None else p.previous_start,
        previous_period_end=None if p is None else p.previous_end,
        # the names older clients read
        month_to_date=summary.period_cost,
        previous_month_to_date=summary.previous_period_cost,
        mom_change=summary.change,
        mom_change_pct=summary.change_pct,
        top_services=[from_row(ServiceCostPublic, s) for s in summary.top_services],
    )
