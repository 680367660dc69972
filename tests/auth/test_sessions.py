"""Dashboard sessions: cookies and their flags, the id stored as an HMAC, idle and absolute
expiry against an injected time, logout, a disabled user's session."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Connection, select
from starlette.responses import Response

from finops.auth.roles import Role
from finops.auth.sessions import end_session, resolve_session, start_session
from finops.auth.users import User, create_user, update_user
from finops.config import Settings
from finops.warehouse.tables import sessions, users
from tests.auth.conftest import T0


def _cookies(response: Response) -> dict[str, str]:
    out = {}
    for key, value in response.raw_headers:
        if key == b"set-cookie":
            text = value.decode()
            out[text.split("=", 1)[0]] = text
    return out


def _start(conn: Connection, settings: Settings, user: User) -> tuple[str, Response]:
    response = Response()
    session = start_session(
        conn,
        user=user,
        response=response,
        settings=settings,
        now=T0,
        client_address="203.0.113.9",
        user_agent="pytest",
    )
    cookie = _cookies(response)["finops_session"].split(";")[0].split("=", 1)[1]
    assert session.expires_at == T0 + timedelta(hours=settings.session_absolute_hours)
    return cookie, response


def test_cookies_and_what_is_stored(conn: Connection, auth_settings: Settings) -> None:
    user = create_user(conn, username="dana", role=Role.VIEWER)
    cookie, response = _start(conn, auth_settings, user)
    cookies = _cookies(response)
    session_cookie, csrf_cookie = cookies["finops_session"], cookies["finops_csrf"]
    assert "HttpOnly" in session_cookie and "SameSite=lax" in session_cookie
    assert "Path=/" in session_cookie and "Max-Age=43200" in session_cookie
    assert "Secure" in session_cookie  # on outside development
    assert "HttpOnly" not in csrf_cookie and "SameSite=strict" in csrf_cookie
    row = conn.execute(select(sessions)).one()
    assert cookie not in str(tuple(row)) and len(row.id) == 64
    assert (row.client_address, row.user_agent, row.last_seen_at) == ("203.0.113.9", "pytest", T0)
    active = resolve_session(conn, cookie=cookie, settings=auth_settings, now=T0)
    assert active is not None and active.user.username == "dana"
    assert csrf_cookie.split(";")[0] == f"finops_csrf={active.csrf_token}"
    last_login = conn.execute(select(users.c.last_login_at).where(users.c.id == user.id))
    assert last_login.scalar_one() == T0
    assert resolve_session(conn, cookie=cookie + "x", settings=auth_settings, now=T0) is None


def test_idle_expiry(conn: Connection, auth_settings: Settings) -> None:
    cookie, _ = _start(conn, auth_settings, create_user(conn, username="idle", role=Role.VIEWER))
    idle = timedelta(minutes=auth_settings.session_idle_minutes)

    def at(delta: timedelta) -> bool:
        return (
            resolve_session(conn, cookie=cookie, settings=auth_settings, now=T0 + delta) is not None
        )

    assert at(idle - timedelta(seconds=1))  # used: the idle clock starts again
    assert at(2 * idle - timedelta(seconds=2))
    assert not at(3 * idle)  # idle for longer than the limit


def test_absolute_expiry_even_when_used(conn: Connection, auth_settings: Settings) -> None:
    cookie, _ = _start(conn, auth_settings, create_user(conn, username="busy", role=Role.VIEWER))
    step = timedelta(minutes=10)
    absolute = timedelta(hours=auth_settings.session_absolute_hours)
    moment = step
    while moment < absolute:
        now = T0 + moment
        assert resolve_session(conn, cookie=cookie, settings=auth_settings, now=now) is not None
        moment += step
    assert resolve_session(conn, cookie=cookie, settings=auth_settings, now=T0 + absolute) is None


def test_logout_and_disabled_users(conn: Connection, auth_settings: Settings) -> None:
    cookie, _ = _start(conn, auth_settings, create_user(conn, username="gone", role=Role.ADMIN))
    second, _ = _start(conn, auth_settings, create_user(conn, username="off", role=Role.ADMIN))
    active = resolve_session(conn, cookie=cookie, settings=auth_settings, now=T0)
    assert active is not None
    end_session(conn, session_id=active.id, now=T0 + timedelta(minutes=1))
    assert resolve_session(conn, cookie=cookie, settings=auth_settings, now=T0) is None
    revoked = conn.execute(select(sessions.c.revoked_at).where(sessions.c.id == active.id))
    assert revoked.scalar_one() == T0 + timedelta(minutes=1)
    update_user(conn, username="off", disabled=True)
    assert resolve_session(conn, cookie=second, settings=auth_settings, now=T0) is None
