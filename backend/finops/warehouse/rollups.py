"""Keep the cost rollups (``finops.warehouse.tables.rollups``, migration 0018) equal to
``costs``: :func:`refresh_rollups` rewrites every rollup row of the given billing periods from
``costs``, on the connection of the billing load, inside the transaction that replaced (or
removed) the slices, so no reader ever sees a rollup that disagrees with ``costs``.

Rollup rows carry their billing period, so a billing period is rewritten whole, whatever the
source its rows came from (a load that supersedes another source's rows is covered too). The
charge days read are bounded by the ones the rollup held for those periods before and the
months the load wrote (``months``), so only those partitions of ``cost_facts`` are scanned.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import psycopg

from finops.db.signals import COST_DATA, signal

Connection = psycopg.Connection[Any]

_SQL = (Path(__file__).parent / "rollups.sql").read_text()
STATEMENTS: dict[str, str] = {
    m.group(1): m.group(2).strip().rstrip(";")
    for m in re.finditer(r"-- name: (\w+)\n(.*?)(?=\n-- name: |\Z)", _SQL, re.S)
}


@dataclass(frozen=True)
class RollupRefresh:
    billing_periods: list[date]
    daily_rows: int
    monthly_rows: int
    tag_rows: int


def _month_after(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def refresh_rollups(
    conn: Connection,
    *,
    billing_periods: Sequence[date | str],
    months: Sequence[date] = (),
) -> RollupRefresh:
    """Rewrite the rollups of ``billing_periods`` from ``costs``; ``months``: the charge months
    the caller's new rows fall in (first days). Runs in the caller's transaction."""
    periods = sorted(
        {date.fromisoformat(p[:10]) if isinstance(p, str) else p for p in billing_periods}
    )
    if not periods:
        return RollupRefresh([], 0, 0, 0)
    params: dict[str, object] = {"periods": periods}
    first, last = conn.execute(STATEMENTS["charge_range"], params).fetchone() or (None, None)
    starts = [d for d in (first, *months) if d is not None]
    ends = [d for d in (last, *(_month_after(m) - timedelta(days=1) for m in months)) if d]
    signal(conn, COST_DATA)  # the API's cached cost answers (delivered at commit)
    for name in ("delete_tags", "delete_monthly", "delete_service", "delete_daily"):
        conn.execute(STATEMENTS[name], params)
    if not starts:
        return RollupRefresh(periods, 0, 0, 0)
    params["lo"] = _midnight(min(starts))
    params["hi"] = _midnight(max(ends) + timedelta(days=1))
    daily = conn.execute(STATEMENTS["insert_daily"], params).rowcount
    monthly = conn.execute(STATEMENTS["insert_monthly"], params).rowcount
    conn.execute(STATEMENTS["insert_service"], params)
    tags = conn.execute(STATEMENTS["insert_tags"], params).rowcount
    return RollupRefresh(periods, daily, monthly, tags)
