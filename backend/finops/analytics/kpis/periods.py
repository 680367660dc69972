"""The periods KPIs and trends cover: a calendar month (closed, or to date when the data has not
finished it), or a range of days, each with the matching previous period it is compared with.
Everything is relative to the data, never the clock."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Connection

from finops.analytics.daily_costs import daily_costs
from finops.analytics.filters import SpendFilter


@dataclass(frozen=True)
class Period:
    """The days a KPI or trend covers and the matching previous period it is compared with.

    ``kind``: ``month`` (a whole calendar month whose last day is in the data: closed),
    ``month_to_date`` (a month the data has not finished; compared with the same days of the
    previous month) or ``range`` (any dates; compared with as many days just before)."""

    kind: str
    start: date
    end: date  # last day covered (for a month to date: the last day of data)
    previous_start: date
    previous_end: date
    label: str

    @property
    def complete(self) -> bool:
        return self.kind != "month_to_date"


def month_end(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def previous_month(day: date) -> date:
    """The first day of the month before ``day``'s."""
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def month_period(month: date, last_data_day: date | None) -> Period:
    """A calendar month, closed when the data reaches its last day, else to the last day of
    data (compared then with the same number of days of the previous month)."""
    first, last = month.replace(day=1), month_end(month)
    prev = previous_month(first)
    name = first.strftime("%B %Y")
    if last_data_day is not None and first <= last_data_day < last:
        days = (last_data_day - first).days + 1
        prev_end = min(prev + timedelta(days=days - 1), first - timedelta(days=1))
        label = f"{name} to date ({days} day{'s' if days != 1 else ''})"
        return Period("month_to_date", first, last_data_day, prev, prev_end, label)
    return Period("month", first, last, prev, first - timedelta(days=1), name)


def range_period(start: date, end: date) -> Period:
    length = end - start + timedelta(days=1)
    label = f"{start.isoformat()} to {end.isoformat()}"
    return Period("range", start, end, start - length, start - timedelta(days=1), label)


def select_period(
    conn: Connection,
    *,
    spend_filter: SpendFilter,
    start: date | None = None,
    end: date | None = None,
) -> Period | None:
    """The period a request selects: a billing period (``YYYY-MM``), a date range (``start``,
    optionally ``end``: default the last day of data) or, by default, the month of the last day
    of data on or before ``end``. None when the warehouse holds no cost for the filters."""
    source = daily_costs(conn)
    conds = source.conditions(spend_filter, include_period=False)
    bound = source.between(None, end) if end is not None and start is None else []
    last = source.last_day(conn, [*conds, *bound])
    if spend_filter.billing_period is not None:
        in_month = source.last_day(
            conn, [*conds, *source.between(None, month_end(spend_filter.billing_period))]
        )
        return month_period(spend_filter.billing_period, in_month)
    if start is not None:
        return range_period(start, end if end is not None else (last or start))
    if last is None:
        return None
    return month_period(last, last)
