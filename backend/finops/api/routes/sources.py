"""Billing sources, their loads (the ingest log) and the data-quality report of each loaded
slice: what ``finops sources list`` and ``finops ingest status [--quality]`` show."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import psycopg
from fastapi import APIRouter, Query
from sqlalchemy import ColumnElement, Connection, func, select, union

from finops.api.deps import ConnectionDep
from finops.api.params import BILLING_PERIOD_PATTERN, PageDep, parse_billing_period
from finops.api.rows import from_row
from finops.api.schemas.sources import (
    CurrencyAmountPublic,
    LoadPublic,
    LoadsPublic,
    LoadStatus,
    QualityFindingPublic,
    QualityFindingsPublic,
    QualitySeverity,
    SourcePublic,
    SourcesPublic,
)
from finops.errors import DatabaseError, NotFoundError
from finops.ingest.billing.manage import read_sources
from finops.ingest.billing.quality import EXAMPLE_COLUMNS
from finops.warehouse.tables import billing_sources, data_quality, ingest_log, ingest_quality

router = APIRouter(prefix="/sources", tags=["sources"])

SourceQuery = Annotated[
    str | None,
    Query(min_length=1, max_length=200, description="a source's name (GET /api/v1/sources)"),
]
PeriodQuery = Annotated[
    str | None,
    Query(
        description="billing period as YYYY-MM",
        examples=["2026-10"],
        json_schema_extra={"pattern": BILLING_PERIOD_PATTERN},
    ),
]


def _driver_connection(conn: Connection) -> psycopg.Connection[Any]:
    """The psycopg connection under the request's SQLAlchemy connection, for the ingest
    package's queries (one query text for the CLI and the API, in the request's transaction)."""
    raw = conn.connection.driver_connection
    if not isinstance(raw, psycopg.Connection):
        raise DatabaseError(f"the API's database driver is not psycopg: {type(raw).__name__}")
    return raw


def _period(value: date | None) -> str | None:
    return None if value is None else f"{value:%Y-%m}"


def _require_source(conn: Connection, source_id: str) -> None:
    """404 naming the parameter unless ``source_id`` is a source or appears in the ingest log
    (a removed source's loads stay in the log)."""
    known = union(
        select(billing_sources.c.source_id),
        select(ingest_log.c.source_id).distinct(),
    ).subquery()
    if conn.execute(select(known.c.source_id).where(known.c.source_id == source_id)).first():
        return
    names = sorted(conn.execute(select(billing_sources.c.source_id)).scalars())
    raise NotFoundError(
        f"source_id: no billing source named {source_id!r}; known: {', '.join(names) or 'none'}"
    )


@router.get("", response_model=SourcesPublic)
def read_sources_list(conn: ConnectionDep) -> SourcesPublic:
    """Every billing source: its identity (format, providers, billing accounts, export,
    location), the billing periods, rows and billed cost (per currency) it holds in the
    warehouse, when it was last loaded and how many data-quality rules its data breaks."""
    sources = read_sources(_driver_connection(conn))
    data = [
        from_row(
            SourcePublic,
            s,
            billed_cost=[
                CurrencyAmountPublic(currency=c, amount=v) for c, v in s.billed_costs.items()
            ],
            quality_findings=s.quality_issues,
        )
        for s in sources
    ]
    return SourcesPublic(data=data, count=len(data))


@router.get("/loads", response_model=LoadsPublic)
def read_loads(
    conn: ConnectionDep,
    page: PageDep,
    source_id: SourceQuery = None,
    status: Annotated[LoadStatus | None, Query(description="one load status")] = None,
) -> LoadsPublic:
    """The billing ingest log, newest first, one page at a time: each load of a (source,
    billing period) slice with its line items, rows, reconciled totals, error and the number
    of data-quality rules its data broke. ``count`` covers every load that matches."""
    where: list[ColumnElement[bool]] = []
    if source_id is not None:
        _require_source(conn, source_id)
        where.append(ingest_log.c.source_id == source_id)
    if status is not None:
        where.append(ingest_log.c.status == status.value)
    count = conn.execute(select(func.count()).select_from(ingest_log).where(*where)).scalar_one()
    findings = (
        select(func.count())
        .where(ingest_quality.c.ingest_log_id == ingest_log.c.id)
        .scalar_subquery()
        .label("quality_findings")
    )
    rows = conn.execute(
        select(ingest_log, findings)
        .where(*where)
        .order_by(ingest_log.c.id.desc())
        .limit(page.limit)
        .offset(page.offset)
    ).all()
    return LoadsPublic(data=[_load(r) for r in rows], count=count)


def _load(row: Any) -> LoadPublic:
    return from_row(LoadPublic, row, billing_period=_period(row.billing_period))


@router.get("/quality", response_model=QualityFindingsPublic)
def read_quality(
    conn: ConnectionDep,
    source_id: SourceQuery = None,
    billing_period: PeriodQuery = None,
    severity: Annotated[QualitySeverity | None, Query(description="one severity")] = None,
) -> QualityFindingsPublic:
    """The data-quality report of the loaded version of each (source, billing period) slice:
    every FOCUS rule its data breaks, the column, how many source line items break it and a
    few example rows. By source, newest period first, errors before warnings."""
    where: list[ColumnElement[bool]] = []
    if source_id is not None:
        _require_source(conn, source_id)
        where.append(data_quality.c.source_id == source_id)
    if billing_period is not None:
        period = parse_billing_period(billing_period)
        _require_loaded_period(conn, source_id, period)
        where.append(data_quality.c.billing_period == period)
    if severity is not None:
        where.append(data_quality.c.severity == severity.value)
    rows = conn.execute(
        select(data_quality)
        .where(*where)
        .order_by(
            data_quality.c.source_id,
            data_quality.c.billing_period.desc(),
            data_quality.c.severity,
            data_quality.c.rule_id,
        )
    ).all()
    data = [
        from_row(
            QualityFindingPublic,
            r,
            billing_period=f"{r.billing_period:%Y-%m}",
            examples=[_in_reading_order(e) for e in r.examples or []],
        )
        for r in rows
    ]
    return QualityFindingsPublic(data=data, count=len(data))


def _in_reading_order(example: dict[str, str | None]) -> dict[str, str | None]:
    """An example row with its columns in the report's order (stored as JSONB, which sorts
    keys by length); columns the report does not know follow in name order."""
    rank = {name: index for index, name in enumerate(EXAMPLE_COLUMNS)}
    return {k: example[k] for k in sorted(example, key=lambda k: (rank.get(k, len(rank)), k))}


def _require_loaded_period(conn: Connection, source_id: str | None, period: date) -> None:
    """404 naming ``billing_period`` when no load of it (of the source) succeeded: an empty
    report then would read as clean data that was never loaded."""
    where = [ingest_log.c.status == LoadStatus.succeeded.value]
    if source_id is not None:
        where.append(ingest_log.c.source_id == source_id)
    periods = sorted(
        p
        for p in conn.execute(select(ingest_log.c.billing_period).where(*where).distinct())
        .scalars()
        .all()
        if p is not None
    )
    if period in periods:
        return
    owner = f" of source {source_id!r}" if source_id is not None else ""
    raise NotFoundError(
        f"billing_period: no successful load of {period:%Y-%m}{owner}; loaded: "
        f"{', '.join(f'{p:%Y-%m}' for p in periods) or 'none'}"
    )
