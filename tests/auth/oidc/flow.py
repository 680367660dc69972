"""One single sign-on login driven like a browser: FinOps's login redirect, the provider's
authorize endpoint (which consents at once), the callback; and what the warehouse kept."""

from __future__ import annotations

import uuid

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from finops.auth.oidc import CALLBACK_PATH
from finops.warehouse.tables import audit_log, sessions, users
from tests.auth.oidc.provider import OidcProvider

APP = "https://testserver"
LOGIN = "/api/v1/auth/oidc/login"


def start(client: TestClient, *, next_path: str = "/anomalies") -> httpx.Response:
    response = client.get(LOGIN, params={"next": next_path})
    assert response.status_code == 302, response.text
    return response


def authorize(login: httpx.Response) -> str:
    """The provider's redirect back to FinOps (the callback URL with code and state)."""
    answer = httpx.get(login.headers["location"])
    assert answer.status_code == 302, answer.text
    callback = answer.headers["location"]
    assert callback.startswith(APP + CALLBACK_PATH + "?")
    return callback


def sso_login(client: TestClient, *, request_id: str = "") -> httpx.Response:
    callback = authorize(start(client))
    return client.get(callback, headers={"x-request-id": request_id or uuid.uuid4().hex})


def audit_rows(engine: Engine, request_id: str) -> list[tuple[str, str, dict[str, object]]]:
    a = audit_log.c
    with engine.connect() as conn:
        rows = conn.execute(
            select(a.action, a.actor, a.details).where(a.request_id == request_id).order_by(a.id)
        )
        return [(r.action, r.actor, r.details) for r in rows]


def sessions_of(engine: Engine, provider: OidcProvider) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                select(func.count())
                .select_from(sessions.join(users, users.c.id == sessions.c.user_id))
                .where(users.c.oidc_subject == provider.user.sub)
            ).scalar_one()
        )
