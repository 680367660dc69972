"""Query parameters shared by several routes."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from fastapi import HTTPException, Query

from finops.analytics.spend import CostMetric, SpendFilter

_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def spend_filter(
    billing_period: Annotated[
        str | None, Query(description="billing period as YYYY-MM", examples=["2026-10"])
    ] = None,
    account_id: Annotated[str | None, Query(description="sub account (usage account) id")] = None,
) -> SpendFilter:
    period: date | None = None
    if billing_period is not None:
        if not _PERIOD.match(billing_period):
            raise HTTPException(
                status_code=422,
                detail=f"billing_period must look like YYYY-MM, got {billing_period!r}",
            )
        period = date.fromisoformat(f"{billing_period}-01")
    return SpendFilter(billing_period=period, account_id=account_id)


CostMetricQuery = Annotated[CostMetric, Query(description="which FOCUS cost column to sum")]
