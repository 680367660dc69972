"""Where each error status comes from: not-found and conflict errors of the one hierarchy are
404 and 409, mapped in ``api/errors.py`` only; a warehouse that cannot be used is 503 on every
operation of the API, whichever way it fails (nothing listens on the configured port, the
pool has no connection free, the server goes away between the connection's check-out and the
route's first query), never 400 or 500."""

from __future__ import annotations

import ast
import socket
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, event

from finops.analytics.budgets.model import Budget, save_budget
from finops.analytics.cost_query import InvalidDimensionError
from finops.analytics.manage import change_anomaly_status, delete_budget
from finops.api.errors import code_of, status_of
from finops.api.main import create_app
from finops.config import Settings
from finops.db.engine import get_engine
from finops.errors import (
    ConflictError,
    DatabaseError,
    DecisionConflictError,
    FinOpsError,
    IngestError,
    InvalidParameterError,
    NotFoundError,
    OverlapError,
    QueryRefusedError,
    TooManyAttemptsError,
)
from tests.api.operations import Operation, api_operations
from tests.factories.identity import admin_headers, bearer

API_DIR = Path(__file__).parents[2] / "backend" / "finops" / "api"
UNAVAILABLE = "the warehouse is unavailable"
LOST = {
    "detail": "the warehouse is unavailable; try again shortly",
    "code": "unavailable",
    "param": None,
}
"""The answer to a lost warehouse, whichever way it was lost: no address, port or driver text
(the server log has them, under the request id)."""


def test_each_error_type_has_one_status() -> None:
    assert status_of(NotFoundError("no budget with id 7")) == 404
    assert status_of(ConflictError("a budget named 'x' exists already")) == 409
    assert status_of(DatabaseError("cannot reach PostgreSQL")) == 503
    assert status_of(InvalidParameterError("start 2026-02-01 is after end 2026-01-01")) == 422
    assert status_of(OverlapError("charges held by another source")) == 400
    assert status_of(IngestError("bad file")) == 400
    assert status_of(FinOpsError("several currencies")) == 400


def test_each_error_type_has_one_stable_code() -> None:
    assert code_of(NotFoundError("no budget with id 7")) == "not_found"
    assert code_of(DecisionConflictError("decided already")) == "conflict"
    assert code_of(InvalidParameterError("bad", param="sort")) == "invalid_parameter"
    assert code_of(InvalidDimensionError("group_by: 'x'", param="group_by")) == (
        "invalid_parameter"
    )
    assert code_of(TooManyAttemptsError("slow down", retry_after=3)) == "rate_limited"
    assert code_of(QueryRefusedError("not a SELECT")) == "query_refused"
    assert code_of(FinOpsError("several currencies")) == "bad_request"
    assert InvalidParameterError("bad", param="sort").param == "sort"
    assert InvalidParameterError("bad").param is None


def _http_statuses_built_by_hand(path: Path) -> list[str]:
    """``HTTPException(…)`` calls, and calls with ``status_code=404`` or ``409``
    (``JSONResponse``, …) in a module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Name) and node.func.id == "HTTPException":
            found.append(f"{path.relative_to(API_DIR)}:{node.lineno} (HTTPException)")
        for keyword in node.keywords:
            value = keyword.value
            if (
                keyword.arg == "status_code"
                and isinstance(value, ast.Constant)
                and value.value in (404, 409)
            ):
                found.append(f"{path.relative_to(API_DIR)}:{node.lineno} ({value.value})")
    return found


def test_no_route_builds_a_status_by_hand() -> None:
    """The routes raise NotFoundError, ConflictError, InvalidParameterError…; ``api/errors.py``
    alone turns them into statuses."""
    modules = sorted(p for p in API_DIR.rglob("*.py") if p.name != "errors.py")
    assert len(modules) > 15
    assert [hit for m in modules for hit in _http_statuses_built_by_hand(m)] == []


def test_domain_code_raises_not_found_and_conflict(intel_estate: Any) -> None:
    settings: Settings = intel_estate.settings
    with pytest.raises(NotFoundError, match="no anomaly incident with fingerprint 'nope'"):
        change_anomaly_status("nope", "acknowledged", settings=settings)
    with pytest.raises(NotFoundError, match="no budget named 'never made'"):
        delete_budget("never made", settings=settings)

    name = f"conflict-{uuid.uuid4().hex[:6]}"
    budget = Budget(name=name, scope={}, period="monthly", amount=Decimal(5))
    with get_engine(settings).begin() as conn:
        first = save_budget(conn, budget, webhook_allow=[], replace=False)
    try:
        with get_engine(settings).begin() as conn:
            with pytest.raises(ConflictError, match=rf"a budget named '{name}' exists already"):
                save_budget(conn, budget, webhook_allow=[], replace=False)
            # the default replaces by name, as `finops budgets create` always did
            again = save_budget(
                conn, Budget(name=name, scope={}, period="annual", amount=Decimal(2))
            )
        assert again == first
    finally:
        delete_budget(name, settings=settings)


def test_not_found_and_conflict_answers(intel_client: TestClient) -> None:
    missing = intel_client.get("/api/v1/anomalies/" + "0" * 24)
    assert missing.status_code == 404
    assert missing.json() == {
        "detail": f"no anomaly with fingerprint {'0' * 24!r} (list them: GET /api/v1/anomalies)",
        "code": "not_found",
        "param": None,
    }
    status = intel_client.post(
        "/api/v1/anomalies/" + "0" * 24 + "/status", json={"status": "resolved"}
    )
    assert (status.status_code, status.json()) == (404, missing.json())
    gone = intel_client.delete("/api/v1/budgets/987654321")
    assert (gone.status_code, gone.json()) == (
        404,
        {"detail": "no budget with id 987654321", "code": "not_found", "param": None},
    )

    body = {"name": "Twice", "period": "monthly", "amount": "10"}
    created = intel_client.post("/api/v1/budgets", json=body)
    assert created.status_code == 201
    try:
        twice = intel_client.post("/api/v1/budgets", json={**body, "amount": "20"})
        assert twice.status_code == 409
        assert twice.json() == {
            "detail": f"a budget named 'Twice' exists already (id {created.json()['id']})",
            "code": "conflict",
            "param": None,
        }
    finally:
        assert intel_client.delete(f"/api/v1/budgets/{created.json()['id']}").status_code == 204


# --- the warehouse unavailable ------------------------------------------------------------------


def _assert_unavailable(client: TestClient, operations: list[Operation]) -> None:
    assert len(operations) >= 14
    for op in (op for op in operations if op.needs_warehouse):
        response = client.request(op.method, op.url, json=op.body)
        assert response.status_code == 503, (op.method, op.url, response.text)
        assert response.json() == LOST, (op.url, response.text)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed on exit: nothing listens there


def test_a_url_to_a_closed_port_is_503_everywhere(tmp_path: Path) -> None:
    url = f"postgresql://finops@127.0.0.1:{_closed_port()}/finops"
    settings = Settings(home=tmp_path / "home", database_url=url, environment="test")
    app = create_app(settings=settings, frontend_dist=None)
    # a token the warehouse would have to look up: unreachable, so 503 rather than 401
    with TestClient(app, headers=bearer("fo_" + "x" * 43)) as client:
        _assert_unavailable(client, api_operations(client.app))  # type: ignore[arg-type]
        ready = client.get("/readyz")
        assert (ready.status_code, ready.json()) == (503, LOST)
        assert client.get("/healthz").json() == {"status": "ok"}


def _small_engine(settings: Settings, **pool: Any) -> Engine:
    """An engine on the warehouse like the API's (the application role), with its own pool."""
    return create_engine(
        get_engine(settings).url,
        connect_args={"options": "-c search_path=finops,public -c timezone=UTC"},
        pool_pre_ping=True,
        **pool,
    )


@pytest.fixture
def warehouse(fresh_settings: Settings) -> Iterator[Settings]:
    yield fresh_settings


def test_a_pool_with_no_free_connection_is_503(warehouse: Settings) -> None:
    engine = _small_engine(warehouse, pool_size=1, max_overflow=0, pool_timeout=0.2)
    app = create_app(settings=warehouse, engine=engine, frontend_dist=None)
    with TestClient(app, headers=admin_headers(warehouse)) as client:
        assert client.get("/api/v1/budgets").json() == {"data": [], "count": 0}
        with engine.connect():  # the pool's only connection, held
            _assert_unavailable(client, api_operations(app))
        assert client.get("/api/v1/budgets").status_code == 200
    engine.dispose()


def test_the_server_gone_mid_request_is_503(warehouse: Settings, admin_url: str) -> None:
    """The server ends each connection's session right after the pool hands it out (the pool's
    ping has passed), so the route's first query finds the server gone."""
    engine = _small_engine(warehouse, pool_size=2, max_overflow=0)
    terminated: list[int] = []

    @event.listens_for(engine, "checkout")
    def _terminate(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        pid = dbapi_connection.info.backend_pid
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,))
        terminated.append(pid)

    headers = admin_headers(warehouse)
    app = create_app(settings=warehouse, engine=engine, frontend_dist=None)
    with TestClient(app, headers=headers) as client:
        operations = api_operations(app)
        _assert_unavailable(client, operations)
    assert len(terminated) >= sum(op.needs_warehouse for op in operations)
    engine.dispose()
