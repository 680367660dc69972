"""Single sign-on switched off, unreachable, or misconfigured."""

from __future__ import annotations

from typing import get_args

import pytest
from fastapi.testclient import TestClient

from finops.auth.oidc import CALLBACK_PATH, forget_providers, oidc_provider_info
from finops.auth.roles import LADDER
from finops.config import RoleName, Settings
from tests.auth.oidc.flow import APP, LOGIN


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
            assert response.json() == {
                "detail": "single sign-on is not configured",
                "code": "not_found",
                "param": None,
            }


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
    assert mapped.oidc_role_map == {"finops-admins": "admin"}
    assert get_args(RoleName) == tuple(role.value for role in LADDER)  # the same roles
