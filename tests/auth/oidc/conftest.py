"""The single sign-on tests' world: the OpenID provider of ``provider.py`` on a loopback port,
a migrated warehouse whose settings point at it, and the FinOps app (TestClient over https, so
the Secure cookies travel)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from finops.auth.oidc import CALLBACK_PATH, forget_providers
from finops.config import Settings
from tests.auth.oidc.flow import APP
from tests.auth.oidc.provider import (
    CLIENT_ID,
    CLIENT_SECRET,
    IdpUser,
    OidcProvider,
    RunningProvider,
)
from tests.conftest import create_database


@pytest.fixture(scope="package")
def idp() -> Iterator[RunningProvider]:
    running = RunningProvider(redirect_uri=APP + CALLBACK_PATH)
    yield running
    running.close()


@pytest.fixture(scope="package")
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


@pytest.fixture(scope="package")
def engine(sso_settings: Settings) -> Engine:
    from finops.db.engine import get_engine

    return get_engine(sso_settings)


@pytest.fixture(scope="package")
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
