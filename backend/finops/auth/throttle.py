"""Password login limits, kept in the warehouse (no Redis; several API processes share them):
at most ``login_attempts_per_minute`` attempts per client address in any sliding minute, and a
user locked for ``login_lockout_minutes`` after ``login_max_failures`` failures in a row.
Both answer 429 with ``Retry-After`` (``TooManyAttemptsError``)."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, func, insert, select, update

from finops.auth.users import User
from finops.config import Settings
from finops.errors import TooManyAttemptsError
from finops.warehouse.tables import login_attempts, users

WINDOW = timedelta(minutes=1)
KEPT = timedelta(days=1)
"""Attempts older than this are deleted as new ones come in."""


def _seconds(delta: timedelta) -> int:
    return max(1, math.ceil(delta.total_seconds()))


def check_address(conn: Connection, *, address: str, settings: Settings, now: datetime) -> None:
    """Refuse the attempt when ``address`` has used up its attempts of the last minute."""
    a = login_attempts.c
    count, oldest = conn.execute(
        select(func.count(), func.min(a.attempted_at)).where(
            a.client_address == address, a.attempted_at > now - WINDOW
        )
    ).one()
    if count >= settings.login_attempts_per_minute:
        raise TooManyAttemptsError(
            f"too many login attempts from this address; try again in "
            f"{_seconds(oldest + WINDOW - now)} s",
            retry_after=_seconds(oldest + WINDOW - now),
        )


def record_attempt(
    conn: Connection, *, address: str, username: str, succeeded: bool, now: datetime
) -> None:
    conn.execute(delete(login_attempts).where(login_attempts.c.attempted_at < now - KEPT))
    conn.execute(
        insert(login_attempts).values(
            client_address=address, username=username[:200], attempted_at=now, succeeded=succeeded
        )
    )


def check_locked(user: User, *, now: datetime) -> None:
    if user.locked_until is not None and now < user.locked_until:
        wait = _seconds(user.locked_until - now)
        raise TooManyAttemptsError(
            f"this account is locked after repeated failed logins; try again in {wait} s",
            retry_after=wait,
        )


def register_failure(conn: Connection, *, user: User, settings: Settings, now: datetime) -> bool:
    """Count a failed login of ``user``; at ``login_max_failures`` in a row the user is locked
    (and the count starts again). Returns whether this failure locked the user."""
    failures = conn.execute(
        update(users)
        .where(users.c.id == user.id)
        .values(failed_logins=users.c.failed_logins + 1)
        .returning(users.c.failed_logins)
    ).scalar_one()
    if failures < settings.login_max_failures:
        return False
    conn.execute(
        update(users)
        .where(users.c.id == user.id)
        .values(
            failed_logins=0, locked_until=now + timedelta(minutes=settings.login_lockout_minutes)
        )
    )
    return True
