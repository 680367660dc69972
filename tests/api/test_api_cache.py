"""The API's in-process caches (``finops.api.cache``): a cached cost answer is served only to
the scope it was computed for, a new billing period changes the next answer, and a revoked
token is refused at once (in this process) or as soon as the NOTIFY arrives (another process's
revocation). On the small hand-written bill, in a fresh warehouse."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import httpx
import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from finops.auth.roles import Role
from finops.auth.tokens import revoke_token
from finops.config import Settings
from finops.db.engine import get_engine, libpq_url, owner_url
from finops.ingest.billing import ingest_billing
from finops.warehouse.scope import Scope
from tests.factories.identity import BASE_URL, add_token, add_user, bearer
from tests.factories.small_bill import BILL, A, B, write_bill

RANGE = "/api/v1/explorer?start=2026-01-01&end=2026-02-28&granularity=monthly"


def _client(settings: Settings) -> Iterator[TestClient]:
    from finops.api.main import create_app

    with TestClient(create_app(settings=settings, frontend_dist=None), base_url=BASE_URL) as c:
        yield c


@pytest.fixture
def loaded(fresh_settings: Settings, tmp_path: Path) -> Settings:
    ingest_billing(write_bill(tmp_path / "all", BILL), settings=fresh_settings)
    return fresh_settings


def _get(client: TestClient, token: str, url: str = RANGE) -> tuple[str, Decimal]:
    response = client.get(url, headers=bearer(token))
    assert response.status_code == 200, response.text
    return response.headers["x-finops-cache"], Decimal(response.json()["total"])


def test_two_team_scopes_never_share_a_cached_answer(loaded: Settings) -> None:
    add_user(loaded, "team-a", Role.VIEWER, scope=Scope(accounts=frozenset({A})))
    add_user(loaded, "team-b", Role.VIEWER, scope=Scope(accounts=frozenset({B})))
    a, b = add_token(loaded, "team-a"), add_token(loaded, "team-b")
    for client in _client(loaded):
        assert _get(client, a) == ("miss", Decimal("190.1234"))
        assert _get(client, b) == ("miss", Decimal("12.7777"))  # not team-a's cached answer
        assert _get(client, a) == ("hit", Decimal("190.1234"))
        assert _get(client, b) == ("hit", Decimal("12.7777"))
        # the same question in another parameter order is the same cached answer
        reordered = "/api/v1/explorer?granularity=monthly&end=2026-02-28&start=2026-01-01"
        assert _get(client, b, reordered) == ("hit", Decimal("12.7777"))


def test_a_new_billing_period_changes_the_next_answer(
    fresh_settings: Settings, tmp_path: Path
) -> None:
    january = [line for line in BILL if line[0].month == 1]
    february = [line for line in BILL if line[0].month == 2]
    ingest_billing(write_bill(tmp_path / "jan", january), settings=fresh_settings)
    add_user(fresh_settings, "viewer", Role.VIEWER)
    token = add_token(fresh_settings, "viewer")
    for client in _client(fresh_settings):
        assert _get(client, token) == ("miss", Decimal("33.9567"))
        assert _get(client, token) == ("hit", Decimal("33.9567"))
        ingest_billing(write_bill(tmp_path / "feb", february), settings=fresh_settings)
        assert _get(client, token) == ("miss", Decimal("202.9011"))


def test_a_revoked_token_is_refused_at_its_next_request(loaded: Settings) -> None:
    add_user(loaded, "viewer", Role.VIEWER)
    token = add_token(loaded, "viewer", name="revoked-here")
    for client in _client(loaded):
        assert _get(client, token) == ("miss", Decimal("202.9011"))
        assert _get(client, token) == ("hit", Decimal("202.9011"))  # the credential cached
        with get_engine(loaded).begin() as conn:
            token_id = conn.execute(
                text("SELECT id FROM finops.api_tokens WHERE name = 'revoked-here'")
            ).scalar_one()
            revoke_token(conn, token_id=token_id, now=datetime.now(UTC))
        assert client.get(RANGE, headers=bearer(token)).status_code == 401


def test_another_process_revoking_reaches_this_one_through_notify(
    loaded: Settings,
) -> None:
    """A revocation written elsewhere (plain SQL and NOTIFY, as another process's
    ``revoke_token`` sends it) with a credential cache that would otherwise hold for 10 min."""
    settings = loaded.model_copy(update={"api_auth_cache_s": 600.0})
    add_user(settings, "viewer", Role.VIEWER)
    token = add_token(settings, "viewer", name="revoked-elsewhere")
    for client in _client(settings):
        assert client.get("/api/v1/filters", headers=bearer(token)).status_code == 200
        with psycopg.connect(libpq_url(owner_url(settings)), autocommit=True) as conn:
            conn.execute(
                "UPDATE finops.api_tokens SET revoked_at = now() WHERE name = 'revoked-elsewhere'"
            )
            conn.execute("SELECT pg_notify('finops_auth', '')")
        deadline = time.monotonic() + 5
        status = 200
        while status == 200 and time.monotonic() < deadline:
            status = client.get("/api/v1/filters", headers=bearer(token)).status_code
            time.sleep(0.05)
        assert status == 401


def test_a_cached_answer_outlives_the_credential_cache(loaded: Settings) -> None:
    """Once the credential cache has let the token go (``FINOPS_API_AUTH_CACHE_S`` on the
    app's clock), the response cache resolves it itself and still answers the cached question
    (before: the request ran the route's whole computation again); a revoked token is still
    refused."""
    from finops.api.main import create_app

    add_user(loaded, "viewer", Role.VIEWER)
    token = add_token(loaded, "viewer", name="aging")
    now = [datetime.now(UTC)]
    app = create_app(settings=loaded, frontend_dist=None, clock=lambda: now[0])
    with TestClient(app, base_url=BASE_URL) as client:
        assert _get(client, token) == ("miss", Decimal("202.9011"))
        assert _get(client, token) == ("hit", Decimal("202.9011"))
        now[0] += timedelta(seconds=loaded.api_auth_cache_s + 1)
        assert _get(client, token) == ("hit", Decimal("202.9011"))
        now[0] += timedelta(seconds=loaded.api_auth_cache_s + 1)
        with get_engine(loaded).begin() as conn:
            token_id = conn.execute(
                text("SELECT id FROM finops.api_tokens WHERE name = 'aging'")
            ).scalar_one()
            revoke_token(conn, token_id=token_id, now=datetime.now(UTC))
        assert client.get(RANGE, headers=bearer(token)).status_code == 401


def test_one_question_asked_many_times_at_once_is_computed_once(loaded: Settings) -> None:
    """Eight requests for the same question at once (as a dashboard's users send them when
    a new data version or an expired entry empties the cache): one computes the answer, the
    other seven wait for it and are answered from the cache (before: eight computations)."""
    from finops.api.main import create_app
    from finops.db import signals

    add_user(loaded, "viewer", Role.VIEWER)
    token = add_token(loaded, "viewer", name="crowd")
    app = create_app(settings=loaded, frontend_dist=None)

    async def crowd() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
            asks = [client.get(RANGE, headers=bearer(token)) for _ in range(8)]
            return list(await asyncio.gather(*asks))

    with TestClient(app, base_url=BASE_URL) as client:
        # the credential resolved and the cache listener connected first
        assert client.get("/api/v1/filters", headers=bearer(token)).status_code == 200
        deadline = time.monotonic() + 10
        while not signals.listening(app.state.engine) and time.monotonic() < deadline:
            time.sleep(0.05)
        answers = asyncio.run(crowd())
    assert [a.status_code for a in answers] == [200] * 8
    assert sorted(a.headers["x-finops-cache"] for a in answers) == ["hit"] * 7 + ["miss"]
    assert {Decimal(a.json()["total"]) for a in answers} == {Decimal("202.9011")}
