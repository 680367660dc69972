"""Single sign-on logins refused: wrong audience, expired token, nonce mismatch, bad signature,
a group with no role, a forged state; each with no session and an audit row naming the reason.
And the return path, which must stay on this site."""

from __future__ import annotations

import uuid

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from joserfc.jwk import RSAKey
from sqlalchemy import Engine

from finops.auth.oidc import safe_next
from finops.auth.sessions import SESSION_COOKIE
from finops.auth.users import find_oidc_user
from finops.errors import InvalidParameterError
from tests.auth.oidc.flow import APP, LOGIN, audit_rows, authorize, sessions_of, sso_login, start
from tests.auth.oidc.provider import CLIENT_ID, OidcProvider


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


def test_consent_refused_at_the_provider(
    client: TestClient, provider: OidcProvider, engine: Engine
) -> None:
    provider.deny = True
    callback = authorize(start(client))
    assert "error=access_denied" in callback
    request_id = uuid.uuid4().hex
    response = client.get(callback, headers={"x-request-id": request_id})
    assert response.status_code == 401
    assert response.json()["detail"].startswith(
        "the identity provider refused the login: access_denied"
    )
    assert audit_rows(engine, request_id)[0][2]["reason"] == "provider_error"
    assert provider.token_requests == [] and sessions_of(engine, provider) == 0
