"""KPI summary."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from finops.analytics.spend import CostMetric, SpendFilter, kpi_summary
from finops.api.deps import ConnectionDep
from finops.api.params import CostMetricQuery, spend_filter
from finops.api.schemas import KpiSummaryPublic, ServiceCostPublic

router = APIRouter(prefix="/kpi", tags=["kpi"])


@router.get("/summary", response_model=KpiSummaryPublic)
def read_kpi_summary(
    conn: ConnectionDep,
    filters: Annotated[SpendFilter, Depends(spend_filter)],
    cost_metric: CostMetricQuery = CostMetric.billed_cost,
) -> KpiSummaryPublic:
    """Total, month to date, previous month and top services, from the warehouse."""
    summary = kpi_summary(conn, spend_filter=filters, metric=cost_metric)
    return KpiSummaryPublic(
        currency=summary.currency,
        cost_metric=summary.cost_metric,
        as_of=summary.as_of,
        total_cost=summary.total_cost,
        month_to_date=summary.month_to_date,
        previous_month_to_date=summary.previous_month_to_date,
        previous_month=summary.previous_month,
        mom_change=summary.mom_change,
        mom_change_pct=summary.mom_change_pct,
        top_services=[
            ServiceCostPublic(service_name=s.service_name, cost=s.cost, share_pct=s.share_pct)
            for s in summary.top_services
        ],
    )
