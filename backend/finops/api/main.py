"""The FastAPI application: API routers under /api/v1, health and metrics, the built dashboard."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException

from finops.api.access import authorize_routes
from finops.api.cache import CredentialCache, ResponseCache
from finops.api.deps import authenticate_read
from finops.api.docs import mount_docs
from finops.api.errors import (
    API_PATHS,
    allowed_methods,
    document_errors,
    error_body,
    install_error_handlers,
)
from finops.api.limits import InFlightLimit, RequestLimits
from finops.api.observe import Observe
from finops.api.routes import (
    accounts,
    actions,
    admin,
    allocation,
    anomalies,
    assistant,
    audit,
    auth,
    budgets,
    discounts,
    explorer,
    findings,
    forecasts,
    health,
    insights,
    invoices,
    kpi,
    oidc,
    optimization,
    resources,
    savings,
    sources,
    spend,
    sql,
    usage,
)
from finops.auth.clock import Clock, system_clock
from finops.auth.secret import require_session_secret
from finops.config import REPO_ROOT, Settings, get_settings
from finops.db.signals import release
from finops.errors import NotFoundError

FRONTEND_DIST = REPO_ROOT / "frontend" / "dist"

api_router = APIRouter(prefix="/api/v1")
api_router.include_router(auth.router)
api_router.include_router(admin.router)
api_router.include_router(oidc.router)
api_router.include_router(sql.router)
api_router.include_router(assistant.router)
api_router.include_router(kpi.router)
api_router.include_router(spend.router)
api_router.include_router(findings.router)
api_router.include_router(allocation.router)
api_router.include_router(anomalies.router)
api_router.include_router(forecasts.router)
api_router.include_router(budgets.router)
api_router.include_router(optimization.router)
api_router.include_router(sources.router)
api_router.include_router(actions.router)
api_router.include_router(savings.router)
api_router.include_router(insights.router)
api_router.include_router(audit.router)
api_router.include_router(explorer.router)
api_router.include_router(accounts.router)
api_router.include_router(resources.router)
api_router.include_router(usage.router)
api_router.include_router(invoices.router)
api_router.include_router(discounts.router)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    if app.state.listening and app.state.engine is not None:  # the caches' listener
        release(app.state.engine)


def create_app(
    *,
    settings: Settings | None = None,
    engine: Engine | None = None,
    frontend_dist: Path | None = FRONTEND_DIST,
    clock: Clock = system_clock,
) -> FastAPI:
    """The app on ``settings``; ``engine`` replaces the API engine (tests), ``clock`` the time
    sessions and tokens expire by (tests). Outside development and tests it refuses to build
    without ``FINOPS_SESSION_SECRET``, and with a route that ``finops.api.access`` does not
    name, anywhere."""
    settings = settings or get_settings()
    require_session_secret(settings)
    app = FastAPI(
        lifespan=_lifespan,
        title="FinOps Platform API",
        version="0.1.0",
        description="Cloud cost, usage and optimization data from the FinOps warehouse.",
        docs_url=None,  # mount_docs serves /docs and /redoc with their assets (no CDN)
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine  # None: created from the settings on first use
    app.state.clock = clock
    app.state.listening = False  # finops.api.deps starts the cache listener with the engine
    app.state.credentials = CredentialCache(seconds=settings.api_auth_cache_s)
    # innermost: past this many requests being computed, one more is refused at once
    app.add_middleware(InFlightLimit, limit=settings.api_max_in_flight)
    if settings.api_cache:  # a cached answer is still counted, logged and limited
        app.add_middleware(
            ResponseCache,
            credentials=app.state.credentials,
            entries=settings.api_cache_entries,
            max_age_s=settings.api_cache_max_age_s,
            authenticate=authenticate_read,
        )
    # request limits run inside the observing middleware, so refused requests are counted too
    app.add_middleware(RequestLimits, max_body_bytes=settings.api_max_body_bytes)
    app.add_middleware(Observe)  # outermost: request id, metrics and the request log

    install_error_handlers(app)
    mount_docs(app)
    app.include_router(health.router)
    app.include_router(api_router)
    document_errors(app)
    if frontend_dist is not None:
        _mount_dashboard(app, frontend_dist)
    authorize_routes(app)
    return app


def _mount_dashboard(app: FastAPI, dist: Path) -> None:
    """Serve the built React app at / (client-side routes fall back to index.html)."""
    index = dist / "index.html"
    if (dist / "assets").is_dir():
        app.mount("/assets", StaticFiles(directory=dist / "assets"), name="assets")

    @app.get("/{path:path}", include_in_schema=False, response_model=None)
    def dashboard(path: str, request: Request) -> Response:
        if path.startswith(API_PATHS):
            if allowed_methods(request):  # a route of the API, asked with another method
                raise StarletteHTTPException(405)
            raise NotFoundError(f"no route /{path}")
        if not index.exists():
            return JSONResponse(
                status_code=503,
                content=error_body(
                    f"the dashboard is not built: {index} is missing (run: make frontend)",
                    code="dashboard_not_built",
                ),
            )
        candidate = (dist / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(dist.resolve()):
            return FileResponse(candidate)
        return FileResponse(index)
