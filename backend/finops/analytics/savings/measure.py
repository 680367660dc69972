"""One measurement from a subject and its bill: the windows, the daily averages in both cost
views with the usage beside them, the realized monthly savings, the confidence and its reasons,
and the status (docs/savings.md).

Pure: the caller reads the bill (``bills``), this computes. Costs stay at source precision;
daily averages and monthly figures are exact decimal quotients and products of them."""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from finops.analytics.savings.bills import ZERO, DayCost
from finops.analytics.savings.subjects import METHODS, Subject

BASELINE_DAYS = 14
MIN_AFTER_DAYS = 7
CONFIRM_AFTER_DAYS = 30  # an after window this long confirms the measurement; it grows no more
USAGE_TOLERANCE = Decimal("0.10")  # usage may move this share before it confounds a measurement
COVERAGE_TOLERANCE = Decimal("0.10")  # commitment coverage share likewise

LOWER = {"high": 0, "medium": 1, "low": 2}


@dataclass(frozen=True)
class Reason:
    code: str
    confidence: str  # what the reason lowers the confidence to: medium or low
    text: str

    def as_json(self) -> dict[str, str]:
        return {"code": self.code, "confidence": self.confidence, "text": self.text}


@dataclass(frozen=True)
class Window:
    start: date
    end: date
    days: int
    effective: Decimal
    list: Decimal
    covered_list: Decimal
    usage: Decimal
    # the totals with each day's month-prorated charges counted at the reference month's length
    # (× days of the day's month ÷ days of the reference month; see ``window``)
    month_effective: Decimal
    month_list: Decimal

    @property
    def daily_effective(self) -> Decimal:
        return self.month_effective / self.days

    @property
    def daily_list(self) -> Decimal:
        return self.month_list / self.days

    @property
    def daily_usage(self) -> Decimal:
        return self.usage / self.days

    @property
    def coverage(self) -> Decimal | None:
        """The share of its list cost a commitment covered (None without list cost)."""
        return None if self.list == 0 else self.covered_list / self.list


@dataclass(frozen=True)
class Measurement:
    subject: Subject
    baseline: Window
    after: Window | None  # None while the bill has too few days after the change
    status: str  # awaiting_bills | measured | confirmed
    days_in_month: int | None
    realized_monthly_effective: Decimal | None
    realized_monthly_list: Decimal | None
    confidence: str | None
    reasons: tuple[Reason, ...]
    method: str
    daily: tuple[DayCost, ...]


def window(
    days: Mapping[date, DayCost], start: date, end: date, *, month_days: int | None = None
) -> Window:
    """The days [start, end]: totals at source precision, and the month-normalised totals in
    which a charge priced per month (billed each day as its monthly price ÷ the days of its
    month) counts at the reference month's length ``month_days`` (default: as billed), so that
    windows in months of different lengths compare."""
    span = [days[start + timedelta(days=k)] for k in range((end - start).days + 1)]

    def normalised(total: str, prorated: str) -> Decimal:
        if month_days is None:
            return sum((getattr(d, total) for d in span), ZERO)
        return sum(
            (
                getattr(d, total)
                + getattr(d, prorated)
                * (Decimal(calendar.monthrange(d.day.year, d.day.month)[1]) / month_days - 1)
                for d in span
            ),
            ZERO,
        )

    return Window(
        start=start,
        end=end,
        days=len(span),
        effective=sum((d.effective for d in span), ZERO),
        list=sum((d.list for d in span), ZERO),
        covered_list=sum((d.covered_list for d in span), ZERO),
        usage=sum((d.usage for d in span), ZERO),
        month_effective=normalised("effective", "prorated_effective"),
        month_list=normalised("list", "prorated_list"),
    )


def baseline_start(subject: Subject, *, baseline_days: int = BASELINE_DAYS) -> date:
    return subject.baseline_end - timedelta(days=baseline_days - 1)


def after_end(subject: Subject, *, last_billed: date | None) -> date | None:
    """The after window's last day: the bill's last day, at most ``CONFIRM_AFTER_DAYS`` after
    the change, and before a rollback; None when not even one day is there."""
    if last_billed is None:
        return None
    end = min(last_billed, subject.after_start + timedelta(days=CONFIRM_AFTER_DAYS - 1))
    if subject.rolled_back_on is not None:
        end = min(end, subject.rolled_back_on - timedelta(days=1))
    return end if end >= subject.after_start else None


def measure(
    subject: Subject,
    *,
    days: Mapping[date, DayCost],
    last_billed: date | None,
    billed: set[date],
    bill_changed: str | None = None,
    baseline_days: int = BASELINE_DAYS,
) -> Measurement:
    """The measurement of ``subject`` from ``days`` (every day from the baseline's start to
    ``last_billed``), the days the account's bill has (``billed``) and ``bill_changed``: how
    the bill under an earlier measurement's windows changed since (a restatement), if it
    did."""
    start = subject.after_start
    month_days = calendar.monthrange(start.year, start.month)[1]
    base = window(
        days,
        baseline_start(subject, baseline_days=baseline_days),
        subject.baseline_end,
        month_days=month_days,
    )
    end = after_end(subject, last_billed=last_billed)
    after = None if end is None else window(days, start, end, month_days=month_days)
    rolled_short = subject.rolled_back_on is not None and (
        after is None or after.days < MIN_AFTER_DAYS
    )
    method = METHODS[subject.expectation]
    if (after is None or after.days < MIN_AFTER_DAYS) and not rolled_short:
        return Measurement(
            subject, base, None, "awaiting_bills", None, None, None, None, (), method, ()
        )
    # a rollback before one full day after the change: the baseline again, nothing saved, and
    # nothing of an after window to judge
    empty = after is None
    after = after or _empty_after(subject, base)
    reasons = _reasons(subject, base, None if empty else after, days=days, billed=billed)
    if bill_changed is not None:
        reasons.insert(0, Reason("restated_bill", "medium", bill_changed))
    confidence = max(("high", *(r.confidence for r in reasons)), key=LOWER.__getitem__)
    status = "confirmed" if after.days >= CONFIRM_AFTER_DAYS else "measured"
    series = tuple(days[d] for d in _days(base.start, after.end))
    return Measurement(
        subject=subject,
        baseline=base,
        after=after,
        status=status,
        days_in_month=month_days,
        realized_monthly_effective=(base.daily_effective - after.daily_effective) * month_days,
        realized_monthly_list=(base.daily_list - after.daily_list) * month_days,
        confidence=confidence,
        reasons=tuple(reasons),
        method=method,
        daily=series,
    )


def _empty_after(subject: Subject, base: Window) -> Window:
    """A rollback before any full day after the change: one day at the baseline's daily
    figures (nothing saved)."""
    day = subject.after_start
    return Window(
        day,
        day,
        1,
        base.daily_effective,
        base.daily_list,
        base.covered_list / base.days,
        base.daily_usage,
        base.daily_effective,
        base.daily_list,
    )


def _reasons(
    subject: Subject,
    base: Window,
    after: Window | None,
    *,
    days: Mapping[date, DayCost],
    billed: set[date],
) -> list[Reason]:
    reasons: list[Reason] = []
    if base.effective == 0 and base.list == 0:
        reasons.append(
            Reason(
                "no_baseline",
                "low",
                f"the bill has no cost of {subject.resource_id} in the baseline window: "
                "nothing to measure a saving against",
            )
        )
    spans = _days(base.start, base.end) + ([] if after is None else _days(after.start, after.end))
    missing = [d for d in spans if d not in billed]
    if missing:
        reasons.append(
            Reason(
                "incomplete_bill",
                "low",
                f"the bill has no line of account {subject.account_id} on {len(missing)} "
                f"day(s) of the windows (first {missing[0].isoformat()})",
            )
        )
    if after is not None:
        reasons.extend(_usage_reasons(subject, base, after, days=days))
        reasons.extend(_coverage_reasons(subject, base, after))
    if subject.rolled_back_on is not None:
        reasons.append(
            Reason(
                "rolled_back",
                "low",
                f"rolled back on {subject.rolled_back_on.isoformat()}: measured over the "
                f"{0 if after is None else after.days} full day(s) before",
            )
        )
    if subject.kind == "external_fix":
        reasons.append(
            Reason(
                "outside_platform",
                "medium",
                f"changed outside the platform between {subject.baseline_end.isoformat()} and "
                f"{subject.change_day.isoformat()}: the change day is not exact",
            )
        )
    return reasons


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=k) for k in range((end - start).days + 1)]


def _usage_reasons(
    subject: Subject, base: Window, after: Window, *, days: Mapping[date, DayCost]
) -> list[Reason]:
    span = _days(after.start, after.end)
    if subject.expectation in ("stops_hours", "stops", "leaves_snapshot"):
        hours = subject.expectation == "stops_hours"  # a stopped resource keeps its storage
        again = [d for d in span if (days[d].hours if hours else days[d].usage) > 0]
        if again:
            what = "ran again" if hours else "was billed usage again"
            return [
                Reason(
                    "usage_resumed",
                    "low",
                    f"{subject.resource_id} {what} on {len(again)} of {len(span)} day(s) "
                    f"after the change (first {again[0].isoformat()})",
                )
            ]
    elif subject.expectation in ("keeps_usage", "changed") and base.usage > 0:
        change = (after.daily_usage - base.daily_usage) / base.daily_usage
        if abs(change) > USAGE_TOLERANCE:
            word = "grew" if change > 0 else "fell"
            return [
                Reason(
                    "usage_changed",
                    "low",
                    f"usage {word} from {base.daily_usage} to {after.daily_usage} a day "
                    f"({change * 100:+.1f}%) for reasons other than the change",
                )
            ]
    return []


def _coverage_reasons(subject: Subject, base: Window, after: Window) -> list[Reason]:
    before, later = base.coverage, after.coverage
    if before is not None and later is not None and abs(later - before) > COVERAGE_TOLERANCE:
        return [
            Reason(
                "coverage_changed",
                "medium",
                f"commitment coverage of {subject.resource_id} moved from "
                f"{before * 100:.0f}% to {later * 100:.0f}% of its list cost between the "
                "windows: the effective-cost view counts the commitment's discount, the "
                "list-cost view the change in usage",
            )
        ]
    if before is not None and before > 0 and _covered_daily(after) < _covered_daily(base):
        # the usage the commitment covered shrank (stopped, or a smaller type): what it freed
        return [
            Reason(
                "commitment_freed",
                "medium",
                f"{before * 100:.0f}% of the baseline's list cost was covered by a commitment, "
                f"and the covered cost fell from {_covered_daily(base)} to "
                f"{_covered_daily(after)} a day; the commitment stays paid and covers other "
                "usage: the effective-cost saving shows on the bill only where that usage was "
                "on demand",
            )
        ]
    return []


def _covered_daily(w: Window) -> Decimal:
    return w.covered_list / w.days
