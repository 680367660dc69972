"""Commitment discounts (Reserved Instances and Savings Plans): utilization and coverage over
time, and purchase recommendations — the tables the commitments job writes
(``finops run commitments``)."""

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
from finops.api.queries.commitments import (
    Granularity,
    coverage_query,
    recommendations_query,
    utilization_query,
)
from finops.api.schemas.discounts import (
    CoverageListPublic,
    CoveragePublic,
    RecommendationPublic,
    RecommendationsPublic,
    UtilizationListPublic,
    UtilizationPublic,
)

router = APIRouter(prefix="/discounts", tags=["discounts"])

UtilizationListParams = Annotated[ListParams, Depends(list_params_for(UtilizationPublic))]
CoverageListParams = Annotated[ListParams, Depends(list_params_for(CoveragePublic))]
RecommendationListParams = Annotated[ListParams, Depends(list_params_for(RecommendationPublic))]

StartQuery = Annotated[Day | None, Query(description="first day (inclusive)")]
EndQuery = Annotated[Day | None, Query(description="last day (inclusive)")]
GranularityQuery = Annotated[
    Granularity, Query(description="a row per day or per month (its first day)")
]


@router.get("/utilization", response_model=UtilizationListPublic, responses=DOWNLOAD_RESPONSE)
def read_utilization(
    conn: ConnectionDep,
    params: UtilizationListParams,
    granularity: GranularityQuery = Granularity.monthly,
    start: StartQuery = None,
    end: EndQuery = None,
    commitment_type: Annotated[
        Values,
        Query(
            description="'Savings Plan' or 'Reserved Instance'; repeat for several",
            max_length=10,
        ),
    ] = None,
) -> ListPublic[UtilizationPublic] | StreamingResponse:
    """Utilization per period and commitment type: what the commitments cost (committed),
    what covered usage used of it, what went unused, and used / committed in percent."""
    check_order(start, end)
    return answer_list(
        conn,
        query=utilization_query(
            granularity=granularity, start=start, end=end, commitment_type=commitment_type
        ),
        model=UtilizationPublic,
        params=params,
        default_sort=("period", "commitment_type", "currency"),
        name="commitment-utilization",
    )


@router.get("/coverage", response_model=CoverageListPublic, responses=DOWNLOAD_RESPONSE)
def read_coverage(
    conn: ConnectionDep,
    params: CoverageListParams,
    granularity: GranularityQuery = Granularity.monthly,
    start: StartQuery = None,
    end: EndQuery = None,
    account_id: AccountIdsQuery = None,
    service_name: Annotated[
        Values, Query(description="service name; repeat for several", max_length=100)
    ] = None,
) -> ListPublic[CoveragePublic] | StreamingResponse:
    """Coverage per period and service: the on-demand-equivalent cost of commitment-eligible
    usage, the part commitments covered, and covered / eligible in percent."""
    check_order(start, end)
    return answer_list(
        conn,
        query=coverage_query(
            granularity=granularity, start=start, end=end, account_id=account_id,
            service_name=service_name,
        ),
        model=CoveragePublic,
        params=params,
        default_sort=("period", "service_name", "currency"),
        name="commitment-coverage",
    )  # fmt: skip


@router.get("/recommendations", response_model=RecommendationsPublic, responses=DOWNLOAD_RESPONSE)
def read_recommendations(
    conn: ConnectionDep,
    params: RecommendationListParams,
    history: Annotated[
        bool, Query(description="every run's recommendations, not only the latest run's")
    ] = False,
) -> ListPublic[RecommendationPublic] | StreamingResponse:
    """Savings Plan purchase recommendations: for each term and payment option, the hourly
    commitment that would have saved the most over the lookback, and that saving per month."""
    return answer_list(
        conn,
        query=recommendations_query(latest_only=not history),
        model=RecommendationPublic,
        params=params,
        default_sort=("-as_of", "-estimated_monthly_savings", "term_years", "payment_option"),
        name="commitment-recommendations",
    )
