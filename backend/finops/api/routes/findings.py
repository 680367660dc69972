"""Optimization findings (the ``findings`` view): one row per finding identity with its latest
observation, its lifecycle status and the dollars it would save per month."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import StringConstraints
from sqlalchemy import ColumnElement, Connection, func, select

from finops.analytics.optimization.rules import finding_types
from finops.api.deps import ConnectionDep
from finops.api.params import PageDep
from finops.api.rows import from_row
from finops.api.schemas.findings import (
    COMMITMENT_WASTE_ADVICE,
    SAVINGS_BASIS,
    FindingPublic,
    FindingsPublic,
    FindingsSummaryPublic,
    FindingTypeSummaryPublic,
)
from finops.errors import FinOpsError
from finops.warehouse.tables import findings

router = APIRouter(prefix="/findings", tags=["findings"])

DEFAULT_CURRENCY = "USD"


# generated from the finding rule registry (the one place the type names are written)
FindingType = StrEnum(  # type: ignore[misc]
    "FindingType", [(name, name) for name in finding_types()], module=__name__
)
FindingType.__doc__ = (
    "The finding types the optimization, tagging and commitment jobs write (docs/analytics.md)."
)


class FindingStatus(StrEnum):
    new = "new"
    open = "open"
    resolved = "resolved"


AccountQuery = Annotated[
    str | None,
    Query(min_length=1, max_length=64, description="the resource's (linked) account id"),
]
StatusQuery = Annotated[
    list[FindingStatus] | None,
    Query(description="lifecycle status; repeat for several (default: every status)"),
]


def _where(
    *,
    finding_type: FindingType | None,
    account_id: str | None,
    status: list[FindingStatus] | None,
    fingerprint: list[str] | None = None,
) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if fingerprint:
        clauses.append(findings.c.fingerprint.in_(fingerprint))
    if finding_type is not None:
        clauses.append(findings.c.finding_type == finding_type.value)
    if account_id is not None:
        clauses.append(findings.c.account_id == account_id)
    if status:
        clauses.append(findings.c.status.in_([s.value for s in status]))
    return clauses


def _single_currency(conn: Connection, where: list[ColumnElement[bool]]) -> str:
    """Savings add up only within one currency; several is an error naming them."""
    found = sorted(conn.execute(select(findings.c.currency).where(*where).distinct()).scalars())
    if len(found) > 1:
        raise FinOpsError(
            f"findings are in several currencies {found}: filter by account_id to total them"
        )
    return found[0] if found else DEFAULT_CURRENCY


def _finding(row: Any) -> FindingPublic:
    return from_row(FindingPublic, row, details=row.details or {})


@router.get("", response_model=FindingsPublic)
def read_findings(
    conn: ConnectionDep,
    page: PageDep,
    finding_type: Annotated[FindingType | None, Query(description="one finding type")] = None,
    account_id: AccountQuery = None,
    status: StatusQuery = None,
    fingerprint: Annotated[
        list[Annotated[str, StringConstraints(min_length=1, max_length=200)]] | None,
        Query(max_length=100, description="finding fingerprints; repeat for several"),
    ] = None,
) -> FindingsPublic:
    """Findings, largest estimated monthly savings (then commitment waste) first, one page at a
    time; ``count``, ``total_estimated_monthly_savings`` (actionable savings at the effective
    price) and ``total_commitment_waste`` cover every finding that matches the filters."""
    where = _where(
        finding_type=finding_type, account_id=account_id, status=status, fingerprint=fingerprint
    )
    currency = _single_currency(conn, where)
    totals = conn.execute(
        select(
            func.count().label("count"),
            func.coalesce(func.sum(findings.c.estimated_monthly_savings), 0).label("savings"),
            func.coalesce(func.sum(findings.c.commitment_waste), 0).label("waste"),
        ).where(*where)
    ).one()
    rows = conn.execute(
        select(findings)
        .where(*where)
        .order_by(
            findings.c.estimated_monthly_savings.desc(),
            findings.c.commitment_waste.desc(),
            findings.c.finding_type,
            findings.c.fingerprint,
        )
        .limit(page.limit)
        .offset(page.offset)
    ).all()
    return FindingsPublic(
        data=[_finding(r) for r in rows],
        count=totals.count,
        currency=currency,
        total_estimated_monthly_savings=Decimal(totals.savings),
        total_commitment_waste=Decimal(totals.waste),
    )


@router.get("/summary", response_model=FindingsSummaryPublic)
def read_findings_summary(
    conn: ConnectionDep,
    account_id: AccountQuery = None,
    status: StatusQuery = None,
) -> FindingsSummaryPublic:
    """Count, actionable savings at the effective price, the on-demand figure, commitment waste
    and last-30-day cost per finding type, largest savings first, and the date of the latest
    job run; ``savings_basis`` says what the savings total sums (commitment waste apart)."""
    where = _where(finding_type=None, account_id=account_id, status=status)
    currency = _single_currency(conn, where)
    savings = func.coalesce(func.sum(findings.c.estimated_monthly_savings), 0)
    rows = conn.execute(
        select(
            findings.c.finding_type,
            func.count().label("count"),
            savings.label("savings"),
            func.coalesce(func.sum(findings.c.on_demand_monthly_savings), 0).label("on_demand"),
            func.coalesce(func.sum(findings.c.commitment_waste), 0).label("waste"),
            func.coalesce(func.sum(findings.c.cost_30d), 0).label("cost_30d"),
        )
        .where(*where)
        .group_by(findings.c.finding_type)
        .order_by(
            savings.desc(), func.sum(findings.c.commitment_waste).desc(), findings.c.finding_type
        )
    ).all()
    as_of = conn.execute(select(func.max(findings.c.latest_run_as_of))).scalar_one_or_none()
    by_type = [
        FindingTypeSummaryPublic(
            finding_type=r.finding_type,
            count=r.count,
            estimated_monthly_savings=Decimal(r.savings),
            on_demand_monthly_savings=Decimal(r.on_demand),
            commitment_waste=Decimal(r.waste),
            cost_30d=Decimal(r.cost_30d),
        )
        for r in rows
    ]
    return FindingsSummaryPublic(
        currency=currency,
        as_of=as_of,
        count=sum(t.count for t in by_type),
        total_estimated_monthly_savings=sum(
            (t.estimated_monthly_savings for t in by_type), Decimal(0)
        ),
        total_on_demand_monthly_savings=sum(
            (t.on_demand_monthly_savings for t in by_type), Decimal(0)
        ),
        total_commitment_waste=sum((t.commitment_waste for t in by_type), Decimal(0)),
        savings_basis=SAVINGS_BASIS,
        commitment_waste_advice=COMMITMENT_WASTE_ADVICE,
        by_type=by_type,
    )
