"""OpenID Connect single sign-on, end to end: the FinOps app (TestClient) against the Authlib
provider of ``tests/auth/oidc_provider.py`` on a loopback port. Each login goes
``/api/v1/auth/oidc/login`` -> the provider's authorize endpoint (consents at once) -> the
callback -> a session cookie that opens a live session for the created or updated user."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from fastapi import FastAPI
from fastapi.testclient import TestClient
from joserfc.jwk import RSAKey
from sqlalchemy import Engine, func, select

from finops.auth.oidc import CALLBACK_PATH, forget_providers, oidc_provider_info, safe_next
from finops.auth.roles import Role
from finops.auth.sessions import SESSION_COOKIE, resolve_session
from finops.auth.users import create_user, find_oidc_user, update_user
from finops.config import Settings
from finops.errors import InvalidParameterError
from finops.warehouse.tables import audit_log, sessions, users
from tests.auth.oidc_provider import (
    CLIENT_ID,
    CLIENT_SECRET,
    IdpUser,
    OidcProvider,
    RunningProvider,
)
from tests.conftest import create_database

APP = "https://testserver"
LOGIN = "/api/v1/auth/oidc/login"


@pytest.fixture(scope="module")
def idp() -> Iterator[RunningProvider]:
    running = RunningProvider(redirect_uri=APP + CALLBACK_PATH)
    yield running
    running.close()


@pytest.fixture(scope="module")
def sso_settings(
    pg_server: object, admin_url: str, finops_home: Path, idp: RunningProvider
) -> Settings:
    from finops.db.engine import get_engine
    from finops.db.migrate import upgrade

    name = f"t_sso_{uuid.uuid4().hex[:10]}"
    create_database(admin_url, name)
    settings = Settings(
        home=finops_home,
        database_url=pg_server.url(name),  # type: ignore[attr-defined]
        environment="test",
        oidc_issuer=idp.issuer,
        oidc_client_id=CLIENT_ID,
        oidc_client_secret=CLIENT_SECRET,
        oidc_scopes=["openid", "profile", "email", "groups"],
        oidc_role_map={"viewers": "viewer", "analysts": "analyst", "finops-admins": "admin"},
        oidc_name="Company SSO",
    )
    upgrade(get_engine(settings))
    return settings


@pytest.fixture(scope="module")
def engine(sso_settings: Settings) -> Engine:
    from finops.db.engine import get_engine

    return get_engine(sso_settings)


@pytest.fixture(scope="module")
def app(sso_settings: Settings) -> FastAPI:
    from finops.api.main import create_app

    return create_app(settings=sso_settings, frontend_dist=None)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url=APP, follow_redirects=False) as test_client:
        yield test_client


@pytest.fixture
def provider(idp: RunningProvider) -> OidcProvider:
    """The provider with honest tokens for a user of its own (each test sees only its rows)."""
    forget_providers()
    idp.provider.reset()
    tag = uuid.uuid4().hex[:8]
    idp.provider.user = IdpUser(
        sub=f"sub-{tag}", preferred_username=f"ada-{tag}", name="Ada Lovelace",
        email=f"ada-{tag}@example.com", groups=["analysts"],
    )  # fmt: skip
    return idp.provider


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


@pytest.mark.parametrize(
    ("change", "status", "reason", "message"),
    [
        ({"audience": "another-application"}, 401, "wrong_audience",
         "the ID token is refused: its audience 'another-application' does not include this "
         "client 'finops-dashboard'"),
        ({"audience": [CLIENT_ID, "another-application"]}, 401, "wrong_audience",
         "it names several audiences and its azp None is not 'finops-dashboard'"),
        ({"expires_in": -3600}, 401, "expired", "the ID token is refused: it expired at"),
        ({"nonce": "a-nonce-from-another-login"}, 401, "nonce_mismatch",
         "its nonce is not the one this login sent"),
        ({"signing_key": "same kid, another key"}, 401, "bad_signature",
         "the ID token's signature does not verify with the provider's keys"),
        ({"signing_key": "unknown kid"}, 401, "bad_signature",
         "signed with a key the provider does not publish"),
        ({"groups": ["interns", "contractors"]}, 403, "no_role",
         "none of your groups (interns, contractors) has a role in FinOps; an administrator "
         "maps groups to roles in FINOPS_OIDC_ROLE_MAP"),
        ({"groups": []}, 403, "no_role",
         "the identity provider sent no groups in the 'groups' claim"),
    ],
    ids=["wrong-audience", "audience-without-azp", "expired", "nonce", "bad-signature",
         "unknown-key", "no-mapped-group", "no-groups"],
)  # fmt: skip
def test_refused_logins_start_no_session(
    client: TestClient,
    provider: OidcProvider,
    engine: Engine,
    change: dict[str, object],
    status: int,
    reason: str,
    message: str,
) -> None:
    for key, value in change.items():
        if key == "groups":
            provider.user.groups = list(value)  # type: ignore[call-overload]
        elif key == "signing_key":
            kid = provider.key.kid if value == "same kid, another key" else "rotated-away"
            provider.signing_key = RSAKey.generate_key(2048, parameters={"kid": kid})
        else:
            setattr(provider, key, value)
    request_id = uuid.uuid4().hex
    response = sso_login(client, request_id=request_id)
    assert response.status_code == status
    assert message in response.json()["detail"]
    assert SESSION_COOKIE not in response.cookies
    with engine.connect() as conn:
        assert find_oidc_user(conn, issuer=provider.issuer, subject=provider.user.sub) is None
    ((action, actor, details),) = audit_rows(engine, request_id)
    assert (action, actor, details["reason"]) == ("auth.login_failed", "anonymous", reason)
    assert details["message"] == response.json()["detail"]


def test_bad_state_is_refused_before_the_code_is_exchanged(
    client: TestClient, provider: OidcProvider, engine: Engine, app: FastAPI
) -> None:
    callback = authorize(start(client))
    forged = callback.replace("state=", "state=x")
    request_id = uuid.uuid4().hex
    response = client.get(forged, headers={"x-request-id": request_id})
    assert response.status_code == 401
    assert response.json()["detail"] == (
        "the state the identity provider returned does not match this browser's login; "
        "start the login again"
    )
    assert audit_rows(engine, request_id)[0][2]["reason"] == "bad_state"
    # another browser (no login cookie) cannot use the callback either
    with TestClient(app, base_url=APP, follow_redirects=False) as other:
        refused = other.get(callback)
    assert refused.status_code == 401
    assert refused.json()["detail"].startswith("no single sign-on login is under way")
    assert provider.token_requests == [] and sessions_of(engine, provider) == 0


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


@pytest.mark.parametrize(
    "next_path",
    ["//evil.example/x", "https://evil.example/", "/\\evil.example", "anomalies", "/a\nb"],
)
def test_next_must_be_a_path_on_this_site(
    client: TestClient, provider: OidcProvider, next_path: str
) -> None:
    response = client.get(LOGIN, params={"next": next_path})
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["detail"]] == [["query", "next"]]
    assert "finops_oidc" not in response.headers.get("set-cookie", "")
    with pytest.raises(InvalidParameterError, match="must be a path on this site"):
        safe_next(next_path)  # the same rule once more, where the cookie is made
    assert safe_next("/anomalies?status=open#top") == "/anomalies?status=open#top"


def test_without_an_issuer_single_sign_on_is_not_there(sso_settings: Settings) -> None:
    from finops.api.main import create_app

    settings = sso_settings.model_copy(update={"oidc_issuer": None})
    assert oidc_provider_info(settings) is None
    assert oidc_provider_info(sso_settings) == {
        "name": "Company SSO",
        "login_url": "/api/v1/auth/oidc/login",
    }
    app = create_app(settings=settings, frontend_dist=None)
    with TestClient(app, base_url=APP, follow_redirects=False) as client:
        for path in (LOGIN, CALLBACK_PATH + "?code=c&state=s"):
            response = client.get(path)
            assert response.status_code == 404
            assert response.json() == {"detail": "single sign-on is not configured"}


def test_an_unreachable_provider_is_a_502(sso_settings: Settings) -> None:
    from finops.api.main import create_app

    forget_providers()
    settings = sso_settings.model_copy(update={"oidc_issuer": "http://127.0.0.1:9"})
    with TestClient(create_app(settings=settings, frontend_dist=None), base_url=APP) as client:
        response = client.get(LOGIN, follow_redirects=False)
    assert response.status_code == 502
    assert response.json()["detail"].startswith(
        "single sign-on is unavailable: the identity provider's discovery document at "
        "http://127.0.0.1:9/.well-known/openid-configuration could not be read"
    )


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"oidc_issuer": "https://idp.example"}, "FINOPS_OIDC_CLIENT_ID must be set with"),
        ({"oidc_issuer": "http://idp.example", "oidc_client_id": "c"}, "must be an https:// URL"),
        ({"oidc_role_map": {"finops-admins": "root"}}, "FINOPS_OIDC_ROLE_MAP: Input should be"),
    ],
)
def test_settings_refuse_an_incomplete_or_insecure_configuration(
    values: dict[str, object], message: str
) -> None:
    from pydantic import ValidationError

    from finops.config import describe_invalid

    with pytest.raises(ValidationError) as caught:
        Settings(**values)  # type: ignore[arg-type]
    assert message in describe_invalid(caught.value)
    mapped = Settings(oidc_role_map={"finops-admins": " Admin "})  # type: ignore[dict-item]
    assert mapped.oidc_role_map == {"finops-admins": Role.ADMIN}
