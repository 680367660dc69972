"""Query parameters shared by several routes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import Depends, HTTPException, Query
from pydantic import BeforeValidator

from finops.analytics.spend import CostMetric, SpendFilter

_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FIRST_YEAR, LAST_YEAR = 1970, 9998
"""Days and billing periods outside these years are refused: nothing is billed before 1970, and
period arithmetic (the next month, a quarter's end) must stay inside ``datetime.date``."""
MAX_BIGINT = 2**63 - 1


def _iso_day(value: object) -> object:
    """A day is ``YYYY-MM-DD`` text, never a number of seconds since 1970 (``start=0``)."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _DAY.match(value):
        raise ValueError("a day must be written YYYY-MM-DD")
    day = date.fromisoformat(value)
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(f"the year must be between {FIRST_YEAR} and {LAST_YEAR}")
    return day


Day = Annotated[date, BeforeValidator(_iso_day)]
"""A calendar day parameter: ISO text only, within the years the platform can compute with."""


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
            status_code=422, detail=f"billing_period must look like YYYY-MM, got {value[:40]!r}"
        )
    if not FIRST_YEAR <= int(value[:4]) <= LAST_YEAR:
        raise HTTPException(
            status_code=422,
            detail=f"billing_period {value!r}: the year must be between {FIRST_YEAR} and "
            f"{LAST_YEAR} (YYYY-MM)",
        )
    return date.fromisoformat(f"{value}-01")


@dataclass(frozen=True, slots=True)
class Page:
    limit: int
    offset: int


def page(
    limit: Annotated[int, Query(ge=1, le=500, description="rows per page")] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_BIGINT, description="rows to skip")] = 0,
) -> Page:
    return Page(limit=limit, offset=offset)


PageDep = Annotated[Page, Depends(page)]


CostMetricQuery = Annotated[CostMetric, Query(description="which FOCUS cost column to sum")]
