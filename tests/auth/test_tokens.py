"""Personal API tokens: shown once and stored as an HMAC, expiring, revocable, last use
recorded at most once a minute, a token's scope intersected with its user's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Connection, select

from finops.auth.principal import intersect, token_principal
from finops.auth.roles import Role
from finops.auth.tokens import create_token, list_tokens, resolve_token, revoke_token
from finops.auth.users import create_user, update_user
from finops.config import Settings
from finops.errors import ConflictError, InvalidParameterError, NotFoundError
from finops.warehouse.scope import Scope
from finops.warehouse.tables import api_tokens
from tests.auth.conftest import T0


def test_a_token_is_shown_once_and_stored_hashed(conn: Connection, auth_settings: Settings) -> None:
    user = create_user(conn, username="robot-owner", role=Role.ANALYST)
    new = create_token(
        conn, user=user, name="ci", expires_in_days=30, settings=auth_settings, now=T0
    )
    assert new.token.startswith("fo_") and len(new.token) == 46
    assert new.info.prefix == new.token[:11]
    assert new.info.expires_at == T0 + timedelta(days=30)
    assert new.info.actor == "token:ci@robot-owner"
    row = conn.execute(select(api_tokens).where(api_tokens.c.id == new.info.id)).one()
    assert new.token not in str(tuple(row))  # only the HMAC is kept
    assert len(row.token_hash) == 64 and row.token_hash != new.token
    listed = list_tokens(conn, user_id=user.id)
    assert [(t.id, t.name, t.prefix) for t in listed] == [(new.info.id, "ci", new.info.prefix)]
    assert not hasattr(listed[0], "token")
    with pytest.raises(ConflictError, match="already has a live token named 'ci'"):
        create_token(conn, user=user, name="ci", expires_in_days=1, settings=auth_settings, now=T0)
    with pytest.raises(InvalidParameterError, match="expires_in_days must be between 1 and 366"):
        create_token(conn, user=user, name="x", expires_in_days=0, settings=auth_settings, now=T0)


def test_expiry_revocation_and_last_use(conn: Connection, auth_settings: Settings) -> None:
    user = create_user(conn, username="ops", role=Role.ADMIN)
    new = create_token(
        conn, user=user, name="cron", expires_in_days=2, settings=auth_settings, now=T0
    )

    def resolve(at: timedelta) -> object:
        return resolve_token(conn, token=new.token, settings=auth_settings, now=T0 + at)

    def last_used() -> object:
        return conn.execute(
            select(api_tokens.c.last_used_at).where(api_tokens.c.id == new.info.id)
        ).scalar_one()

    assert last_used() is None
    found = resolve(timedelta(seconds=10))
    assert found is not None and found[1].username == "ops"
    assert last_used() == T0 + timedelta(seconds=10)
    resolve(timedelta(seconds=50))  # within the minute: not written again
    assert last_used() == T0 + timedelta(seconds=10)
    resolve(timedelta(seconds=71))
    assert last_used() == T0 + timedelta(seconds=71)
    assert resolve(timedelta(days=2)) is None  # expired
    assert resolve_token(conn, token=new.token + "x", settings=auth_settings, now=T0) is None
    assert resolve_token(conn, token="Bearer", settings=auth_settings, now=T0) is None
    revoked = revoke_token(conn, token_id=new.info.id, now=T0 + timedelta(hours=1))
    assert revoked.revoked_at == T0 + timedelta(hours=1)
    assert resolve(timedelta(hours=2)) is None
    other = create_user(conn, username="other", role=Role.ADMIN)
    with pytest.raises(NotFoundError, match=f"no API token with id {new.info.id}"):
        revoke_token(conn, token_id=new.info.id, now=T0, user_id=other.id)


def test_a_disabled_user_s_token_stops_working(conn: Connection, auth_settings: Settings) -> None:
    user = create_user(conn, username="leaver", role=Role.VIEWER)
    new = create_token(conn, user=user, name="t", expires_in_days=5, settings=auth_settings, now=T0)
    update_user(conn, username="leaver", disabled=True)
    assert resolve_token(conn, token=new.token, settings=auth_settings, now=T0) is None


def test_a_token_scope_is_intersected_with_its_user_s(
    conn: Connection, auth_settings: Settings
) -> None:
    user_scope = Scope(accounts=frozenset({"1", "2"}), tags={"team": frozenset({"a", "b"})})
    user = create_user(conn, username="scoped", role=Role.ANALYST, scope=user_scope)
    token_scope = Scope(
        accounts=frozenset({"2", "3"}),
        tags={"team": frozenset({"b", "c"}), "cost-center": frozenset({"cc1"})},
    )
    new = create_token(
        conn,
        user=user,
        name="narrow",
        expires_in_days=1,
        settings=auth_settings,
        now=T0,
        scope=token_scope,
    )
    found = resolve_token(conn, token=new.token, settings=auth_settings, now=T0)
    assert found is not None
    principal = token_principal(*found)
    assert principal.scope.to_json() == {
        "accounts": ["2"],
        "tags": {"cost-center": ["cc1"], "team": ["b"]},
    }
    assert (principal.role, principal.actor) == (Role.ANALYST, "token:narrow@scoped")
    assert intersect(Scope(), Scope()).unrestricted
    assert intersect(Scope(), user_scope) == user_scope
