"""Query parameters shared by several routes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import Depends, HTTPException, Query

from finops.analytics.spend import CostMetric, SpendFilter

_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def spend_filter(
    billing_period: Annotated[
        str | None, Query(description="billing period as YYYY-MM", examples=["2026-10"])
    ] = None,
    account_id: Annotated[str | None, Query(description="sub account (usage account) id")] = None,
) -> SpendFilter:
    period = None if billing_period is None else parse_billing_period(billing_period)
    return SpendFilter(billing_period=period, account_id=account_id)


def parse_billing_period(value: str) -> date:
    """``YYYY-MM`` → the period's first day; anything else is a 422 naming the parameter."""
    if not _PERIOD.match(value):
        raise HTTPException(
            status_code=422, detail=f"billing_period must look like YYYY-MM, got {value!r}"
        )
    return date.fromisoformat(f"{value}-01")


@dataclass(frozen=True, slots=True)
class Page:
    limit: int
    offset: int


def page(
    limit: Annotated[int, Query(ge=1, le=500, description="rows per page")] = 50,
    offset: Annotated[int, Query(ge=0, description="rows to skip")] = 0,
) -> Page:
    return Page(limit=limit, offset=offset)


PageDep = Annotated[Page, Depends(page)]


CostMetricQuery = Annotated[CostMetric, Query(description="which FOCUS cost column to sum")]
