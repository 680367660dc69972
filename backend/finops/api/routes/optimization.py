"""AWS Cost Optimization Hub recommendations (``coh_recommendations``, loaded by ``finops
ingest coh``) beside the platform's own open findings: matched by resource id and action type,
each pair agreeing, disagreeing on the action or on the savings, or present on one side only."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse
from sqlalchemy import select

from finops.analytics.optimization.rules import coh_actions
from finops.api.deps import ConnectionDep
from finops.api.downloads import DOWNLOAD_RESPONSE
from finops.api.paging import (
    AccountIdsQuery,
    ListParams,
    ListPublic,
    RegionIdsQuery,
    answer_list,
    list_params_for,
)
from finops.api.queries.optimization import (
    IDLE_TYPES,
    RIGHTSIZING_TYPES,
    findings_query,
    savings_query,
)
from finops.api.schemas.optimization import (
    Agreement,
    CohComparisonPublic,
    CohComparisonRowPublic,
    OptimizationFindingPublic,
    OptimizationFindingsPublic,
    SavingsOpportunitiesPublic,
    SavingsOpportunityPublic,
)
from finops.warehouse.tables import coh_recommendations, findings

router = APIRouter(prefix="/optimization", tags=["optimization"])

OptimizationFindingListParams = Annotated[
    ListParams, Depends(list_params_for(OptimizationFindingPublic))
]
SavingsOpportunityListParams = Annotated[
    ListParams, Depends(list_params_for(SavingsOpportunityPublic))
]

# the Cost Optimization Hub action type each platform finding type recommends (its rule's)
PLATFORM_ACTIONS: dict[str, str] = coh_actions()


def _coh_rows(conn: ConnectionDep) -> dict[str, list[Any]]:
    c = coh_recommendations.c
    rows = conn.execute(
        select(
            c.recommendation_id, c.resource_id, c.resource_arn, c.account_id, c.region,
            c.action_type, c.currency_code, c.estimated_monthly_savings_after_discount,
            c.estimated_monthly_savings_before_discount,
        ).order_by(c.recommendation_id)
    ).all()  # fmt: skip
    by_resource: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        resource = row.resource_id or (row.resource_arn or "").rsplit("/", 1)[-1]
        if resource:
            by_resource[resource].append(row)
    return by_resource


def _platform_rows(conn: ConnectionDep) -> dict[str, list[Any]]:
    f = findings.c
    rows = conn.execute(
        select(
            f.fingerprint, f.finding_type, f.resource_id, f.account_id, f.region,
            f.estimated_monthly_savings, f.currency,
        )
        .where(f.status.in_(["new", "open"]), f.finding_type.in_(list(PLATFORM_ACTIONS)),
               f.resource_id.is_not(None))
        .order_by(f.fingerprint)
    ).all()  # fmt: skip
    by_resource: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        by_resource[row.resource_id].append(row)
    return by_resource


def _savings(coh: Any) -> Decimal:
    value = coh.estimated_monthly_savings_after_discount
    return Decimal(value if value is not None else coh.estimated_monthly_savings_before_discount)


def _row(resource: str, agreement: Agreement, coh: Any, platform: Any) -> CohComparisonRowPublic:
    coh_savings = None if coh is None else _savings(coh)
    platform_savings = None if platform is None else Decimal(platform.estimated_monthly_savings)
    either = coh if coh is not None else platform
    return CohComparisonRowPublic(
        resource_id=resource,
        account_id=either.account_id,
        region=either.region,
        agreement=agreement,
        coh_recommendation_id=None if coh is None else coh.recommendation_id,
        coh_action_type=None if coh is None else coh.action_type,
        coh_monthly_savings=coh_savings,
        coh_currency=None if coh is None else coh.currency_code,
        platform_fingerprint=None if platform is None else platform.fingerprint,
        platform_finding_type=None if platform is None else platform.finding_type,
        platform_action_type=None if platform is None else PLATFORM_ACTIONS[platform.finding_type],
        platform_monthly_savings=platform_savings,
        platform_currency=None if platform is None else platform.currency,
        savings_difference=(
            coh_savings - platform_savings
            if coh_savings is not None and platform_savings is not None
            else None
        ),
    )


def compare(
    coh: dict[str, list[Any]], platform: dict[str, list[Any]], *, tolerance_pct: Decimal
) -> list[CohComparisonRowPublic]:
    """Pair each resource's recommendations with its findings by action type."""
    out: list[CohComparisonRowPublic] = []
    for resource in sorted(set(coh) | set(platform)):
        recs, found = list(coh.get(resource, [])), list(platform.get(resource, []))
        for finding in list(found):
            action = PLATFORM_ACTIONS[finding.finding_type]
            match = next((r for r in recs if r.action_type == action), None)
            if match is None:
                continue
            recs.remove(match)
            found.remove(finding)
            a, b = _savings(match), Decimal(finding.estimated_monthly_savings)
            within = abs(a - b) <= max(abs(a), abs(b)) * tolerance_pct / 100
            agreement = (
                Agreement.agree
                if within and match.currency_code == finding.currency
                else Agreement.disagree_savings
            )
            out.append(_row(resource, agreement, match, finding))
        while recs and found:  # same resource, different actions
            out.append(_row(resource, Agreement.disagree_action, recs.pop(0), found.pop(0)))
        out += [_row(resource, Agreement.coh_only, r, None) for r in recs]
        out += [_row(resource, Agreement.platform_only, None, f) for f in found]
    return out


@router.get("/coh-comparison", response_model=CohComparisonPublic)
def read_coh_comparison(
    conn: ConnectionDep,
    agreement: Annotated[
        list[Agreement] | None, Query(description="only these outcomes; repeat for several")
    ] = None,
    savings_tolerance_pct: Annotated[
        int, Query(ge=0, le=100, description="savings within this % of the larger agree")
    ] = 10,
) -> CohComparisonPublic:
    """Cost Optimization Hub recommendations beside the platform's new and open findings."""
    coh = _coh_rows(conn)
    loaded = sum(len(recs) for recs in coh.values())
    # without an export every finding would read "platform only": compare nothing instead
    rows = (
        compare(coh, _platform_rows(conn), tolerance_pct=Decimal(savings_tolerance_pct))
        if loaded
        else []
    )
    counts = {a: sum(1 for r in rows if r.agreement == a) for a in Agreement}
    if agreement:
        rows = [r for r in rows if r.agreement in agreement]
    order = list(Agreement)
    rows.sort(
        key=lambda r: (
            order.index(r.agreement),
            -(r.coh_monthly_savings or r.platform_monthly_savings or Decimal(0)),
            r.resource_id,
        )
    )
    return CohComparisonPublic(
        data=rows,
        count=len(rows),
        counts=counts,
        savings_tolerance_pct=savings_tolerance_pct,
        coh_recommendations=loaded,
    )


class OpenStatus(StrEnum):
    new = "new"
    open = "open"
    resolved = "resolved"


StatusQuery = Annotated[
    list[OpenStatus] | None,
    Query(description="lifecycle status; repeat for several (default: new and open)"),
]
FINDING_SORT = ("-estimated_monthly_savings", "fingerprint")


def _finding_list(
    conn: ConnectionDep,
    params: ListParams,
    *,
    types: tuple[str, ...],
    status: list[OpenStatus] | None,
    account_id: list[str] | None,
    region_id: list[str] | None,
    name: str,
) -> ListPublic[OptimizationFindingPublic] | StreamingResponse:
    return answer_list(
        conn,
        query=findings_query(
            types=types,
            status=None if not status else [s.value for s in status],
            account_id=account_id,
            region_id=region_id,
        ),
        model=OptimizationFindingPublic,
        params=params,
        default_sort=FINDING_SORT,
        name=name,
    )


@router.get("/idle", response_model=OptimizationFindingsPublic, responses=DOWNLOAD_RESPONSE)
def read_idle(
    conn: ConnectionDep,
    params: OptimizationFindingListParams,
    status: StatusQuery = None,
    account_id: AccountIdsQuery = None,
    region_id: RegionIdsQuery = None,
) -> ListPublic[OptimizationFindingPublic] | StreamingResponse:
    """Idle and unused resources (idle instances, databases and load balancers, unattached
    volumes, unassociated addresses, old snapshots), largest saving first."""
    return _finding_list(
        conn, params, types=IDLE_TYPES, status=status, account_id=account_id,
        region_id=region_id, name="idle-resources",
    )  # fmt: skip


@router.get("/rightsizing", response_model=OptimizationFindingsPublic, responses=DOWNLOAD_RESPONSE)
def read_rightsizing(
    conn: ConnectionDep,
    params: OptimizationFindingListParams,
    status: StatusQuery = None,
    account_id: AccountIdsQuery = None,
    region_id: RegionIdsQuery = None,
) -> ListPublic[OptimizationFindingPublic] | StreamingResponse:
    """Rightsizing: oversized instances and databases, previous generations, gp2 volumes;
    ``details`` holds the recommended size or type; largest saving first."""
    return _finding_list(
        conn, params, types=RIGHTSIZING_TYPES, status=status, account_id=account_id,
        region_id=region_id, name="rightsizing",
    )  # fmt: skip


@router.get("/savings", response_model=SavingsOpportunitiesPublic, responses=DOWNLOAD_RESPONSE)
def read_savings(
    conn: ConnectionDep,
    params: SavingsOpportunityListParams,
    status: StatusQuery = None,
    account_id: AccountIdsQuery = None,
) -> ListPublic[SavingsOpportunityPublic] | StreamingResponse:
    """The savings the findings promise, by finding type: how many findings, their estimated
    monthly savings and the 30-day cost of their resources, largest saving first."""
    return answer_list(
        conn,
        query=savings_query(
            status=None if not status else [s.value for s in status], account_id=account_id
        ),
        model=SavingsOpportunityPublic,
        params=params,
        default_sort=("-estimated_monthly_savings", "finding_type", "currency"),
        name="savings-opportunities",
    )
