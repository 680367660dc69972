"""Dashboard sessions: a random secret in the ``finops_session`` cookie (HttpOnly, SameSite=Lax,
Secure outside development); the row's id is its HMAC under the session secret, so a copy of
the table opens no session. A session ends after ``session_idle_minutes`` without a request,
``session_absolute_hours`` after login, at logout, or when its user is disabled.

CSRF: the session's CSRF token is the HMAC of the cookie secret for another purpose; it is set
in the readable ``finops_csrf`` cookie (SameSite=Strict) and returned by login and ``/auth/me``;
every state-changing request authenticated by the cookie must send it in ``X-CSRF-Token``."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, insert, select, update
from starlette.responses import Response

from finops.auth.secret import keyed_hash
from finops.auth.users import User, user_from_row
from finops.config import Settings
from finops.db.signals import AUTH, signal
from finops.warehouse.tables import sessions, users

SESSION_COOKIE = "finops_session"
CSRF_COOKIE = "finops_csrf"
CSRF_HEADER = "X-CSRF-Token"
LAST_SEEN_STEP = timedelta(minutes=1)
"""``last_seen_at`` is written at most once a minute per session (idle expiry is in minutes)."""


@dataclass(frozen=True)
class ActiveSession:
    id: str
    user: User
    csrf_token: str
    created_at: datetime
    expires_at: datetime


def _session_id(settings: Settings, cookie: str) -> str:
    return keyed_hash(settings, "session", cookie)


def csrf_token_for(settings: Settings, cookie: str) -> str:
    return keyed_hash(settings, "csrf", cookie)


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def start_session(
    conn: Connection,
    *,
    user: User,
    response: Response,
    settings: Settings,
    now: datetime,
    client_address: str | None = None,
    user_agent: str | None = None,
) -> ActiveSession:
    """Open a session for ``user`` (already authenticated, by password or single sign-on):
    store it, record the login on the user and set both cookies on ``response``."""
    cookie = secrets.token_urlsafe(32)
    csrf = csrf_token_for(settings, cookie)
    expires_at = now + timedelta(hours=settings.session_absolute_hours)
    session_id = _session_id(settings, cookie)
    conn.execute(
        insert(sessions).values(
            id=session_id,
            user_id=user.id,
            csrf_hash=_digest(csrf),
            created_at=now,
            last_seen_at=now,
            expires_at=expires_at,
            client_address=client_address,
            user_agent=(user_agent or "")[:400] or None,
        )
    )
    conn.execute(
        update(users)
        .where(users.c.id == user.id)
        .values(last_login_at=now, failed_logins=0, locked_until=None)
    )
    max_age = settings.session_absolute_hours * 3600
    secure = settings.secure_cookies
    response.set_cookie(
        SESSION_COOKIE, cookie, max_age=max_age, httponly=True, samesite="lax", secure=secure
    )
    response.set_cookie(
        CSRF_COOKIE, csrf, max_age=max_age, httponly=False, samesite="strict", secure=secure
    )
    return ActiveSession(session_id, user, csrf, now, expires_at)


def resolve_session(
    conn: Connection, *, cookie: str, settings: Settings, now: datetime
) -> ActiveSession | None:
    """The live session the cookie opens (its ``last_seen_at`` moved on), or None: unknown,
    revoked, idle too long, past its absolute expiry, or its user disabled."""
    session_id = _session_id(settings, cookie)
    s = sessions.c
    row = conn.execute(
        select(users, s.revoked_at, s.expires_at, s.last_seen_at, s.csrf_hash)
        .add_columns(s.created_at.label("session_created_at"))
        .join(sessions, users.c.id == s.user_id)
        .where(s.id == session_id)
    ).one_or_none()
    if row is None or row.revoked_at is not None or row.disabled:
        return None
    idle = timedelta(minutes=settings.session_idle_minutes)
    if now >= row.expires_at or now - row.last_seen_at >= idle:
        return None
    csrf = csrf_token_for(settings, cookie)
    if not hmac.compare_digest(_digest(csrf), row.csrf_hash):
        return None
    if now - row.last_seen_at >= LAST_SEEN_STEP:
        conn.execute(update(sessions).where(sessions.c.id == session_id).values(last_seen_at=now))
    user = user_from_row(row)
    return ActiveSession(session_id, user, csrf, row.session_created_at, row.expires_at)


def end_session(conn: Connection, *, session_id: str, now: datetime) -> None:
    conn.execute(
        update(sessions)
        .where(sessions.c.id == session_id, sessions.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    signal(conn, AUTH)  # the API's resolved credentials


def end_user_sessions(conn: Connection, *, user_id: int, now: datetime) -> int:
    """End every live session of a user (password reset, role change); returns how many."""
    result = conn.execute(
        update(sessions)
        .where(sessions.c.user_id == user_id, sessions.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    signal(conn, AUTH)
    return int(result.rowcount)


def clear_cookies(response: Response, *, settings: Settings) -> None:
    secure = settings.secure_cookies
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="lax", secure=secure)
    response.delete_cookie(CSRF_COOKIE, httponly=False, samesite="strict", secure=secure)
