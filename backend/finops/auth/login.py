"""Password login: the address's rate limit, the user's lockout, the argon2id check, and an
audit row for each outcome (``auth.login``, ``auth.login_failed``, ``auth.lockout``). The same
message answers an unknown user, a wrong password and a disabled user."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import structlog
from sqlalchemy import Connection

from finops.auth import throttle
from finops.auth.passwords import needs_rehash, verify_password
from finops.auth.users import User, find_user, password_hash_of, rehash_password
from finops.config import Settings
from finops.errors import AuthenticationError, FinOpsError, TooManyAttemptsError
from finops.warehouse.audit import audit_request

log = structlog.get_logger(__name__)

INVALID = "invalid username or password"
AUTH_ACTOR = "finops.auth"
ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class LoginOutcome:
    """The user logged in, or the error to answer with once the caller has committed what
    the attempt recorded (failure counts, lockouts and audit rows stay when the login fails)."""

    user: User | None
    error: FinOpsError | None


def password_login(
    conn: Connection,
    *,
    username: str,
    password: str,
    client_address: str,
    settings: Settings,
    now: datetime,
    request_id: str | None = None,
) -> LoginOutcome:
    try:
        throttle.check_address(conn, address=client_address, settings=settings, now=now)
    except TooManyAttemptsError as exc:
        log.warning("auth.rate_limited", client_address=client_address)
        return LoginOutcome(None, exc)
    user = find_user(conn, username=username)
    subject = user.username if user else username[:200]
    try:
        if user is not None:
            throttle.check_locked(user, now=now)
    except TooManyAttemptsError as exc:
        throttle.record_attempt(
            conn, address=client_address, username=subject, succeeded=False, now=now
        )
        return LoginOutcome(None, exc)
    stored = None if user is None else password_hash_of(conn, user_id=user.id)
    matches = verify_password(stored, password)
    throttle.record_attempt(
        conn, address=client_address, username=subject, succeeded=matches, now=now
    )

    def record(action: str, actor: str, **details: object) -> None:
        details = {"client_address": client_address, **details}
        audit_request(
            conn,
            actor=actor,
            request_id=request_id,
            action=action,
            subject=subject,
            details=details,
        )

    if user is None or user.disabled or not matches:
        record("auth.login_failed", ANONYMOUS)
        if user is None or user.disabled:
            return LoginOutcome(None, AuthenticationError(INVALID))
        return LoginOutcome(None, _failure(conn, user, settings, now, record))
    if stored is not None and needs_rehash(stored):
        rehash_password(conn, user_id=user.id, password=password)
    record("auth.login", user.actor, method="password")
    return LoginOutcome(user, None)


def _failure(
    conn: Connection,
    user: User,
    settings: Settings,
    now: datetime,
    record: Callable[..., None],
) -> FinOpsError:
    """Count a wrong password; the one that locks the account answers 429 at once."""
    if not throttle.register_failure(conn, user=user, settings=settings, now=now):
        return AuthenticationError(INVALID)
    minutes = settings.login_lockout_minutes
    record("auth.lockout", AUTH_ACTOR, minutes=minutes)
    return TooManyAttemptsError(
        f"this account is locked for {minutes} min after "
        f"{settings.login_max_failures} failed logins",
        retry_after=minutes * 60,
    )
