"""Written spend summaries (the insights job, docs/assistant.md): the list, latest period first,
filtered by scope and period, and one summary. Row-level security scopes every read: a team
sees its team's summaries and those of the accounts it may see; one outside them is a 404."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from sqlalchemy import func, select

from finops.api.deps import ConnectionDep
from finops.api.errors import error_responses
from finops.api.params import MAX_BIGINT, PageDep
from finops.api.rows import from_row
from finops.api.schemas.insights import (
    InsightPeriod,
    InsightPublic,
    InsightScopeKind,
    InsightsPublic,
)
from finops.errors import NotFoundError
from finops.warehouse.tables import insights

router = APIRouter(prefix="/insights", tags=["insights"])

t = insights


@router.get("", response_model=InsightsPublic)
def read_insights(
    conn: ConnectionDep,
    page: PageDep,
    period: Annotated[InsightPeriod | None, Query(description="week or month")] = None,
    scope_kind: Annotated[
        InsightScopeKind | None, Query(description="total, account or tag")
    ] = None,
    scope: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=300,
            description="one scope by its key (total:, account:account=<id>, tag:tag:team=<v>)",
        ),
    ] = None,
) -> InsightsPublic:
    """The summaries in the caller's scope, latest period first (then by scope), one page at a
    time; ``count`` counts every summary matching the filters."""
    where = []
    if period is not None:
        where.append(t.c.period_kind == period.value)
    if scope_kind is not None:
        where.append(t.c.scope_kind == scope_kind.value)
    if scope is not None:
        where.append(t.c.scope_key == scope)
    count = conn.execute(select(func.count()).select_from(t).where(*where)).scalar_one()
    rows = conn.execute(
        select(t)
        .where(*where)
        .order_by(t.c.period_start.desc(), t.c.period_kind.desc(), t.c.scope_key, t.c.id)
        .limit(page.limit)
        .offset(page.offset)
    )
    return InsightsPublic(data=[from_row(InsightPublic, r) for r in rows], count=count)


@router.get("/{insight_id}", response_model=InsightPublic, responses=error_responses(404))
def read_insight(
    conn: ConnectionDep,
    insight_id: Annotated[int, Path(ge=1, le=MAX_BIGINT, description="the summary's id")],
) -> InsightPublic:
    """One summary with its text and the numbers it states."""
    row = conn.execute(select(t).where(t.c.id == insight_id)).first()
    if row is None:
        raise NotFoundError(f"insight {insight_id} does not exist (or not in scope)")
    return from_row(InsightPublic, row)
