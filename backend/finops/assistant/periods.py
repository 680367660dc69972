"""Periods in a question, relative to the data's last day (``as_of``): "last month", "this
quarter", "last 60 days", "September 2026", ... Each period is a half-open day range."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = {
    name: i + 1
    for i, name in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ]
    )
}
NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twenty": 20,
    "thirty": 30,
}


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # exclusive
    name: str

    def text(self) -> str:
        return f"{self.name} ({self.start.isoformat()} .. {(self.end - timedelta(days=1))})"


def month_start(day: date, offset: int = 0) -> date:
    index = day.year * 12 + day.month - 1 + offset
    return date(index // 12, index % 12 + 1, 1)


def quarter_start(day: date, offset: int = 0) -> date:
    first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return month_start(first, 3 * offset)


PATTERNS: list[tuple[str, str]] = [
    (r"\b(?:in |over |during |for )?(?:the )?(?:last|past|previous) (\d+|[a-z]+) days?\b", "days"),
    (r"\b(?:so far )?this month(?:'s)?(?: so far)?\b|\bmonth[- ]to[- ]date\b|\bmtd\b", "mtd"),
    (r"\b(?:in |during )?(?:the )?(?:last|previous|past) month(?:'s)?\b", "last_month"),
    (r"\b(?:in |during )?this quarter\b|\bquarter[- ]to[- ]date\b|\bqtd\b", "qtd"),
    (r"\b(?:in |during )?(?:the )?(?:last|previous|past) quarter\b", "last_quarter"),
    (r"\b(?:in |during )?(?:the )?(?:last|previous|past) week\b", "last_week"),
    (r"\byesterday\b", "yesterday"),
    (r"\byear[- ]to[- ]date\b|\bytd\b|\bthis year\b", "ytd"),
    (r"\b(?:in |during )?(" + "|".join(MONTHS) + r")(?: (20\d\d))?\b", "named_month"),
]


def match_period(kind: str, groups: tuple[str | None, ...], as_of: date) -> Period | None:
    today_end = as_of + timedelta(days=1)
    if kind == "days":
        raw = groups[0] or ""
        n = int(raw) if raw.isdigit() else NUMBERS.get(raw, 0)
        if not 1 <= n <= 3660:
            return None
        return Period(today_end - timedelta(days=n), today_end, f"the last {n} days")
    if kind == "mtd":
        return Period(month_start(as_of), today_end, "this month to date")
    if kind == "last_month":
        return Period(month_start(as_of, -1), month_start(as_of), "last month")
    if kind == "qtd":
        return Period(quarter_start(as_of), today_end, "this quarter to date")
    if kind == "last_quarter":
        return Period(quarter_start(as_of, -1), quarter_start(as_of), "last quarter")
    if kind == "last_week":
        monday = as_of - timedelta(days=as_of.weekday())
        return Period(monday - timedelta(days=7), monday, "last week")
    if kind == "yesterday":
        return Period(as_of - timedelta(days=1), as_of, "yesterday")
    if kind == "ytd":
        return Period(date(as_of.year, 1, 1), today_end, "this year to date")
    month = MONTHS[groups[0] or ""]
    year = int(groups[1]) if groups[1] else as_of.year - (1 if month > as_of.month else 0)
    start = date(year, month, 1)
    return Period(start, month_start(start, 1), start.strftime("%B %Y"))


def find_period(text: str, as_of: date) -> tuple[Period | None, str, bool]:
    """The first period named in ``text``, the text without it, and whether a period phrase
    was found but unusable (then the question is refused)."""
    for pattern, kind in PATTERNS:
        found = re.search(pattern, text)
        if found:
            period = match_period(kind, found.groups(), as_of)
            rest = text[: found.start()] + " " + text[found.end() :]
            return period, rest, period is None
    return None, text, False


def halves(period: Period) -> tuple[Period, Period]:
    """The window split in two halves (the later one the longer when the days are odd)."""
    days = (period.end - period.start).days
    middle = period.end - timedelta(days=(days + 1) // 2)
    return (
        Period(period.start, middle, "the first half"),
        Period(middle, period.end, "the second half"),
    )
