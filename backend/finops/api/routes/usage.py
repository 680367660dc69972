"""Daily utilization by resource and metric (``utilization_daily``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from finops.api.deps import ConnectionDep
from finops.api.downloads import DOWNLOAD_RESPONSE
from finops.api.paging import (
    AccountIdsQuery,
    ListParams,
    ListPublic,
    Values,
    answer_list,
    list_params_for,
)
from finops.api.params import Day, check_order
from finops.api.queries.inventory import usage_query
from finops.api.schemas.inventory import UsageListPublic, UsagePublic

router = APIRouter(tags=["usage"])

UsageListParams = Annotated[ListParams, Depends(list_params_for(UsagePublic))]


@router.get("/usage", response_model=UsageListPublic, responses=DOWNLOAD_RESPONSE)
def read_usage(
    conn: ConnectionDep,
    params: UsageListParams,
    start: Annotated[Day | None, Query(description="first day (inclusive)")] = None,
    end: Annotated[Day | None, Query(description="last day (inclusive)")] = None,
    resource_id: Annotated[
        Values, Query(description="resource id; repeat for several", max_length=100)
    ] = None,
    account_id: AccountIdsQuery = None,
    metric_name: Annotated[
        Values,
        Query(description="metric name (CPUUtilization); repeat for several", max_length=100),
    ] = None,
) -> ListPublic[UsagePublic] | StreamingResponse:
    """Daily statistics (mean, percentiles, extremes, samples) of each resource's metrics,
    by day, resource and metric."""
    check_order(start, end)
    return answer_list(
        conn,
        query=usage_query(
            start=start, end=end, resource_id=resource_id, account_id=account_id,
            metric_name=metric_name,
        ),
        model=UsagePublic,
        params=params,
        default_sort=("day", "resource_id", "metric_name", "stat"),
        name="usage",
    )  # fmt: skip
