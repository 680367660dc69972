"""Users, API tokens and logged-in test clients for the API tests.

``https://testserver``: the session cookie is ``Secure`` outside development, so a client that
logs in talks HTTPS to the app (the TestClient never opens a socket)."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient

from finops.auth.roles import Role
from finops.auth.tokens import create_token
from finops.auth.users import create_user, find_user, set_password
from finops.config import Settings
from finops.warehouse.scope import ALL, Scope

BASE_URL = "https://testserver"
ADMIN = "admin"
PASSWORD = "a test password of some length"


def add_user(
    settings: Settings,
    username: str,
    role: Role,
    *,
    password: str | None = PASSWORD,
    scope: Scope = ALL,
) -> None:
    """The user with this role, scope and password (created, or set again when it exists)."""
    from finops.auth.users import update_user
    from finops.db.engine import get_engine

    with get_engine(settings).begin() as conn:
        if find_user(conn, username=username) is None:
            create_user(conn, username=username, role=role, password=password, scope=scope)
        else:
            update_user(conn, username=username, role=role, scope=scope, disabled=False)
            if password is not None:
                set_password(conn, username=username, password=password)


def add_token(
    settings: Settings,
    username: str,
    *,
    name: str | None = None,
    scope: Scope | None = None,
    days: int = 30,
    now: datetime | None = None,
) -> str:
    """A new API token of ``username`` (who must exist); returns the token itself."""
    from finops.db.engine import get_engine

    with get_engine(settings).begin() as conn:
        user = find_user(conn, username=username)
        assert user is not None, username
        new = create_token(
            conn,
            user=user,
            name=name or f"test-{datetime.now(UTC).timestamp()}",
            expires_in_days=days,
            settings=settings,
            now=now or datetime.now(UTC),
            scope=scope,
        )
    return new.token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def admin_headers(settings: Settings) -> dict[str, str]:
    """The header of a new token of the ``admin`` user (created when missing)."""
    add_user(settings, ADMIN, Role.ADMIN)
    return bearer(add_token(settings, ADMIN))


def log_in(client: TestClient, username: str, password: str = PASSWORD) -> TestClient:
    """Log ``client`` in by password; it then sends the session's CSRF token on every request."""
    response = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    return client


def log_in_admin(client: TestClient, settings: Settings) -> TestClient:
    add_user(settings, ADMIN, Role.ADMIN)
    return log_in(client, ADMIN)
