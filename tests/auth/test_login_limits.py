"""Password login outcomes: success, the same message for unknown users, wrong passwords and
disabled users, the lockout after repeated failures, the per-address rate limit, audit rows."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Connection, select

from finops.auth.login import INVALID, password_login
from finops.auth.roles import Role
from finops.auth.users import create_user, update_user
from finops.config import Settings
from finops.errors import AuthenticationError, TooManyAttemptsError
from finops.warehouse.tables import audit_log
from tests.auth.conftest import T0

PASSWORD = "a long enough password"


def _login(conn: Connection, settings: Settings, username: str, password: str, **kw: object):  # type: ignore[no-untyped-def]
    defaults = {"client_address": "198.51.100.1", "now": T0, "request_id": "req-1"}
    return password_login(
        conn,
        username=username,
        password=password,
        settings=settings,
        **{**defaults, **kw},  # type: ignore[arg-type]
    )


def test_success_and_the_one_failure_message(conn: Connection, auth_settings: Settings) -> None:
    create_user(conn, username="erin", role=Role.ANALYST, password=PASSWORD)
    create_user(conn, username="frank", role=Role.ANALYST, password=PASSWORD)
    update_user(conn, username="frank", disabled=True)
    ok = _login(conn, auth_settings, "ERIN", PASSWORD)
    assert ok.error is None and ok.user is not None and ok.user.username == "erin"
    for username, password in (
        ("erin", "wrong password!"),
        ("nobody", PASSWORD),
        ("frank", PASSWORD),
    ):
        outcome = _login(conn, auth_settings, username, password)
        assert outcome.user is None
        assert isinstance(outcome.error, AuthenticationError) and str(outcome.error) == INVALID
    rows = conn.execute(
        select(
            audit_log.c.actor, audit_log.c.action, audit_log.c.subject, audit_log.c.request_id
        ).order_by(audit_log.c.id)
    ).all()
    assert [tuple(r) for r in rows] == [
        ("user:erin", "auth.login", "erin", "req-1"),
        ("anonymous", "auth.login_failed", "erin", "req-1"),
        ("anonymous", "auth.login_failed", "nobody", "req-1"),
        ("anonymous", "auth.login_failed", "frank", "req-1"),
    ]


def test_lockout_after_repeated_failures(conn: Connection, auth_settings: Settings) -> None:
    create_user(conn, username="gina", role=Role.VIEWER, password=PASSWORD)
    assert auth_settings.login_max_failures == 3
    for i in range(2):
        outcome = _login(
            conn, auth_settings, "gina", "wrong password!", client_address=f"10.0.0.{i}"
        )
        assert isinstance(outcome.error, AuthenticationError)
    locking = _login(conn, auth_settings, "gina", "wrong password!", client_address="10.0.0.9")
    assert isinstance(locking.error, TooManyAttemptsError)
    assert locking.error.retry_after == auth_settings.login_lockout_minutes * 60
    later = T0 + timedelta(minutes=5)
    locked = _login(conn, auth_settings, "gina", PASSWORD, client_address="10.0.1.1", now=later)
    assert isinstance(locked.error, TooManyAttemptsError) and locked.user is None
    assert locked.error.retry_after == 10 * 60  # 15 minutes from T0, 5 gone
    after = T0 + timedelta(minutes=auth_settings.login_lockout_minutes)
    assert _login(conn, auth_settings, "gina", PASSWORD, client_address="10.0.2.1", now=after).user
    actions = conn.execute(
        select(audit_log.c.action, audit_log.c.actor).where(audit_log.c.subject == "gina")
    ).all()
    assert [tuple(a) for a in actions].count(("auth.lockout", "finops.auth")) == 1


def test_the_per_address_rate_limit(conn: Connection, auth_settings: Settings) -> None:
    assert auth_settings.login_attempts_per_minute == 5
    for i in range(5):
        outcome = _login(conn, auth_settings, f"u{i}", PASSWORD, now=T0 + timedelta(seconds=i))
        assert isinstance(outcome.error, AuthenticationError)
    limited = _login(conn, auth_settings, "u9", PASSWORD, now=T0 + timedelta(seconds=30))
    assert isinstance(limited.error, TooManyAttemptsError)
    assert limited.error.retry_after == 30  # the first attempt leaves the window at T0 + 60 s
    other = _login(conn, auth_settings, "u9", PASSWORD, client_address="192.0.2.7")
    assert isinstance(other.error, AuthenticationError)  # another address is not limited
    again = _login(conn, auth_settings, "u9", PASSWORD, now=T0 + timedelta(seconds=61))
    assert isinstance(again.error, AuthenticationError)
