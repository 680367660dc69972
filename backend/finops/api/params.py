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


def check_range(filters: SpendFilter, start: date | None, end: date | None) -> None:
    """A period is a billing period or a date range, not both; a range runs forwards."""
    if filters.billing_period is not None and (start is not None or end is not None):
        raise HTTPException(
            status_code=422,
            detail="give billing_period or start/end, not both "
            f"(billing_period={filters.billing_period:%Y-%m}, start={start}, end={end})",
        )
    if start is not None and end is not None and start > end:
        raise HTTPException(status_code=422, detail=f"start {start} is after end {end}")


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
