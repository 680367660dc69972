"""The scopes and periods a summary is written for.

A scope is the whole bill (``total``), one account, or one value of a tag key the anomaly
detector watches (``FINOPS_ANOMALY_TAG_KEYS``: team, cost-center): its ``scope`` JSON is that of
the anomalies, forecasts and budgets (``{}``, ``{"account": id}``, ``{"tag:team": value}``), so
row-level security scopes it the same way (``finops.scope_covers``). A period is the ISO week
(Monday .. Sunday) or the calendar month holding the day the summary is written as of; it is
compared, day for day, with the same number of days at the start of the period before."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from finops.errors import InvalidParameterError

PERIOD_KINDS = ("week", "month")


@dataclass(frozen=True, slots=True)
class InsightScope:
    kind: str  # total | account | tag
    scope: dict[str, str]

    @property
    def key(self) -> str:
        return self.kind + ":" + ",".join(f"{k}={v}" for k, v in sorted(self.scope.items()))

    @property
    def account(self) -> str | None:
        return self.scope.get("account")

    @property
    def tag(self) -> tuple[str, str] | None:
        for k, v in self.scope.items():
            if k.startswith("tag:"):
                return k[4:], v
        return None

    @property
    def label(self) -> str:
        if self.kind == "total":
            return "the whole bill"
        if self.account is not None:
            return f"account {self.account}"
        tag = self.tag
        assert tag is not None
        return f"{tag[0]} {tag[1]}"


TOTAL = InsightScope("total", {})


def account_scope(account: str) -> InsightScope:
    return InsightScope("account", {"account": account})


def tag_scope(key: str, value: str) -> InsightScope:
    return InsightScope("tag", {f"tag:{key}": value})


@dataclass(frozen=True, slots=True)
class Period:
    """``start`` .. ``end`` (the whole week or month), covered through ``through`` (the as-of
    day); ``previous_start`` .. ``previous_end``: the same days of the period before."""

    kind: str
    start: date
    end: date
    through: date
    previous_start: date
    previous_end: date

    @property
    def days(self) -> int:
        return (self.through - self.start).days + 1


def period_of(kind: str, as_of: date) -> Period:
    """The week or month holding ``as_of``, through ``as_of``, and its like-for-like previous
    days (a month's capped at the previous month's last day)."""
    if kind == "week":
        start = as_of - timedelta(days=as_of.weekday())
        end = start + timedelta(days=6)
        previous_start = start - timedelta(days=7)
        previous_end = as_of - timedelta(days=7)
    elif kind == "month":
        start = as_of.replace(day=1)
        end = as_of.replace(day=calendar.monthrange(as_of.year, as_of.month)[1])
        previous_start = (start - timedelta(days=1)).replace(day=1)
        last = calendar.monthrange(previous_start.year, previous_start.month)[1]
        previous_end = previous_start.replace(day=min(as_of.day, last))
    else:
        raise InvalidParameterError(
            f"period {kind!r} is not one of {', '.join(PERIOD_KINDS)}", param="period"
        )
    return Period(kind, start, end, as_of, previous_start, previous_end)
