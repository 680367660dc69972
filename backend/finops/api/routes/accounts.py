"""The accounts of the bill: name, currency, the days they appear, their recent and total
cost (``costs``, scoped by row-level security)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import StreamingResponse

from finops.analytics.allocation.chargeback import account_cost_centers, load_rules
from finops.analytics.allocation.tagging import canonical_key
from finops.analytics.cost_query import tag_keys
from finops.analytics.daily_costs import daily_costs
from finops.api.deps import ConnectionDep
from finops.api.downloads import DOWNLOAD_RESPONSE
from finops.api.paging import (
    ListParams,
    ListPublic,
    answer_list,
    list_params_for,
)
from finops.api.params import CostMetricQuery
from finops.api.queries.inventory import accounts_query
from finops.api.schemas.inventory import AccountPublic, AccountsPublic
from finops.warehouse.metrics import CostMetric

router = APIRouter(tags=["accounts"])

AccountListParams = Annotated[ListParams, Depends(list_params_for(AccountPublic))]


@router.get("/accounts", response_model=AccountsPublic, responses=DOWNLOAD_RESPONSE)
def read_accounts(
    conn: ConnectionDep, params: AccountListParams, metric: CostMetricQuery = CostMetric.billed_cost
) -> ListPublic[AccountPublic] | StreamingResponse:
    """Every account the caller may see, largest 30-day cost first: ``cost_30d`` is the cost
    (``metric``) of the last 30 days of data, ``cost_total`` of every day loaded; ``team``
    and ``cost_center`` the tag values carrying most of those 30 days' cost (the cost center
    falls back to an allocation rule naming the account alone)."""
    rules = load_rules()
    center = canonical_key(rules.cost_center_tag)
    keys = tag_keys(conn)
    source = daily_costs(conn)
    return answer_list(
        conn,
        query=accounts_query(
            source=source,
            metric=metric,
            end=source.last_day(conn),
            team_keys=[k for k in keys if canonical_key(k) == "team"],
            cost_center_keys=[k for k in keys if canonical_key(k) == center],
            account_centers=account_cost_centers(rules),
        ),
        model=AccountPublic,
        params=params,
        default_sort=("-cost_30d", "account_id"),
        name="accounts",
    )
