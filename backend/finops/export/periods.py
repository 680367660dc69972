"""Which billing periods an export writes: the periods the warehouse holds, checked against those
asked for (``--period``, ``--start``/``--end``), and the SQL filters selecting their rows."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from finops.errors import ExportError

_PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def period_counts(conn: Connection, view: sa.Table) -> dict[str, int]:
    month = sa.func.to_char(
        sa.func.date_trunc("month", view.c.billing_period_start), "YYYY-MM"
    ).label("period")
    rows = conn.execute(sa.select(month, sa.func.count()).group_by(month).order_by(month)).all()
    return {str(period): int(count) for period, count in rows}


def _check_period(value: str, option: str) -> str:
    if not _PERIOD.match(value):
        raise ExportError(f"{option} {value!r}: expected a billing period as YYYY-MM")
    return value


def select_periods(
    available: dict[str, int],
    *,
    periods: Sequence[str] = (),
    start: str | None = None,
    end: str | None = None,
) -> list[str]:
    """The billing periods to export, checked against those the warehouse holds."""
    if periods and (start or end):
        raise ExportError("give --period or --start/--end, not both")
    wanted = [_check_period(p, "--period") for p in periods]
    first = _check_period(start, "--start") if start else None
    last = _check_period(end, "--end") if end else None
    if first and last and first > last:
        raise ExportError(f"--start {first} is after --end {last}")
    held = _held(available)
    if not available:
        raise ExportError(
            "the warehouse holds no cost rows to export; load a billing export first "
            "(finops ingest billing)"
        )
    if wanted:
        for period in wanted:
            if period not in available:
                raise ExportError(
                    f"--period {period}: the warehouse holds no cost rows for billing period "
                    f"{period} ({held})"
                )
        return sorted(set(wanted))
    chosen = [p for p in available if (first is None or p >= first) and (last is None or p <= last)]
    if not chosen:
        raise ExportError(
            f"--start {first or '…'} --end {last or '…'}: no billing period in that range "
            f"holds cost rows ({held})"
        )
    return chosen


def _held(available: dict[str, int]) -> str:
    if not available:
        return "it holds none"
    keys = sorted(available)
    return f"it holds {keys[0]}" if len(keys) == 1 else f"it holds {keys[0]} … {keys[-1]}"


def _month_bounds(period: str) -> tuple[datetime, datetime]:
    year, month = int(period[:4]), int(period[5:])
    first = datetime(year, month, 1, tzinfo=UTC)
    following = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
    return first, following


def in_period(view: sa.Table, period: str) -> sa.ColumnElement[bool]:
    first, following = _month_bounds(period)
    return sa.and_(view.c.billing_period_start >= first, view.c.billing_period_start < following)


def in_periods(view: sa.Table, periods: Sequence[str]) -> sa.ColumnElement[bool]:
    return sa.or_(*(in_period(view, p) for p in periods))
