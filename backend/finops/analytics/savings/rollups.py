"""Rollups of the measurements: realized vs estimated savings by month, account, cost center
(allocation rules), action type and policy; cumulative realized savings by month; the
realization rate; savings as a share of spend; realized savings this month and to date (the
KPI summary).

Accrual: a measured subject saves its measured daily amount (baseline daily − after daily) on
every day from its after window's first day to the as-of day (a rolled-back action: to the day
before its rollback); a subject awaiting bills has realized nothing yet. Its estimate accrues
over the same days (estimated monthly savings ÷ the month's days, each day). The realization
rate compares the two over measured subjects only, so an action still awaiting its bill does
not count as a shortfall."""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, select

from finops.analytics.allocation.chargeback import AllocationRules, CostRow, cost_center_of
from finops.analytics.daily_costs import daily_costs
from finops.analytics.kpis.periods import add_months
from finops.errors import InvalidParameterError
from finops.warehouse.metrics import CostMetric
from finops.warehouse.tables import savings_measurements

ZERO = Decimal(0)
OUTSIDE = "outside the platform"
DIMENSIONS = ("month", "account", "cost_center", "action", "policy")


@dataclass(frozen=True)
class Measured:
    """What a rollup needs of one measurement row."""

    key: str
    account_id: str
    action: str
    policy: str
    cost_center: str
    status: str
    after_start: date
    until: date | None  # the last day it saves (a rollback's day before); None: open-ended
    daily_effective: Decimal  # realized per day; zero while awaiting bills
    daily_list: Decimal
    estimated_monthly: Decimal


@dataclass(frozen=True)
class Accrued:
    realized_effective: Decimal
    realized_list: Decimal
    estimated: Decimal  # every subject's estimate over the same days
    estimated_measured: Decimal  # the measured subjects' only: the realization rate's divisor


@dataclass(frozen=True)
class RollupLine:
    key: str
    subjects: int
    realized_effective: Decimal
    realized_list: Decimal
    estimated: Decimal
    realization_rate: Decimal | None  # realized (effective) ÷ the measured subjects' estimate
    spend: Decimal | None  # effective cost of the month or account (other dimensions: None)
    share_of_spend: Decimal | None  # realized ÷ (spend + realized): the bill's share avoided


def measured_rows(
    conn: Connection, *, rules: AllocationRules | None = None, account_id: str | None = None
) -> list[Measured]:
    t = savings_measurements
    query = select(t).order_by(t.c.id)
    if account_id is not None:
        query = query.where(t.c.account_id == account_id)
    return [_measured(r, rules) for r in conn.execute(query).mappings()]


def _measured(row: Any, rules: AllocationRules | None) -> Measured:
    rolled = any(r.get("code") == "rolled_back" for r in row["reasons"])
    center = "all"
    if rules is not None:
        center = cost_center_of(
            CostRow(
                account_id=row["account_id"],
                service_name=row["service"] or "",
                charge_category="Usage",
                line_item_type="Usage",
                tags=dict(row["resource_tags"] or {}),
                cost=ZERO,
            ),
            rules,
        )
    return Measured(
        key=row["subject_key"],
        account_id=row["account_id"],
        action=row["action"] or OUTSIDE,
        policy=row["policy"] or OUTSIDE,
        cost_center=center,
        status=row["status"],
        after_start=row["after_start"],
        until=row["after_end"] if rolled else None,
        daily_effective=_daily(row, "effective"),
        daily_list=_daily(row, "list"),
        estimated_monthly=Decimal(row["estimated_monthly_savings"]),
    )


def _daily(row: Any, view: str) -> Decimal:
    """Realized per day in ``view``: baseline daily − after daily (zero while awaiting)."""
    if row["status"] == "awaiting_bills":
        return ZERO
    return Decimal(row[f"baseline_daily_{view}"]) - Decimal(row[f"after_daily_{view}"])


def accrue(m: Measured, *, start: date, end: date) -> Accrued:
    """``m``'s realized and estimated savings over the days [start, end]."""
    first = max(start, m.after_start)
    last = end if m.until is None else min(end, m.until)
    realized_eff = realized_list = estimated = ZERO
    day = first
    while day <= last:
        month_end = date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
        chunk_end = min(last, month_end)
        days = (chunk_end - day).days + 1
        realized_eff += m.daily_effective * days
        realized_list += m.daily_list * days
        estimated += m.estimated_monthly * days / month_end.day
        day = chunk_end + timedelta(days=1)
    measured = estimated if m.status != "awaiting_bills" else ZERO
    return Accrued(realized_eff, realized_list, estimated, measured)


def _line(key: str, parts: Sequence[Accrued], spend: Decimal | None) -> RollupLine:
    eff = sum((a.realized_effective for a in parts), ZERO)
    divisor = sum((a.estimated_measured for a in parts), ZERO)
    return RollupLine(
        key=key,
        subjects=sum(1 for a in parts if a.estimated or a.realized_effective),
        realized_effective=eff,
        realized_list=sum((a.realized_list for a in parts), ZERO),
        estimated=sum((a.estimated for a in parts), ZERO),
        realization_rate=None if divisor == 0 else eff / divisor,
        spend=spend,
        share_of_spend=None if spend is None or spend + eff == 0 else eff / (spend + eff),
    )


def _spend(
    conn: Connection, *, start: date, end: date, by_account: bool, account_id: str | None
) -> dict[str, Decimal]:
    """Effective cost over [start, end] by account or month (of ``account_id`` when given),
    from the daily rollup unless the scope restricts tags."""
    source = daily_costs(conn)
    account = source.c("sub_account_id")
    key = account if by_account else func.to_char(source.day, "YYYY-MM")
    where = source.between(start, end)
    if account_id is not None:
        where.append(account == account_id)
    cost = source.metric(CostMetric.effective_cost)
    rows = conn.execute(select(key, func.sum(cost)).where(*where).group_by(key)).all()
    return {str(k): Decimal(v or 0) for k, v in rows}


def rollup(
    conn: Connection,
    *,
    by: str,
    start: date,
    end: date,
    rules: AllocationRules | None = None,
    account_id: str | None = None,
) -> list[RollupLine]:
    """Realized vs estimated savings over [start, end] by ``by`` (one of ``DIMENSIONS``)."""
    if by not in DIMENSIONS:
        raise InvalidParameterError(f"by: one of {', '.join(DIMENSIONS)}, got {by!r}")
    rows = measured_rows(conn, rules=rules, account_id=account_id)
    groups: dict[str, list[Accrued]] = defaultdict(list)
    if by == "month":
        for first, last in _months(start, end):
            groups[f"{first:%Y-%m}"] = [accrue(m, start=first, end=last) for m in rows]
    else:
        key: Callable[[Measured], str] = {
            "account": lambda m: m.account_id,
            "cost_center": lambda m: m.cost_center,
            "action": lambda m: m.action,
            "policy": lambda m: m.policy,
        }[by]
        for m in rows:
            groups[key(m)].append(accrue(m, start=start, end=end))
    spend = (
        _spend(conn, start=start, end=end, by_account=by == "account", account_id=account_id)
        if by in ("month", "account")
        else {}
    )
    return [
        _line(k, parts, spend.get(k, ZERO) if by in ("month", "account") else None)
        for k, parts in sorted(groups.items())
    ]


def _months(start: date, end: date) -> list[tuple[date, date]]:
    out, first = [], start.replace(day=1)
    while first <= end:
        nxt = add_months(first, 1)
        out.append((max(first, start), min(end, nxt - timedelta(days=1))))
        first = nxt
    return out


def cumulative(
    conn: Connection, *, start: date, end: date, account_id: str | None = None
) -> list[tuple[str, Decimal, Decimal]]:
    """(month, realized that month, realized from ``start`` to the month's end), effective."""
    total, out = ZERO, []
    for line in rollup(conn, by="month", start=start, end=end, account_id=account_id):
        total += line.realized_effective
        out.append((line.key, line.realized_effective, total))
    return out


def realized_to_date(
    conn: Connection, *, as_of: date, account_id: str | None = None
) -> tuple[Decimal, Decimal]:
    """(realized this month to ``as_of``, realized to ``as_of`` since the first measured
    change), effective-cost view: the KPI summary's figures."""
    rows = measured_rows(conn, account_id=account_id)
    month = sum(
        (accrue(m, start=as_of.replace(day=1), end=as_of).realized_effective for m in rows), ZERO
    )
    ever = sum((accrue(m, start=date.min, end=as_of).realized_effective for m in rows), ZERO)
    return month, ever
