"""Realized savings (the savings tracker, docs/savings.md): the measurements — one per executed
action and per finding fixed outside the platform — with their filters, one measurement with
its before/after daily costs, windows and the reasons for its confidence, and the rollups of
``finops.analytics.savings.rollups`` (realized vs estimated by month, account, cost center,
action type and policy; cumulative; realization rate; share of spend). Every list also
downloads as CSV (``format=csv``: every matching row). Row-level security scopes every read to
the caller's accounts and tags: a measurement outside them is a 404, as if it did not exist."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import StreamingResponse
from sqlalchemy import ColumnElement, Connection, func, select

from finops.analytics.allocation.chargeback import AllocationRules, load_rules
from finops.analytics.allocation.tagging import load_tag_policy
from finops.analytics.daily_costs import daily_costs
from finops.analytics.savings.rollups import accrue, cumulative, measured_rows, rollup
from finops.api.deps import ConnectionDep, SettingsDep
from finops.api.downloads import CSV_RESPONSE, ListFormat, download_response
from finops.api.errors import error_responses
from finops.api.params import MAX_BIGINT, Day, PageDep, check_order
from finops.api.rows import from_row, text_map
from finops.api.schemas.savings import (
    RollupDimension,
    SavingsConfidence,
    SavingsCumulativeLinePublic,
    SavingsCumulativePublic,
    SavingsMeasurementDetailPublic,
    SavingsMeasurementPublic,
    SavingsMeasurementsPublic,
    SavingsRollupLinePublic,
    SavingsRollupPublic,
    SavingsStatus,
)
from finops.config import Settings
from finops.errors import FinOpsError, InvalidParameterError, NotFoundError
from finops.warehouse.tables import savings_measurements

router = APIRouter(prefix="/savings", tags=["savings"])

t = savings_measurements
DEFAULT_CURRENCY = "USD"
MAX_RANGE_DAYS = 3660
"""A rollup's range spans at most ten years (one line a month; every measurement accrued over
every month of it)."""
OUTSIDE_QUERY = "outside"
"""The action / policy filter value for fixes outside the platform (no action, no policy)."""


class SavingsSort(StrEnum):
    change_day = "change_day"
    realized_monthly_effective = "realized_monthly_effective"
    estimated_monthly_savings = "estimated_monthly_savings"
    account_id = "account_id"
    action = "action"
    status = "status"
    confidence = "confidence"


class SortOrder(StrEnum):
    asc = "asc"
    desc = "desc"


MEASUREMENT_CSV = [
    name for name in SavingsMeasurementPublic.model_fields if name not in ("first_measured_at",)
]
ROLLUP_CSV = list(SavingsRollupLinePublic.model_fields)
CUMULATIVE_CSV = list(SavingsCumulativeLinePublic.model_fields)

FormatQuery = Annotated[
    ListFormat,
    Query(description="json (default), or csv / parquet: every matching row, no paging"),
]
AccountQuery = Annotated[
    str | None, Query(min_length=1, max_length=64, description="the resource's account id")
]
MeasurementIdPath = Annotated[int, Path(ge=1, le=MAX_BIGINT, description="the measurement's id")]
StartQuery = Annotated[
    Day | None, Query(description="first day (default: the first month with a change)")
]
EndQuery = Annotated[Day | None, Query(description="last day (default: the bill's last day)")]


def _where(
    *,
    status: list[SavingsStatus] | None,
    account: str | None,
    action: str | None,
    policy: str | None,
    confidence: list[SavingsConfidence] | None,
) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if status:
        clauses.append(t.c.status.in_([s.value for s in status]))
    if account is not None:
        clauses.append(t.c.account_id == account)
    for column, value in ((t.c.action, action), (t.c.policy, policy)):
        if value == OUTSIDE_QUERY:
            clauses.append(column.is_(None))
        elif value is not None:
            clauses.append(column == value)
    if confidence:
        clauses.append(t.c.confidence.in_([c.value for c in confidence]))
    return clauses


def _currency(conn: Connection, where: list[ColumnElement[bool]]) -> str:
    """Savings add up only within one currency; several is an error naming them."""
    found = sorted(conn.execute(select(t.c.currency).where(*where).distinct()).scalars())
    if len(found) > 1:
        raise FinOpsError(
            f"savings measurements are in several currencies {found}: filter by account"
        )
    return found[0] if found else DEFAULT_CURRENCY


def _order(sort: SavingsSort, order: SortOrder) -> list[Any]:
    column = t.c[sort.value]
    first = column.asc().nulls_last() if order is SortOrder.asc else column.desc().nulls_last()
    return [first, t.c.id.desc()]


@router.get("/measurements", response_model=SavingsMeasurementsPublic, responses=CSV_RESPONSE)
def read_measurements(
    conn: ConnectionDep,
    page: PageDep,
    status: Annotated[
        list[SavingsStatus] | None, Query(description="status; repeat for several")
    ] = None,
    account: AccountQuery = None,
    action: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=64,
            description="the action's name (stop_instance, …); outside: fixes outside",
        ),
    ] = None,
    policy: Annotated[
        str | None,
        Query(min_length=1, max_length=200, description="the policy's name; outside: fixes"),
    ] = None,
    confidence: Annotated[
        list[SavingsConfidence] | None, Query(description="confidence; repeat for several")
    ] = None,
    sort: Annotated[SavingsSort, Query(description="the column to sort by")] = (
        SavingsSort.change_day
    ),
    order: Annotated[SortOrder, Query(description="asc or desc")] = SortOrder.desc,
    format: FormatQuery = ListFormat.json,
) -> SavingsMeasurementsPublic | StreamingResponse:
    """Measurements in the caller's scope, latest change first (or as ``sort`` / ``order``
    say), one page at a time; ``count`` counts every measurement matching the filters,
    ``counts`` every measurement per status (whatever the filters)."""
    where = _where(
        status=status, account=account, action=action, policy=policy, confidence=confidence
    )
    query = select(t).where(*where).order_by(*_order(sort, order))
    if format is not ListFormat.json:
        rows = [from_row(SavingsMeasurementPublic, r) for r in conn.execute(query)]
        return download_response(
            format,
            name="savings-measurements",
            model=SavingsMeasurementPublic,
            columns=MEASUREMENT_CSV,
            rows=rows,
        )
    count = conn.execute(select(func.count()).select_from(t).where(*where)).scalar_one()
    per_status: dict[str, int] = dict(
        conn.execute(select(t.c.status, func.count()).group_by(t.c.status)).tuples().all()
    )
    page_rows = conn.execute(query.limit(page.limit).offset(page.offset))
    return SavingsMeasurementsPublic(
        data=[from_row(SavingsMeasurementPublic, r) for r in page_rows],
        count=count,
        counts={s.value: per_status.get(s.value, 0) for s in SavingsStatus},
    )


@router.get(
    "/measurements/{measurement_id}",
    response_model=SavingsMeasurementDetailPublic,
    responses=error_responses(404),
)
def read_measurement(
    conn: ConnectionDep, measurement_id: MeasurementIdPath
) -> SavingsMeasurementDetailPublic:
    """One measurement with its window totals, usage, the reasons for its confidence and
    every day's effective cost, list cost and usage from the baseline's first day to the after
    window's last (the before/after chart)."""
    row = conn.execute(select(t).where(t.c.id == measurement_id)).first()
    if row is None:
        raise NotFoundError(
            f"savings measurement {measurement_id} does not exist (or not in scope)"
        )
    return from_row(SavingsMeasurementDetailPublic, row, resource_tags=text_map(row.resource_tags))


def _rules(settings: Settings) -> AllocationRules:
    """The allocation job's rules (docs/analytics.md), with its invalid-tag bucket if set."""
    rules = load_rules()
    if settings.allocation_invalid_tag_bucket:
        rules = rules.with_tag_policy(load_tag_policy(settings.allocation_tag_policy).allowed)
    return rules


def _range(
    conn: Connection, *, start: date | None, end: date | None, account: str | None
) -> tuple[date, date]:
    """[start, end]: by default from the first month with a change to the bill's last day
    (a default start after the end given: the end's month; nothing billed: the start's day)."""
    check_order(start, end)
    if end is None:
        source = daily_costs(conn)
        end = source.last_day(
            conn, None if account is None else [source.c("sub_account_id") == account]
        )
    if start is None:
        first = select(func.min(t.c.after_start))
        if account is not None:
            first = first.where(t.c.account_id == account)
        found = conn.execute(first).scalar_one_or_none() or end or date.today()
        start = min(found, end or found).replace(day=1)
    end = end or start
    check_order(start, end)
    if (end - start).days >= MAX_RANGE_DAYS:
        raise InvalidParameterError(
            f"start {start} to end {end} spans {(end - start).days + 1} days; a savings "
            f"rollup covers at most {MAX_RANGE_DAYS} days",
            param="end",
        )
    return start, end


def _total(
    conn: Connection, *, start: date, end: date, account: str | None
) -> SavingsRollupLinePublic:
    """Every measurement in scope accrued over [start, end]."""
    parts = [accrue(m, start=start, end=end) for m in measured_rows(conn, account_id=account)]
    realized = sum((a.realized_effective for a in parts), Decimal(0))
    divisor = sum((a.estimated_measured for a in parts), Decimal(0))
    return SavingsRollupLinePublic(
        key="total",
        subjects=sum(1 for a in parts if a.estimated or a.realized_effective),
        realized_effective=realized,
        realized_list=sum((a.realized_list for a in parts), Decimal(0)),
        estimated=sum((a.estimated for a in parts), Decimal(0)),
        realization_rate=None if divisor == 0 else realized / divisor,
        spend=None,
        share_of_spend=None,
    )


@router.get("/rollup", response_model=SavingsRollupPublic, responses=CSV_RESPONSE)
def read_rollup(
    conn: ConnectionDep,
    settings: SettingsDep,
    by: Annotated[RollupDimension, Query(description="what to group by")] = (RollupDimension.month),
    start: StartQuery = None,
    end: EndQuery = None,
    account: AccountQuery = None,
    format: FormatQuery = ListFormat.json,
) -> SavingsRollupPublic | StreamingResponse:
    """Realized (effective and list cost) vs estimated savings accrued over [start, end] by
    month, account, cost center (the allocation rules), action type or policy (fixes outside
    the platform under "outside the platform"), with the realization rate and, by month and
    account, the spend and savings' share of it; ``total`` sums every measurement."""
    start, end = _range(conn, start=start, end=end, account=account)
    rules = _rules(settings) if by is RollupDimension.cost_center else None
    lines = [
        from_row(SavingsRollupLinePublic, line)
        for line in rollup(conn, by=by.value, start=start, end=end, rules=rules, account_id=account)
    ]
    if format is not ListFormat.json:
        return download_response(
            format,
            name=f"savings-by-{by.value}",
            model=SavingsRollupLinePublic,
            columns=ROLLUP_CSV,
            rows=lines,
        )
    where = [] if account is None else [t.c.account_id == account]
    return SavingsRollupPublic(
        by=by,
        start=start,
        end=end,
        currency=_currency(conn, where),
        total=_total(conn, start=start, end=end, account=account),
        data=lines,
        count=len(lines),
    )


@router.get("/cumulative", response_model=SavingsCumulativePublic, responses=CSV_RESPONSE)
def read_cumulative(
    conn: ConnectionDep,
    start: StartQuery = None,
    end: EndQuery = None,
    account: AccountQuery = None,
    format: FormatQuery = ListFormat.json,
) -> SavingsCumulativePublic | StreamingResponse:
    """Realized savings (effective cost) by month over [start, end] and their running total."""
    start, end = _range(conn, start=start, end=end, account=account)
    lines = [
        SavingsCumulativeLinePublic(month=month, realized=realized, cumulative=running)
        for month, realized, running in cumulative(conn, start=start, end=end, account_id=account)
    ]
    if format is not ListFormat.json:
        return download_response(
            format,
            name="savings-cumulative",
            model=SavingsCumulativeLinePublic,
            columns=CUMULATIVE_CSV,
            rows=lines,
        )
    where = [] if account is None else [t.c.account_id == account]
    return SavingsCumulativePublic(
        start=start, end=end, currency=_currency(conn, where), data=lines, count=len(lines)
    )
