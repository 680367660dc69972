"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from finops.api.deps import EngineDep
from finops.api.errors import error_responses
from finops.api.schemas.health import HealthPublic, ReadinessPublic
from finops.db.migrate import current_revision
from finops.errors import DatabaseError
from finops.observability import DB_POOL

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=HealthPublic)
def healthz() -> HealthPublic:
    return HealthPublic(status="ok")


@router.get("/readyz", response_model=ReadinessPublic, responses=error_responses(503))
def readyz(engine: EngineDep) -> ReadinessPublic:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        revision = current_revision(engine)
    except SQLAlchemyError as exc:
        raise DatabaseError(f"database unreachable: {exc.__class__.__name__}") from exc
    if revision is None:
        raise DatabaseError("database reachable but not migrated (run: finops db upgrade)")
    return ReadinessPublic(status="ready", database="ok", schema_revision=revision)


@router.get("/metrics", response_class=Response, include_in_schema=False)
def metrics(engine: EngineDep) -> Response:
    pool = engine.pool
    for state, reader in (
        ("checked_out", "checkedout"),
        ("idle", "checkedin"),
        ("size", "size"),
        ("overflow", "overflow"),
    ):
        method = getattr(pool, reader, None)
        if callable(method):
            DB_POOL.labels(state).set(float(method()))
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
