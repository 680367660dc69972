"""The identity routes over HTTP (docs/security.md): login sets the session and CSRF cookies,
``/auth/me``, CSRF on cookie-authenticated state changes (bearer requests exempt), idle expiry
and logout through the API, the login rate limit and lockout (429 with ``Retry-After``), tokens
shown once, admin user management, and the actor and request id of every audit row."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from finops.api.main import create_app
from finops.auth.roles import Role
from finops.config import Settings
from finops.db.engine import get_engine
from tests.conftest import migrated_settings
from tests.factories.identity import BASE_URL, PASSWORD, add_token, add_user, bearer, log_in

T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


@dataclass
class FakeTime:
    """The API's clock, moved by the tests."""

    now: datetime = field(default=T0)

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Api:
    settings: Settings
    time: FakeTime

    def client(self) -> TestClient:
        app = create_app(settings=self.settings, frontend_dist=None, clock=self.time)
        return TestClient(app, base_url=BASE_URL)

    def audit(self, action: str) -> list[Any]:
        with get_engine(self.settings).connect() as conn:
            return list(
                conn.execute(
                    text(
                        "SELECT actor, subject, request_id, details FROM finops.audit_log "
                        "WHERE action = :a ORDER BY id"
                    ),
                    {"a": action},
                )
            )


@pytest.fixture(scope="module")
def api_settings(pg_server: object, admin_url: str, finops_home: Path) -> Settings:
    settings = migrated_settings(
        pg_server, admin_url, finops_home, "t_authapi", login_max_failures=3,
        login_attempts_per_minute=6,
    )  # fmt: skip
    assert isinstance(settings, Settings)
    return settings


DAYS = itertools.count()


@pytest.fixture
def api(api_settings: Settings) -> Iterator[Api]:
    """Each test at its own day: the login limits of one (one client address for all) never
    reach into another's minutes."""
    yield Api(api_settings, FakeTime(T0 + timedelta(days=next(DAYS))))


def test_login_me_and_logout(api: Api) -> None:
    add_user(api.settings, "hana", Role.ANALYST)
    client = api.client()
    wrong = client.post("/api/v1/auth/login", json={"username": "hana", "password": "nope"})
    assert (wrong.status_code, wrong.json()) == (
        401,
        {"detail": "invalid username or password", "code": "not_authenticated", "param": None},
    )
    response = client.post(
        "/api/v1/auth/login",
        json={"username": "HANA", "password": PASSWORD},
        headers={"x-request-id": "req-login"},
    )
    assert response.status_code == 200, response.text
    me = response.json()
    assert me["username"] == "hana" and me["role"] == "analyst" and me["auth"] == "session"
    assert me["permissions"] == ["read", "sql", "export"]
    assert me["scope"] == {"accounts": None, "tags": {}}
    assert client.cookies["finops_csrf"] == me["csrf_token"]
    cookies = response.headers.get_list("set-cookie")
    assert any(c.startswith("finops_session=") and "HttpOnly" in c for c in cookies)
    assert client.get("/api/v1/auth/me").json() == me
    assert [tuple(a)[:3] for a in api.audit("auth.login")][-1] == ("user:hana", "hana", "req-login")

    refused = client.post("/api/v1/auth/logout")  # no CSRF header
    assert (refused.status_code, "X-CSRF-Token" in refused.json()["detail"]) == (403, True)
    out = client.post(
        "/api/v1/auth/logout", headers={"X-CSRF-Token": me["csrf_token"], "x-request-id": "bye"}
    )
    assert out.status_code == 204
    assert (
        'finops_session=""' in out.headers["set-cookie"] or "Max-Age=0" in out.headers["set-cookie"]
    )
    assert [tuple(a)[:3] for a in api.audit("auth.logout")][-1] == ("user:hana", "hana", "bye")
    assert client.get("/api/v1/auth/me").status_code == 401


def test_idle_expiry_through_the_api(api: Api) -> None:
    add_user(api.settings, "ivan", Role.VIEWER)
    client = log_in(api.client(), "ivan")
    api.time.now += timedelta(minutes=api.settings.session_idle_minutes - 1)
    assert client.get("/api/v1/auth/me").status_code == 200
    api.time.now += timedelta(minutes=api.settings.session_idle_minutes)
    gone = client.get("/api/v1/auth/me")
    assert (gone.status_code, gone.json()) == (
        401,
        {
            "detail": "the session has ended; log in again",
            "code": "not_authenticated",
            "param": None,
        },
    )
    assert gone.headers["www-authenticate"] == "Bearer"


def test_csrf_on_cookie_requests_and_bearer_exempt(api: Api) -> None:
    add_user(api.settings, "jo", Role.ADMIN)
    client = log_in(api.client(), "jo")
    csrf = client.headers.pop("X-CSRF-Token")
    body = {"name": "csrf-check", "expires_in_days": 1}
    assert client.post("/api/v1/auth/tokens", json=body).status_code == 403
    wrong = client.post("/api/v1/auth/tokens", json=body, headers={"X-CSRF-Token": "x" * 64})
    assert wrong.status_code == 403
    assert client.get("/api/v1/auth/tokens").json()["count"] == 0  # a read needs no header
    made = client.post("/api/v1/auth/tokens", json=body, headers={"X-CSRF-Token": csrf})
    assert made.status_code == 201
    token = made.json()["token"]
    plain = TestClient(client.app, base_url=BASE_URL)  # no cookie: bearer only, no CSRF header
    second = plain.post(
        "/api/v1/auth/tokens",
        json={"name": "by-token", "expires_in_days": 1},
        headers=bearer(token),
    )
    assert second.status_code == 201, second.text


def test_tokens_are_shown_once_listed_and_revoked(api: Api) -> None:
    add_user(api.settings, "kim", Role.VIEWER)
    client = log_in(api.client(), "kim")
    created = client.post(
        "/api/v1/auth/tokens",
        json={"name": "nightly", "expires_in_days": 7},
        headers={"x-request-id": "req-token"},
    )
    assert created.status_code == 201
    body = created.json()
    assert body["token"].startswith("fo_") and body["prefix"] == body["token"][:11]
    assert datetime.fromisoformat(body["expires_at"]) == api.time.now + timedelta(days=7)
    listed = client.get("/api/v1/auth/tokens").json()
    assert listed["count"] == 1 and "token" not in listed["data"][0]
    assert listed["data"][0]["last_used_at"] is None
    with_token = TestClient(client.app, base_url=BASE_URL, headers=bearer(body["token"]))
    me = with_token.get("/api/v1/auth/me").json()
    assert (me["auth"], me["csrf_token"], me["username"]) == ("token", None, "kim")
    used = client.get("/api/v1/auth/tokens").json()["data"][0]["last_used_at"]
    assert datetime.fromisoformat(used) == api.time.now
    assert [tuple(a)[:3] for a in api.audit("token.create")][-1] == (
        "user:kim",
        "token:nightly@kim",
        "req-token",
    )
    assert client.delete(f"/api/v1/auth/tokens/{body['id']}").status_code == 204
    assert with_token.get("/api/v1/auth/me").status_code == 401
    assert client.get("/api/v1/auth/tokens").json()["data"][0]["revoked_at"] is not None
    add_user(api.settings, "lee", Role.VIEWER)
    other = log_in(api.client(), "lee")
    assert other.delete(f"/api/v1/auth/tokens/{body['id']}").status_code == 404
    expired = add_token(api.settings, "lee", days=1, now=api.time.now)
    assert TestClient(client.app, headers=bearer(expired)).get("/api/v1/auth/me").status_code == 200
    api.time.now += timedelta(days=1)
    assert TestClient(client.app, headers=bearer(expired)).get("/api/v1/auth/me").status_code == 401


def test_rate_limit_and_lockout_answer_429_with_retry_after(api: Api) -> None:
    add_user(api.settings, "max", Role.VIEWER)
    client = api.client()
    statuses = []
    for _ in range(3):
        r = client.post("/api/v1/auth/login", json={"username": "max", "password": "wrong!"})
        statuses.append(r.status_code)
    assert statuses == [401, 401, 429]  # the third failure locks the account
    locked = client.post("/api/v1/auth/login", json={"username": "max", "password": PASSWORD})
    assert locked.status_code == 429
    assert locked.headers["retry-after"] == str(api.settings.login_lockout_minutes * 60)
    assert [tuple(a)[:2] for a in api.audit("auth.lockout")][-1] == ("finops.auth", "max")
    # six attempts a minute from one address: the sixth is refused before any password check
    for i in range(2):
        r = client.post("/api/v1/auth/login", json={"username": f"nobody{i}", "password": "x"})
        assert r.status_code == 401
    api.time.now += timedelta(seconds=20)
    limited = client.post("/api/v1/auth/login", json={"username": "max", "password": PASSWORD})
    assert limited.status_code == 429 and limited.headers["retry-after"] == "40"
    assert "too many login attempts" in limited.json()["detail"]
    api.time.now += timedelta(minutes=api.settings.login_lockout_minutes)
    assert log_in(client, "max").get("/api/v1/auth/me").json()["username"] == "max"


def test_admin_manages_users_and_tokens(api: Api) -> None:
    add_user(api.settings, "root-admin", Role.ADMIN)
    admin = log_in(api.client(), "root-admin")
    created = admin.post(
        "/api/v1/admin/users",
        json={
            "username": "nina",
            "display_name": "Nina N",
            "role": "viewer",
            "password": "nina's long password",
            "scope": {"accounts": ["111111111111"], "tags": {"team": ["data"]}},
        },
        headers={"x-request-id": "req-create"},
    )
    assert created.status_code == 201, created.text
    assert created.json()["scope"] == {"accounts": ["111111111111"], "tags": {"team": ["data"]}}
    again = admin.post("/api/v1/admin/users", json={"username": "NINA", "role": "viewer"})
    assert again.status_code == 409
    nina = log_in(api.client(), "nina", "nina's long password")
    assert nina.get("/api/v1/auth/me").json()["scope"]["accounts"] == ["111111111111"]
    assert nina.get("/api/v1/admin/users").status_code == 403
    patched = admin.patch(
        "/api/v1/admin/users/nina", json={"role": "approver"}, headers={"x-request-id": "req-p"}
    )
    assert patched.json()["role"] == "approver"
    assert nina.get("/api/v1/auth/me").json()["permissions"][-1] == "approve"
    reset = admin.post("/api/v1/admin/users/nina/password", headers={"x-request-id": "req-r"})
    assert reset.status_code == 200 and len(reset.json()["password"]) == 24
    assert nina.get("/api/v1/auth/me").status_code == 401  # the reset ended her sessions
    nina = log_in(api.client(), "nina", reset.json()["password"])
    for loose in ({"disabled": 0}, {"disabled": "true"}, {"role": "root"}, {"password": "x"}):
        assert admin.patch("/api/v1/admin/users/nina", json=loose).status_code == 422, loose
    for days in ("5", True):
        loose_days = admin.post("/api/v1/auth/tokens", json={"name": "x", "expires_in_days": days})
        assert loose_days.status_code == 422, days
    whole = admin.post("/api/v1/auth/tokens", json={"name": "whole", "expires_in_days": 300.0})
    assert whole.status_code == 201  # a JSON integer, as JSON Schema counts them
    disabled = admin.patch("/api/v1/admin/users/nina", json={"disabled": True})
    assert disabled.json()["disabled"] is True
    assert nina.get("/api/v1/auth/me").status_code == 401
    for change in ({"role": "viewer"}, {"disabled": True}):
        itself = admin.patch("/api/v1/admin/users/ROOT-ADMIN", json=change)
        assert itself.status_code == 409 and "ask another admin" in itself.json()["detail"]
    assert admin.patch("/api/v1/admin/users/root-admin", json={"display_name": "R"}).is_success
    assert admin.get("/api/v1/auth/me").json()["role"] == "admin"  # nothing else changed
    token = add_token(api.settings, "root-admin", name="to-revoke")
    listed = admin.get("/api/v1/admin/tokens").json()["data"]
    (entry,) = [t for t in listed if t["name"] == "to-revoke"]
    assert admin.delete(f"/api/v1/admin/tokens/{entry['id']}").status_code == 204
    assert TestClient(admin.app, headers=bearer(token)).get("/api/v1/auth/me").status_code == 401
    audits = {
        action: [tuple(a)[:3] for a in api.audit(action) if a.subject == "nina"]
        for action in ("user.create", "user.update", "user.password_reset")
    }
    assert audits["user.create"] == [("user:root-admin", "nina", "req-create")]
    assert audits["user.update"][0] == ("user:root-admin", "nina", "req-p")
    assert audits["user.password_reset"] == [("user:root-admin", "nina", "req-r")]
    update = next(a for a in api.audit("user.update") if a.request_id == "req-p")
    assert (update.details["role"], update.details["previous"]["role"]) == ("approver", "viewer")
    assert "password" not in str(update.details)


def test_providers_are_public(api: Api) -> None:
    response = api.client().get("/api/v1/auth/providers")
    assert response.json() == {"password": True, "oidc": None}
