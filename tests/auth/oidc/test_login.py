"""Single sign-on logins that succeed, end to end against the Authlib provider: the redirect's
PKCE, state and nonce; the user created, then updated, from the ID token; PKCE enforced by the
provider; a public client; a local user never taken over; groups left or an account disabled."""

from __future__ import annotations

import base64
import json
import uuid
from urllib.parse import parse_qs, urlsplit

import httpx
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from finops.auth.oidc import CALLBACK_PATH
from finops.auth.roles import Role
from finops.auth.sessions import SESSION_COOKIE, resolve_session
from finops.auth.users import create_user, find_oidc_user, update_user
from finops.config import Settings
from finops.warehouse.tables import users
from tests.auth.oidc.flow import APP, audit_rows, authorize, sessions_of, sso_login, start
from tests.auth.oidc.provider import CLIENT_ID, CLIENT_SECRET, OidcProvider


def test_login_redirect_carries_pkce_state_and_nonce(
    client: TestClient, provider: OidcProvider
) -> None:
    response = start(client, next_path="/budgets?month=2026-11")
    url = urlsplit(response.headers["location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == provider.issuer + "/authorize"
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert query["response_type"] == "code" and query["client_id"] == CLIENT_ID
    assert query["redirect_uri"] == APP + CALLBACK_PATH
    assert query["scope"] == "openid profile email groups"
    assert query["code_challenge_method"] == "S256"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("finops_oidc=") and "HttpOnly" in cookie and "Secure" in cookie
    assert "Path=/api/v1/auth/oidc" in cookie and "Max-Age=600" in cookie
    assert "SameSite=lax" in cookie
    payload = cookie.split(";")[0].split("=", 1)[1].rsplit(".", 1)[0]
    kept = json.loads(base64.urlsafe_b64decode(payload))
    assert (kept["state"], kept["nonce"]) == (query["state"], query["nonce"])
    assert len(kept["state"]) == len(kept["nonce"]) == 43
    assert create_s256_code_challenge(kept["code_verifier"]) == query["code_challenge"]
    assert kept["next_path"] == "/budgets?month=2026-11"


def test_first_login_creates_the_user_with_the_mapped_role(
    client: TestClient, provider: OidcProvider, engine: Engine, sso_settings: Settings
) -> None:
    request_id = uuid.uuid4().hex
    response = sso_login(client, request_id=request_id)
    assert response.status_code == 302, response.text
    assert response.headers["location"] == "/anomalies"
    assert "finops_oidc=" in str(response.headers.get_list("set-cookie"))  # cleared
    cookie = response.cookies[SESSION_COOKIE]
    with engine.connect() as conn:
        user = find_oidc_user(conn, issuer=provider.issuer, subject=provider.user.sub)
        assert user is not None
        assert (user.username, user.role, user.display_name, user.email) == (
            provider.user.preferred_username, Role.ANALYST, "Ada Lovelace", provider.user.email,
        )  # fmt: skip
        assert not user.has_password and not user.disabled and user.scope.unrestricted
        session = resolve_session(
            conn, cookie=cookie, settings=sso_settings, now=user.last_login_at
        )
        assert session is not None and session.user.id == user.id
        assert response.cookies["finops_csrf"] == session.csrf_token
    assert sessions_of(engine, provider) == 1
    # the token request carried the PKCE verifier, and the provider accepted it
    assert len(provider.token_requests) == 1 and provider.token_errors == []
    assert len(provider.token_requests[0]["code_verifier"]) == 64
    assert provider.token_requests[0]["(basic auth)"].startswith("Basic ")
    ((action, actor, details),) = audit_rows(engine, request_id)
    assert (action, actor) == ("auth.login", f"user:{user.username}")
    assert details["method"] == "oidc" and details["role"] == "analyst"
    assert details["groups"] == ["analysts"]


def test_next_login_updates_role_and_name(
    client: TestClient, provider: OidcProvider, engine: Engine
) -> None:
    assert sso_login(client).status_code == 302
    provider.user.groups = ["viewers", "finops-admins", "unmapped"]
    provider.user.name = "Ada King"
    assert sso_login(client).status_code == 302
    with engine.connect() as conn:
        user = find_oidc_user(conn, issuer=provider.issuer, subject=provider.user.sub)
        count = conn.execute(
            select(func.count()).where(users.c.oidc_subject == provider.user.sub)
        ).scalar_one()
    assert user is not None and count == 1
    assert (user.role, user.display_name) == (Role.ADMIN, "Ada King")  # the highest mapped role
    assert sessions_of(engine, provider) == 2
    provider.user.groups = ["viewers"]
    assert sso_login(client).status_code == 302
    with engine.connect() as conn:
        again = find_oidc_user(conn, issuer=provider.issuer, subject=provider.user.sub)
    assert again is not None and again.id == user.id and again.role is Role.VIEWER


def test_the_provider_refuses_a_code_exchange_without_the_pkce_verifier(
    client: TestClient, provider: OidcProvider, engine: Engine
) -> None:
    callback = authorize(start(client))
    code = parse_qs(urlsplit(callback).query)["code"][0]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": APP + CALLBACK_PATH}
    auth = (CLIENT_ID, CLIENT_SECRET)
    without = httpx.post(provider.issuer + "/token", data=form, auth=auth)
    assert without.status_code == 400
    assert without.json() == {"error": "invalid_request", "error_description": (
        "Missing 'code_verifier'")}  # fmt: skip
    wrong = httpx.post(
        provider.issuer + "/token", data={**form, "code_verifier": "x" * 64}, auth=auth
    )
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    # the login under way still holds the verifier: its callback succeeds with the same code
    response = client.get(callback)
    assert response.status_code == 302 and sessions_of(engine, provider) == 1


def test_a_public_client_logs_in_with_pkce_alone(
    sso_settings: Settings, provider: OidcProvider, engine: Engine
) -> None:
    from finops.api.main import create_app

    provider.client.public = True
    public = sso_settings.model_copy(update={"oidc_client_secret": None})
    with TestClient(
        create_app(settings=public, frontend_dist=None), base_url=APP, follow_redirects=False
    ) as client:
        response = sso_login(client)
    assert response.status_code == 302, response.text
    ((request),) = provider.token_requests
    assert request["(basic auth)"] == "" and request["client_id"] == CLIENT_ID
    assert "client_secret" not in request and len(request["code_verifier"]) == 64
    assert sessions_of(engine, provider) == 1


def test_leaving_the_mapped_groups_ends_the_open_sessions(
    client: TestClient, provider: OidcProvider, engine: Engine, sso_settings: Settings
) -> None:
    first = sso_login(client)
    assert first.status_code == 302
    cookie = first.cookies[SESSION_COOKIE]
    provider.user.groups = ["former-analysts"]
    response = sso_login(client)
    assert response.status_code == 403
    assert response.json()["detail"].endswith("FINOPS_OIDC_ROLE_MAP (1 open session(s) ended)")
    with engine.connect() as conn:
        user = find_oidc_user(conn, issuer=provider.issuer, subject=provider.user.sub)
        assert user is not None and user.role is Role.ANALYST  # kept, but it opens nothing
        assert user.last_login_at is not None
        now = user.last_login_at
        assert resolve_session(conn, cookie=cookie, settings=sso_settings, now=now) is None


def test_a_disabled_user_is_refused(
    client: TestClient, provider: OidcProvider, engine: Engine
) -> None:
    assert sso_login(client).status_code == 302
    with engine.begin() as conn:
        user = find_oidc_user(conn, issuer=provider.issuer, subject=provider.user.sub)
        assert user is not None
        update_user(conn, username=user.username, disabled=True)
    response = sso_login(client)
    assert response.status_code == 403
    assert response.json()["detail"] == f"the account {user.username} is disabled"
    assert sessions_of(engine, provider) == 1


def test_a_local_user_of_the_same_name_is_never_taken_over(
    client: TestClient, provider: OidcProvider, engine: Engine
) -> None:
    local_name = provider.user.preferred_username
    with engine.begin() as conn:
        local = create_user(conn, username=local_name, role=Role.ADMIN, password="pw-" + "x" * 12)
    assert sso_login(client).status_code == 302
    with engine.connect() as conn:
        sso = find_oidc_user(conn, issuer=provider.issuer, subject=provider.user.sub)
        kept = conn.execute(select(users.c.role).where(users.c.id == local.id)).scalar_one()
    assert sso is not None and sso.username == f"{local_name}-2" and sso.role is Role.ANALYST
    assert kept == "admin"
