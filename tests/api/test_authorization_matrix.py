"""The authorization matrix, generated from the one route table (``finops.api.access``): every
route of the app (the dashboard's files included) × no credentials and every role × an
unscoped and a scoped user, each answered as declared — public: never 401/403; any login: 401
without credentials; a role: 401 without credentials, 403 below the role, through at or above
it (and never a server error). A route without an entry stops the app from being built."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from finops.api.access import AUTHENTICATED, PUBLIC, ROUTE_ACCESS, Access, authorize_routes
from finops.api.main import create_app
from finops.auth.roles import LADDER, Role
from finops.config import Settings
from finops.errors import ConfigurationError
from finops.warehouse.scope import Scope
from tests.api.operations import BODIES, PATH_VALUES
from tests.conftest import migrated_settings
from tests.factories.identity import PASSWORD, add_token, add_user, bearer

LOGIN = {"username": "matrix-viewer", "password": PASSWORD}
"""A login that succeeds (a wrong password is a 401 by design, not an access decision)."""
SCOPED = Scope(accounts=frozenset({"100000000001"}), tags={"team": frozenset({"data"})})


@dataclass(frozen=True)
class Caller:
    role: Role | None  # None: no credentials
    scoped: bool
    headers: dict[str, str]

    def __str__(self) -> str:
        if self.role is None:
            return "anonymous"
        return f"{self.role}{' scoped' if self.scoped else ''}"


@pytest.fixture(scope="module")
def matrix_settings(pg_server: object, admin_url: str, finops_home: Path) -> Settings:
    """An empty migrated warehouse: the matrix asks who gets through, not what they see."""
    settings = migrated_settings(pg_server, admin_url, finops_home, "t_matrix")
    assert isinstance(settings, Settings)
    return settings


@pytest.fixture(scope="module")
def matrix_app(
    matrix_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[FastAPI, list[Caller]]]:
    fresh_settings = matrix_settings
    dist = tmp_path_factory.mktemp("dist")
    (dist / "index.html").write_text("<!doctype html><title>FinOps</title>")
    callers = [Caller(None, False, {})]
    for role in LADDER:
        for scoped in (False, True):
            username = f"matrix-{role}{'-scoped' if scoped else ''}"
            add_user(fresh_settings, username, role, scope=SCOPED if scoped else Scope())
            callers.append(Caller(role, scoped, bearer(add_token(fresh_settings, username))))
    yield create_app(settings=fresh_settings, frontend_dist=dist), callers


def _routes(app: FastAPI) -> list[tuple[str, str]]:
    return sorted(
        (method, route.path)
        for route in app.routes
        if isinstance(route, APIRoute)
        for method in route.methods
    )


def _url(path: str) -> str:
    for name, value in PATH_VALUES.items():
        path = path.replace("{" + name + "}", value)
    return path.replace("{path:path}", "overview").replace(
        "{resource_id:path}", PATH_VALUES["resource_id"]
    )


def _expected(access: Access, caller: Caller) -> str:
    if access is PUBLIC:
        return "through"
    if caller.role is None:
        return "401"
    if access is AUTHENTICATED or caller.role.allows(Role(access)):
        return "through"
    return "403"


def test_every_route_has_an_entry_and_every_entry_a_route(
    matrix_app: tuple[FastAPI, list[Caller]],
) -> None:
    app, _ = matrix_app
    routes = _routes(app)
    assert len(routes) == len(ROUTE_ACCESS) == 73
    assert sorted(ROUTE_ACCESS) == routes


def test_the_matrix(matrix_app: tuple[FastAPI, list[Caller]]) -> None:
    app, callers = matrix_app
    client = TestClient(app)
    outcomes: dict[str, int] = {"through": 0, "401": 0, "403": 0}
    wrong = []
    for method, path in _routes(app):
        access = ROUTE_ACCESS[(method, path)]
        body = LOGIN if path == "/api/v1/auth/login" else BODIES.get((method, path))
        for caller in callers:
            response = client.request(method, _url(path), json=body, headers=caller.headers)
            expected = _expected(access, caller)
            got = str(response.status_code) if response.status_code in (401, 403) else "through"
            if got != expected or response.status_code >= 500:
                wrong.append((method, path, str(caller), expected, response.status_code))
            outcomes[expected] += 1
    assert wrong == []
    # 73 routes × 9 callers: 11 public routes (99 through), 5 for any login (40 through, 5
    # refused), 40 for viewers (320, 40), 3 for analysts (18 through, 6 forbidden, 3 refused),
    # 6 for approvers (24 through, 24 forbidden, 6 refused), 8 for admins (16 through, 48
    # forbidden, 8 refused)
    assert outcomes == {"through": 517, "401": 62, "403": 78}


def test_a_route_without_an_entry_stops_the_app(matrix_app: tuple[FastAPI, list[Caller]]) -> None:
    app, _ = matrix_app

    @app.get("/api/v1/undeclared")
    def undeclared() -> dict[str, str]:
        return {}

    with pytest.raises(ConfigurationError, match="route GET /api/v1/undeclared has no entry"):
        authorize_routes(app)


def test_the_route_table_declares_what_the_docs_say() -> None:
    """Spot checks of the decisions in finops.api.access's docstring."""
    v1 = "/api/v1"
    assert ROUTE_ACCESS[("GET", "/healthz")] is PUBLIC
    assert ROUTE_ACCESS[("POST", f"{v1}/auth/login")] is PUBLIC
    assert ROUTE_ACCESS[("GET", f"{v1}/auth/me")] is AUTHENTICATED
    assert ROUTE_ACCESS[("GET", f"{v1}/kpi/summary")] is Role.VIEWER
    assert ROUTE_ACCESS[("POST", f"{v1}/anomalies/{{fingerprint}}/status")] is Role.ANALYST
    assert ROUTE_ACCESS[("GET", f"{v1}/anomalies/usage")] is Role.VIEWER
    assert ROUTE_ACCESS[("POST", f"{v1}/budgets")] is Role.ADMIN
    assert ROUTE_ACCESS[("GET", f"{v1}/actions")] is Role.VIEWER
    assert ROUTE_ACCESS[("POST", f"{v1}/actions/{{action_id}}/approve")] is Role.APPROVER
    assert ROUTE_ACCESS[("GET", f"{v1}/savings/rollup")] is Role.VIEWER
    assert ROUTE_ACCESS[("GET", f"{v1}/insights")] is Role.VIEWER
    assert ROUTE_ACCESS[("GET", f"{v1}/insights/{{insight_id}}")] is Role.VIEWER
    assert ROUTE_ACCESS[("GET", f"{v1}/explorer")] is Role.VIEWER
    assert ROUTE_ACCESS[("GET", f"{v1}/resources/{{resource_id:path}}")] is Role.VIEWER
    assert ROUTE_ACCESS[("GET", f"{v1}/audit")] is Role.APPROVER
    assert ROUTE_ACCESS[("PATCH", f"{v1}/admin/users/{{username}}")] is Role.ADMIN
