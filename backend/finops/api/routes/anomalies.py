"""Cost anomaly incidents (the ``anomalies`` view, written by ``finops run anomalies``): the list,
one incident with its root cause, daily actual against expected cost and the usage incidents
that explain it, and the feedback that moves it through its lifecycle (open, acknowledged,
resolved, false positive); usage incidents (``finops run usage-anomalies``) listed on their
own."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from sqlalchemy import ColumnElement, Connection, func, select

from finops.analytics.anomalies.store import set_status
from finops.api.audited import audit_request
from finops.api.deps import ConnectionDep, PrincipalDep, RequestIdDep
from finops.api.intel_views import anomaly_baseline, warehouse_currency
from finops.api.paging import AccountIdsQuery, Values
from finops.api.params import Day, PageDep, check_order
from finops.api.queries.usage_incidents import explaining, hourly_points, usage_page, usage_where
from finops.api.rows import from_row, text_map
from finops.api.schemas.anomalies import (
    AnomaliesPublic,
    AnomalyDayPublic,
    AnomalyDetailPublic,
    AnomalyPublic,
    AnomalySeverity,
    AnomalyStatus,
    AnomalyStatusUpdate,
    RelatedScopePublic,
    RootCauseEntryPublic,
    UsageIncidentDetailPublic,
    UsageIncidentPublic,
    UsageIncidentsPublic,
    UsagePointPublic,
)
from finops.errors import NotFoundError
from finops.warehouse.tables import anomalies
from finops.warehouse.tables import anomaly_incidents as incidents

router = APIRouter(prefix="/anomalies", tags=["anomalies"])


FingerprintPath = Annotated[
    str, Path(min_length=1, max_length=64, description="the incident's fingerprint")
]
StatusQuery = Annotated[
    list[AnomalyStatus] | None,
    Query(description="lifecycle status; repeat for several (default: every status)"),
]
SeverityQuery = Annotated[
    list[AnomalySeverity] | None,
    Query(description="severity; repeat for several (default: every severity)"),
]
ScopeKindQuery = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=64,
        description="total, account, service, account_service, region, usage_type, resource "
        "or tag:<key>",
    ),
]


def _where(
    *,
    status: list[AnomalyStatus] | None,
    severity: list[AnomalySeverity] | None,
    scope_kind: str | None,
    start: date | None,
    end: date | None,
) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if status:
        clauses.append(anomalies.c.status.in_([s.value for s in status]))
    if severity:
        clauses.append(anomalies.c.severity.in_([s.value for s in severity]))
    if scope_kind is not None:
        clauses.append(anomalies.c.scope_kind == scope_kind)
    if start is not None:
        clauses.append(anomalies.c.last_day >= start)
    if end is not None:
        clauses.append(anomalies.c.first_day <= end)
    return clauses


def _money(value: Any) -> Decimal:
    """A JSON number written by the job (rounded floats) as the decimal it prints as."""
    return Decimal(str(value))


def _cause(entry: dict[str, Any]) -> RootCauseEntryPublic:
    return RootCauseEntryPublic(
        dimension=str(entry["dimension"]),
        value=str(entry["value"]),
        actual=_money(entry["actual"]),
        expected=_money(entry["expected"]),
        delta=_money(entry["delta"]),
        share=float(entry["share"]),
    )


def _converted(row: Any) -> dict[str, Any]:
    """The columns of an ``anomalies`` row that need converting (the rest are read by name)."""
    return {
        "scope": text_map(row.scope),
        "top_cause": _cause(row.top_cause) if row.top_cause else None,
    }


def _not_found(fingerprint: str) -> NotFoundError:
    return NotFoundError(
        f"no anomaly with fingerprint {fingerprint!r} (list them: GET /api/v1/anomalies)"
    )


def _read_one(conn: Connection, fingerprint: str) -> Any:
    row = conn.execute(select(anomalies).where(anomalies.c.fingerprint == fingerprint)).first()
    if row is None:
        raise _not_found(fingerprint)
    return row


@router.get("", response_model=AnomaliesPublic)
def read_anomalies(
    conn: ConnectionDep,
    page: PageDep,
    status: StatusQuery = None,
    severity: SeverityQuery = None,
    scope_kind: ScopeKindQuery = None,
    start: Annotated[
        Day | None, Query(description="incidents on or after this day (their last day)")
    ] = None,
    end: Annotated[
        Day | None, Query(description="incidents on or before this day (their first day)")
    ] = None,
) -> AnomaliesPublic:
    """Incidents, newest first (then the largest impact), one page at a time; ``count`` covers
    every incident that matches the filters."""
    check_order(start, end)
    where = _where(status=status, severity=severity, scope_kind=scope_kind, start=start, end=end)
    count = conn.execute(select(func.count()).select_from(anomalies).where(*where)).scalar_one()
    rows = conn.execute(
        select(anomalies)
        .where(*where)
        .order_by(
            anomalies.c.first_day.desc(),
            func.abs(anomalies.c.impact).desc(),
            anomalies.c.fingerprint,
        )
        .limit(page.limit)
        .offset(page.offset)
    ).all()
    return AnomaliesPublic(
        data=[from_row(AnomalyPublic, r, **_converted(r)) for r in rows],
        count=count,
        currency=warehouse_currency(conn),
    )


@router.get("/usage", response_model=UsageIncidentsPublic)
def read_usage_incidents(
    conn: ConnectionDep,
    page: PageDep,
    account_id: AccountIdsQuery = None,
    resource_id: Annotated[
        str | None, Query(min_length=1, max_length=2048, description="one resource's incidents")
    ] = None,
    metric_name: Annotated[
        Values,
        Query(
            description="metric (CPUUtilization, RequestCount, ...); repeat for several",
            max_length=100,
        ),
    ] = None,
    explains: Annotated[
        bool | None,
        Query(description="true: only incidents joined to a cost anomaly; false: only the rest"),
    ] = None,
    start: Annotated[
        Day | None, Query(description="incidents ending after this day starts")
    ] = None,
    end: Annotated[
        Day | None, Query(description="incidents starting on or before this day")
    ] = None,
) -> UsageIncidentsPublic:
    """Usage anomalies per resource metric (an instance pinned at 100% CPU, a request rate
    collapsing), newest first, one page at a time, each with the cost anomaly it explains."""
    check_order(start, end)
    where = usage_where(
        account_id=account_id, resource_id=resource_id, metric_name=metric_name,
        explains=explains, start=start, end=end,
    )  # fmt: skip
    count, rows = usage_page(conn, where=where, limit=page.limit, offset=page.offset)
    return UsageIncidentsPublic(data=[from_row(UsageIncidentPublic, r) for r in rows], count=count)


def _usage_detail(conn: Connection, fingerprint: str) -> list[UsageIncidentDetailPublic]:
    return [
        from_row(
            UsageIncidentDetailPublic,
            r,
            series=[from_row(UsagePointPublic, p) for p in hourly_points(conn, r)],
        )
        for r in explaining(conn, fingerprint)
    ]


@router.get("/{fingerprint}", response_model=AnomalyDetailPublic)
def read_anomaly(
    conn: ConnectionDep,
    fingerprint: FingerprintPath,
    days_before: Annotated[
        int, Query(ge=0, le=120, description="days of the series shown before the incident")
    ] = 28,
    days_after: Annotated[
        int, Query(ge=0, le=60, description="days of the series shown after the incident")
    ] = 14,
) -> AnomalyDetailPublic:
    """One incident with every root-cause entry, the other scopes that saw it, its scope's
    daily cost around it against the detector's expected value and bounds, and the usage
    incidents that explain it (with their metric's hourly points around them)."""
    row = _read_one(conn, fingerprint)
    series = anomaly_baseline(
        conn,
        scope_kind=row.scope_kind,
        scope=row.scope or {},
        first_day=row.first_day,
        last_day=row.last_day,
        metric=row.cost_metric,
        days_before=days_before,
        days_after=days_after,
    )
    return from_row(
        AnomalyDetailPublic,
        row,
        **_converted(row),
        currency=warehouse_currency(conn),
        root_cause=[_cause(e) for e in row.root_cause or []],
        related_scopes=[
            RelatedScopePublic(
                scope_kind=str(r["scope_kind"]),
                scope=text_map(r["scope"]),
                first_day=date.fromisoformat(r["first_day"]),
                last_day=date.fromisoformat(r["last_day"]),
                kind=str(r["kind"]),
                impact=_money(r["impact"]),
            )
            for r in row.related_scopes or []
        ],
        series=[
            from_row(AnomalyDayPublic, d, in_incident=row.first_day <= d.day <= row.last_day)
            for d in series
        ],
        usage_incidents=_usage_detail(conn, row.fingerprint),
    )


@router.post("/{fingerprint}/status", response_model=AnomalyPublic)
def update_anomaly_status(
    conn: ConnectionDep,
    principal: PrincipalDep,
    request_id: RequestIdDep,
    fingerprint: FingerprintPath,
    change: AnomalyStatusUpdate,
) -> AnomalyPublic:
    """Record feedback on an incident (analysts and above). Reruns of the job keep it;
    ``false_positive`` also tells the detector that the incident's days were normal for its
    scope and every related scope. The change is audited as ``finops anomalies …`` audits it
    (action ``anomaly.status``), with the previous status, the caller as actor and the
    request id."""
    previous = conn.execute(
        select(incidents.c.status).where(incidents.c.fingerprint == fingerprint).with_for_update()
    ).scalar_one_or_none()
    if previous is None:
        raise _not_found(fingerprint)
    set_status(conn, fingerprint=fingerprint, status=change.status.value, note=change.note)
    audit_request(
        conn,
        principal=principal,
        request_id=request_id,
        action="anomaly.status",
        subject=fingerprint,
        details={"status": change.status.value, "note": change.note, "previous_status": previous},
    )
    row = _read_one(conn, fingerprint)
    conn.commit()
    return from_row(AnomalyPublic, row, **_converted(row))
