"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from finops.api.deps import EngineDep
from finops.api.errors import error_responses
from finops.api.schemas.health import HealthPublic, ReadinessPublic
from finops.db.engine import get_engine
from finops.db.migrate import current_revision
from finops.errors import DatabaseError
from finops.observability import DB_POOL
from finops.platform_metrics import PlatformMetrics

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
def metrics(request: Request, engine: EngineDep) -> Response:
    """The process's metrics, then the platform's own read from the warehouse
    (finops.platform_metrics; as the application role, whatever the scrape's scope)."""
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
    platform = generate_latest(_platform_registry(request))
    return Response(generate_latest() + platform, media_type=CONTENT_TYPE_LATEST)


def _platform_registry(request: Request) -> CollectorRegistry:
    """One registry per app, holding its warehouse collector (the global registry holds the
    process's metrics, shared by every app a test process builds)."""
    state = request.app.state
    registry: CollectorRegistry | None = getattr(state, "platform_metrics", None)
    if registry is None:
        settings = state.settings
        registry = CollectorRegistry(auto_describe=False)
        registry.register(
            PlatformMetrics(engine=lambda: get_engine(settings), cache_s=settings.metrics_cache_s)
        )
        state.platform_metrics = registry
    return registry
