"""Invoices: the bill per invoice, billing period and account (``costs``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import StreamingResponse

from finops.api.deps import ConnectionDep
from finops.api.downloads import DOWNLOAD_RESPONSE
from finops.api.paging import (
    AccountIdsQuery,
    BillingPeriodQuery,
    ListParams,
    ListPublic,
    answer_list,
    list_params_for,
)
from finops.api.params import parse_billing_period
from finops.api.queries.billing import invoices_query
from finops.api.schemas.invoices import InvoicePublic, InvoicesPublic

router = APIRouter(tags=["spend"])

InvoiceListParams = Annotated[ListParams, Depends(list_params_for(InvoicePublic))]


@router.get("/spend/invoices", response_model=InvoicesPublic, responses=DOWNLOAD_RESPONSE)
def read_invoices(
    conn: ConnectionDep,
    params: InvoiceListParams,
    billing_period: BillingPeriodQuery = None,
    account_id: AccountIdsQuery = None,
) -> ListPublic[InvoicePublic] | StreamingResponse:
    """One row per invoice, billing period and account: billed, effective and list cost and
    the number of charge rows; the latest period first, then the largest bill."""
    period = None if billing_period is None else parse_billing_period(billing_period)
    return answer_list(
        conn,
        query=invoices_query(billing_period=period, account_id=account_id),
        model=InvoicePublic,
        params=params,
        default_sort=("-billing_period", "-billed_cost", "account_id", "invoice_id"),
        name="invoices",
    )
