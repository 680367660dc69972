"""The simulated time axis: hour indices from the start of the range, billing periods, and
counter-based pseudo-randomness so that every value depends only on (seed, key, hour)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
import numpy.typing as npt

HOUR_S = 3600
DAY_H = 24
MONTH_HOURS = 730  # AWS convention for "per month" figures

U64 = npt.NDArray[np.uint64]
F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


def to_datetime(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def month_start(day: date) -> date:
    return date(day.year, day.month, 1)


def next_month(day: date) -> date:
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


@dataclass(frozen=True, slots=True)
class Period:
    """One billing period (calendar month) clipped to the generated range."""

    label: str  # "YYYY-MM"
    start: date  # first day of the month
    end: date  # first day of the next month
    first_day: int  # index of the first generated day of this period
    last_day: int  # index one past the last generated day of this period

    @property
    def days(self) -> range:
        return range(self.first_day, self.last_day)

    @property
    def hours_in_month(self) -> int:
        return (self.end - self.start).days * DAY_H


@dataclass(frozen=True, slots=True)
class Timeline:
    """Range [start, end) in whole UTC days; hour 0 is ``start`` 00:00 UTC."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def hours(self) -> int:
        return self.days * DAY_H

    @property
    def epoch_s(self) -> int:
        return int(to_datetime(self.start).timestamp())

    def day(self, index: int) -> date:
        return self.start + timedelta(days=index)

    def day_index(self, day: date) -> int:
        return (day - self.start).days

    def hour_of(self, moment: date) -> int:
        return self.day_index(moment) * DAY_H

    def periods(self) -> list[Period]:
        periods: list[Period] = []
        cursor = month_start(self.start)
        while cursor < self.end:
            following = next_month(cursor)
            first = max(0, self.day_index(cursor))
            last = min(self.days, self.day_index(following))
            periods.append(Period(cursor.strftime("%Y-%m"), cursor, following, first, last))
            cursor = following
        return periods

    def hours_in_month_of(self, hours: I64) -> I64:
        """For each hour index, the number of hours of its calendar month."""
        days = np.asarray(hours // DAY_H, dtype="int64")
        start = np.datetime64(self.start, "D")
        moments = start + days.astype("timedelta64[D]")
        months = moments.astype("datetime64[M]")
        lengths = ((months + 1).astype("datetime64[D]") - months.astype("datetime64[D]")).astype(
            "int64"
        )
        return np.asarray(lengths * DAY_H, dtype="int64")

    def weekday_of(self, hours: I64) -> I64:
        """Monday = 0 … Sunday = 6 for each hour index."""
        first = self.start.weekday()
        return np.asarray((hours // DAY_H + first) % 7, dtype="int64")


# ---------------------------------------------------------------------------------------------
# Counter-based randomness (SplitMix64): value = f(seed, key, counter), independent of batching.

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def mix64(values: U64) -> U64:
    with np.errstate(over="ignore"):
        z = values + _GOLDEN
        z = (z ^ (z >> np.uint64(30))) * _M1
        z = (z ^ (z >> np.uint64(27))) * _M2
        return np.asarray(z ^ (z >> np.uint64(31)), dtype=np.uint64)


def hash_keys(seed: int, keys: npt.ArrayLike, counters: npt.ArrayLike) -> U64:
    k = np.asarray(keys, dtype=np.uint64)
    c = np.asarray(counters, dtype=np.uint64)
    with np.errstate(over="ignore"):
        mixed = mix64(mix64(k ^ np.uint64(seed & 0xFFFFFFFFFFFFFFFF)) + c * _GOLDEN)
    return mixed


def uniform(seed: int, keys: npt.ArrayLike, counters: npt.ArrayLike) -> F64:
    """Deterministic U[0, 1) per (key, counter)."""
    bits = hash_keys(seed, keys, counters) >> np.uint64(11)
    return np.asarray(bits.astype(np.float64) * (1.0 / 9007199254740992.0), dtype=np.float64)


def normal(seed: int, keys: npt.ArrayLike, counters: npt.ArrayLike) -> F64:
    """Deterministic standard normal per (key, counter) (Box–Muller on two uniforms)."""
    c = np.asarray(counters, dtype=np.uint64)
    u1 = uniform(seed, keys, c * np.uint64(2))
    u2 = uniform(seed, keys, c * np.uint64(2) + np.uint64(1))
    radius = np.sqrt(-2.0 * np.log1p(-u1))
    return np.asarray(radius * np.cos(2.0 * np.pi * u2), dtype=np.float64)
