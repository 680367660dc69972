"""The inventory: every resource with its account, 30-day cost, CPU p95, open findings and
anomalies (paged, sorted, downloadable), and one resource in detail."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import StreamingResponse
from sqlalchemy import Connection, func, or_, select

from finops.analytics.daily_costs import daily_costs
from finops.api.deps import ConnectionDep
from finops.api.downloads import DOWNLOAD_RESPONSE
from finops.api.paging import (
    AccountIdsQuery,
    ListParams,
    ListPublic,
    RegionIdsQuery,
    Values,
    answer_list,
    list_params_for,
)
from finops.api.queries.inventory import (
    data_end,
    metric_end,
    resource_daily_cost,
    resource_row,
    resources_query,
)
from finops.api.rows import from_row, text_map
from finops.api.schemas.inventory import (
    DailyCostPublic,
    ResourceAnomalyPublic,
    ResourceDetailPublic,
    ResourceFindingPublic,
    ResourcePublic,
    ResourcesPublic,
    UtilizationPointPublic,
)
from finops.errors import NotFoundError
from finops.warehouse.tables import anomalies, costs, findings, utilization_daily

router = APIRouter(prefix="/resources", tags=["resources"])

ResourceListParams = Annotated[ListParams, Depends(list_params_for(ResourcePublic))]

DETAIL_METRICS = ("CPUUtilization", "NetworkIn", "NetworkOut")
DETAIL_DAYS = 30


@router.get("", response_model=ResourcesPublic, responses=DOWNLOAD_RESPONSE)
def read_resources(
    conn: ConnectionDep,
    params: ResourceListParams,
    account_id: AccountIdsQuery = None,
    region_id: RegionIdsQuery = None,
    resource_type: Annotated[
        Values,
        Query(description="resource type (AWS::EC2::Instance); repeat for several", max_length=100),
    ] = None,
    q: Annotated[
        str | None, Query(min_length=1, max_length=200, description="part of the id or name")
    ] = None,
) -> ListPublic[ResourcePublic] | StreamingResponse:
    """The inventory, largest 30-day cost first."""
    source = daily_costs(conn)
    return answer_list(
        conn,
        query=resources_query(
            source=source, end=source.last_day(conn), metrics_end=metric_end(conn),
            account_id=account_id, region_id=region_id, resource_type=resource_type, q=q,
        ),
        model=ResourcePublic,
        params=params,
        default_sort=("-cost_30d", "resource_id", "account_id", "region_id"),
        name="resources",
    )  # fmt: skip


def _account_name(conn: Connection, account_id: str | None) -> str | None:
    if account_id is None:
        return None
    found = conn.execute(
        select(func.max(costs.c.sub_account_name)).where(costs.c.sub_account_id == account_id)
    ).scalar_one()
    return None if found is None else str(found)


def _utilization(conn: Connection, metric_id: str) -> list[UtilizationPointPublic]:
    u = utilization_daily.c
    last = metric_end(conn)
    if last is None:
        return []
    rows = conn.execute(
        select(u.day, u.metric_name, u.stat, u.unit, u.avg, u.p95, u.max)
        .where(
            u.resource_id == metric_id, u.metric_name.in_(DETAIL_METRICS),
            u.day > last - timedelta(days=DETAIL_DAYS),
        )
        .order_by(u.metric_name, u.day, u.stat)
    )  # fmt: skip
    return [from_row(UtilizationPointPublic, r) for r in rows]


def _findings(conn: Connection, resource_id: str) -> list[ResourceFindingPublic]:
    f = findings.c
    rows = conn.execute(
        select(findings)
        .where(f.resource_id == resource_id)
        .order_by(f.last_seen.desc(), f.fingerprint)
    )
    return [from_row(ResourceFindingPublic, r) for r in rows]


def _anomalies(conn: Connection, resource_id: str) -> list[ResourceAnomalyPublic]:
    a = anomalies.c
    caused = a.root_cause.op("@>")(
        func.jsonb_build_array(
            func.jsonb_build_object("dimension", "resource", "value", resource_id)
        )
    )
    rows = conn.execute(
        select(anomalies)
        .where(or_(a.scope["resource"].astext == resource_id, caused))
        .order_by(a.last_day.desc(), a.fingerprint)
    )
    return [from_row(ResourceAnomalyPublic, r) for r in rows]


@router.get("/{resource_id:path}", response_model=ResourceDetailPublic)
def read_resource(
    conn: ConnectionDep,
    resource_id: Annotated[str, Path(min_length=1, max_length=2048)],
) -> ResourceDetailPublic:
    """One resource: its inventory record, its billed cost per day over the last 30 days of
    data, its daily CPU and network statistics, its findings and the anomalies it is part of."""
    row: Any = resource_row(conn, resource_id)
    if row is None:
        raise NotFoundError(
            f"resource_id: no resource {resource_id[:200]!r} in the inventory you may see"
        )
    ids = [i for i in (row.resource_id, row.arn) if i]
    daily = [
        DailyCostPublic(day=r.day, cost=r.cost)
        for r in resource_daily_cost(conn, ids=ids, end=data_end(conn))
    ]
    return from_row(
        ResourceDetailPublic,
        row,
        region_id=row.region,
        account_name=_account_name(conn, row.account_id),
        tags=text_map(row.tags),
        configuration=dict(row.configuration or {}),
        cost_30d=sum((d.cost for d in daily), Decimal(0)),
        daily_cost=daily,
        utilization=_utilization(conn, row.metric_resource_id or row.resource_id),
        findings=_findings(conn, row.resource_id),
        anomalies=_anomalies(conn, row.resource_id),
    )
