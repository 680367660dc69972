"""The SQL console over HTTP: read-only queries on the public views as the console's database
role, limited by row-level security to the caller's team scope (docs/security.md) — the same
guard as ``finops sql`` (``finops.db.readonly``), plus a per-user rate limit."""

from __future__ import annotations

import hashlib
import threading
import time
from collections import deque
from itertools import groupby

import structlog
from fastapi import APIRouter, Request

from finops.api.deps import PrincipalDep, SettingsDep
from finops.api.errors import error_responses
from finops.api.schemas.sql import (
    SqlColumnPublic,
    SqlQuery,
    SqlResultPublic,
    SqlTablePublic,
    SqlTablesPublic,
)
from finops.db.engine import console_url, libpq_url
from finops.db.readonly import execute_readonly, run_readonly
from finops.db.values import plain_value
from finops.errors import TooManyAttemptsError

log = structlog.get_logger(__name__)

router = APIRouter(prefix="/sql", tags=["sql"])

WINDOW_S = 60.0

# the catalog as the console role sees it: only what it may read (the public views)
TABLES_QUERY = """
SELECT c.table_name::text, c.column_name::text, c.data_type::text
FROM information_schema.columns c
WHERE c.table_schema = 'finops'
ORDER BY c.table_name, c.ordinal_position
"""


class QueryRateLimit:
    """At most ``per_minute`` queries per user in any 60 s, counted in this API process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[str, deque[float]] = {}

    def admit(self, who: str, *, per_minute: int, now: float) -> None:
        with self._lock:
            seen = self._seen.setdefault(who, deque())
            while seen and seen[0] <= now - WINDOW_S:
                seen.popleft()
            if len(seen) >= per_minute:
                wait = max(1, int(seen[0] + WINDOW_S - now + 0.999))
                raise TooManyAttemptsError(
                    f"at most {per_minute} SQL queries a minute (FINOPS_SQL_QUERIES_PER_MINUTE); "
                    f"try again in {wait} s",
                    retry_after=wait,
                )
            seen.append(now)


def _limiter(request: Request) -> QueryRateLimit:
    state = request.app.state
    if getattr(state, "sql_rate_limit", None) is None:
        state.sql_rate_limit = QueryRateLimit()
    limiter: QueryRateLimit = state.sql_rate_limit
    return limiter


@router.post(
    "/query", response_model=SqlResultPublic, responses=error_responses(400, 413, 429, 503)
)
def query(
    body: SqlQuery, request: Request, principal: PrincipalDep, settings: SettingsDep
) -> SqlResultPublic:
    """Run one read-only SELECT or WITH query over the public views, as the SQL console's
    database role, seeing only the rows of the caller's team scope; at most ``limit`` rows
    (the server's cap) under a statement timeout."""
    _limiter(request).admit(
        principal.actor, per_minute=settings.sql_queries_per_minute, now=time.monotonic()
    )
    started = time.perf_counter()
    result = run_readonly(
        libpq_url(console_url(settings)),
        body.sql,
        scope=principal.scope,
        timeout_s=min(body.timeout_s or settings.sql_statement_timeout_s, 300),
        row_limit=min(body.limit or settings.sql_row_limit, settings.sql_row_limit),
    )
    elapsed_ms = round((time.perf_counter() - started) * 1000, 2)
    log.info(
        "sql.query",
        actor=principal.actor,
        statement_sha256=hashlib.sha256(body.sql.encode()).hexdigest()[:16],
        rows=len(result.rows),
        truncated=result.truncated,
        duration_ms=elapsed_ms,
    )
    return SqlResultPublic(
        columns=result.columns,
        rows=[[plain_value(v) for v in row] for row in result.rows],
        row_count=len(result.rows),
        truncated=result.truncated,
        duration_ms=elapsed_ms,
    )


@router.get("/tables", response_model=SqlTablesPublic, responses=error_responses(429, 503))
def tables(request: Request, principal: PrincipalDep, settings: SettingsDep) -> SqlTablesPublic:
    """The views the SQL console may query, with their columns and types (counted against the
    same per-user rate limit as the queries: it reads the catalog as the console role)."""
    _limiter(request).admit(
        principal.actor, per_minute=settings.sql_queries_per_minute, now=time.monotonic()
    )
    result = execute_readonly(
        libpq_url(console_url(settings)),
        TABLES_QUERY,
        scope=principal.scope,
        timeout_s=settings.sql_statement_timeout_s,
        row_limit=100_000,
    )
    data = [
        SqlTablePublic(
            name=str(name),
            columns=[SqlColumnPublic(name=str(r[1]), type=str(r[2])) for r in rows],
        )
        for name, rows in groupby(result.rows, key=lambda r: r[0])
    ]
    return SqlTablesPublic(data=data, count=len(data))
