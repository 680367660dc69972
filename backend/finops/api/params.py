"""Query parameters shared by several routes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated

from fastapi import Depends, Query
from pydantic import BeforeValidator, WithJsonSchema

from finops.analytics.filters import SpendFilter
from finops.errors import InvalidParameterError
from finops.warehouse.metrics import CostMetric

FIRST_YEAR, LAST_YEAR = 1970, 2999
"""Days and billing periods outside these years are refused: nothing is billed before 1970, and
period arithmetic (the next month, a quarter's end, history windows) must stay inside
``datetime.date``."""
_YEAR = r"(19[7-9][0-9]|2[0-9]{3})"
BILLING_PERIOD_PATTERN = rf"^{_YEAR}-(0[1-9]|1[0-2])$"
DAY_PATTERN = rf"^{_YEAR}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
_PERIOD = re.compile(BILLING_PERIOD_PATTERN)
_DAY = re.compile(DAY_PATTERN)
MAX_BIGINT = 2**63 - 1


def one_of_pattern(values: tuple[str, ...] | list[str]) -> str:
    """A regular expression matching exactly one of ``values`` (for an OpenAPI ``pattern``
    where an enum would change the generated client's types)."""
    return "^(" + "|".join(re.escape(v) for v in values) + ")$"


def _iso_day(value: object) -> object:
    """A day is ``YYYY-MM-DD`` text, never a number of seconds since 1970 (``start=0``)."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _DAY.match(value):
        raise ValueError(
            f"a day must be written YYYY-MM-DD, in the years {FIRST_YEAR} to {LAST_YEAR}"
        )
    return date.fromisoformat(value)  # a day that does not exist (02-30) is a ValueError too


Day = Annotated[
    date,
    BeforeValidator(_iso_day),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DAY_PATTERN}),
]
"""A calendar day parameter: ISO text only, within the years the platform can compute with."""

_HOUR_MINUTE = r"([01][0-9]|2[0-3]):[0-5][0-9]"
INSTANT_PATTERN = (
    rf"{DAY_PATTERN[:-1]}T{_HOUR_MINUTE}:[0-5][0-9](\.[0-9]{{1,6}})?(Z|[+-]{_HOUR_MINUTE})$"
)
_INSTANT = re.compile(INSTANT_PATTERN)


def _iso_instant(value: object) -> object:
    """A moment is RFC 3339 text with seconds and an offset (``2026-12-03T14:05:00Z``), never a
    number of seconds nor a local time that means a different moment on another machine."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value
    if not isinstance(value, str) or not _INSTANT.match(value):
        raise ValueError(
            "a time must be written YYYY-MM-DDTHH:MM:SS[.ffffff] with its offset (Z or "
            f"+HH:MM), in the years {FIRST_YEAR} to {LAST_YEAR}"
        )
    return datetime.fromisoformat(value)


Instant = Annotated[
    datetime,
    BeforeValidator(_iso_instant),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": INSTANT_PATTERN}),
]
"""A moment parameter: ISO text with a time zone offset, within the platform's years."""


def spend_filter(
    billing_period: Annotated[
        str | None,
        Query(
            description="billing period as YYYY-MM",
            examples=["2026-10"],
            json_schema_extra={"pattern": BILLING_PERIOD_PATTERN},
        ),
    ] = None,
    account_id: Annotated[str | None, Query(description="sub account (usage account) id")] = None,
) -> SpendFilter:
    period = None if billing_period is None else parse_billing_period(billing_period)
    return SpendFilter(billing_period=period, account_id=account_id)


def check_range(filters: SpendFilter, start: date | None, end: date | None) -> None:
    """A period is a billing period or a date range, not both; a range runs forwards."""
    if filters.billing_period is not None and (start is not None or end is not None):
        raise InvalidParameterError(
            "give billing_period or start/end, not both "
            f"(billing_period={filters.billing_period:%Y-%m}, start={start}, end={end})"
        )
    check_order(start, end)


def check_order(start: date | None, end: date | None) -> None:
    """A range runs forwards."""
    if start is not None and end is not None and start > end:
        raise InvalidParameterError(f"start {start} is after end {end}", param="start")


def parse_billing_period(value: str) -> date:
    """``YYYY-MM`` → the period's first day; anything else is a 422 naming the parameter."""
    if not _PERIOD.match(value):
        raise InvalidParameterError(
            f"billing_period must look like YYYY-MM in the years {FIRST_YEAR} to "
            f"{LAST_YEAR}, got {value[:40]!r}",
            param="billing_period",
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
