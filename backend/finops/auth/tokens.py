"""Personal API tokens for automation: ``fo_`` and 43 random URL-safe characters, shown once
at creation; the table keeps its HMAC under the session secret, its first characters (to
recognise it in a list), an expiry, a revocation time and the last time it was used (written at
most once a minute). A token acts with its user's role, and with its own scope intersected with
its user's."""

from __future__ import annotations

import dataclasses
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from finops.auth.secret import keyed_hash
from finops.auth.users import User, get_user_by_id
from finops.config import Settings
from finops.db.signals import AUTH, signal
from finops.errors import ConflictError, InvalidParameterError, NotFoundError
from finops.warehouse.scope import Scope
from finops.warehouse.tables import api_tokens, users

TOKEN_PREFIX = "fo_"
PREFIX_LENGTH = len(TOKEN_PREFIX) + 8
MAX_DAYS = 366
LAST_USED_STEP = timedelta(minutes=1)


@dataclass(frozen=True)
class TokenInfo:
    id: int
    user_id: int
    username: str
    name: str
    prefix: str
    scope: Scope | None  # None: the user's
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None

    @property
    def actor(self) -> str:
        return f"token:{self.name}@{self.username}"

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "prefix": self.prefix,
            "user": self.username,
            "scope": None if self.scope is None else self.scope.to_json(),
            "expires_at": self.expires_at.isoformat(),
        }


@dataclass(frozen=True)
class NewToken:
    info: TokenInfo
    token: str  # the secret: shown once, never stored


def _info(row: Any) -> TokenInfo:
    return TokenInfo(
        id=int(row.id),
        user_id=int(row.user_id),
        username=row.username,
        name=row.name,
        prefix=row.prefix,
        scope=None if row.scope is None else Scope.from_json(row.scope),
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
        last_used_at=row.last_used_at,
    )


def _token_hash(settings: Settings, token: str) -> str:
    return keyed_hash(settings, "api-token", token)


def _with_user() -> Any:
    return select(api_tokens, users.c.username).join(users, users.c.id == api_tokens.c.user_id)


def create_token(
    conn: Connection,
    *,
    user: User,
    name: str,
    expires_in_days: int,
    settings: Settings,
    now: datetime,
    scope: Scope | None = None,
) -> NewToken:
    """A new token of ``user``; a live token of the same user with the same name is a 409."""
    name = name.strip()
    if not 1 <= len(name) <= 100:
        raise InvalidParameterError("token name must have 1 to 100 characters")
    if not 1 <= expires_in_days <= MAX_DAYS:
        raise InvalidParameterError(f"expires_in_days must be between 1 and {MAX_DAYS}")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    values = {
        "user_id": user.id,
        "name": name,
        "prefix": token[:PREFIX_LENGTH],
        "token_hash": _token_hash(settings, token),
        "scope": None if scope is None else scope.to_json(),
        "created_at": now,
        "expires_at": now + timedelta(days=expires_in_days),
    }
    try:
        with conn.begin_nested():
            token_id = conn.execute(
                insert(api_tokens).values(**values).returning(api_tokens.c.id)
            ).scalar_one()
    except IntegrityError as exc:
        raise ConflictError(
            f"{user.username} already has a live token named {name!r}; revoke it first"
        ) from exc
    row = conn.execute(_with_user().where(api_tokens.c.id == token_id)).one()
    return NewToken(_info(row), token)


def resolve_token(
    conn: Connection, *, token: str, settings: Settings, now: datetime
) -> tuple[TokenInfo, User] | None:
    """The live token and its (enabled) user, its ``last_used_at`` moved on; None otherwise."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = conn.execute(
        _with_user().where(api_tokens.c.token_hash == _token_hash(settings, token))
    ).one_or_none()
    if row is None or row.revoked_at is not None or now >= row.expires_at:
        return None
    user = get_user_by_id(conn, user_id=row.user_id)
    if user is None or user.disabled:
        return None
    info = _info(row)
    if info.last_used_at is None or now - info.last_used_at >= LAST_USED_STEP:
        conn.execute(update(api_tokens).where(api_tokens.c.id == info.id).values(last_used_at=now))
        info = dataclasses.replace(info, last_used_at=now)
    return info, user


def list_tokens(conn: Connection, *, user_id: int | None = None) -> list[TokenInfo]:
    """Tokens (of one user, or everyone's), newest first; revoked and expired ones included."""
    query = _with_user().order_by(api_tokens.c.created_at.desc(), api_tokens.c.id.desc())
    if user_id is not None:
        query = query.where(api_tokens.c.user_id == user_id)
    return [_info(r) for r in conn.execute(query)]


def get_token(conn: Connection, *, token_id: int, user_id: int | None = None) -> TokenInfo:
    query = _with_user().where(api_tokens.c.id == token_id)
    if user_id is not None:
        query = query.where(api_tokens.c.user_id == user_id)
    row = conn.execute(query).one_or_none()
    if row is None:
        raise NotFoundError(f"no API token with id {token_id}")
    return _info(row)


def revoke_token(
    conn: Connection, *, token_id: int, now: datetime, user_id: int | None = None
) -> TokenInfo:
    """Revoke a token (of ``user_id`` when given: someone else's is a 404). Revoking a revoked
    token changes nothing."""
    get_token(conn, token_id=token_id, user_id=user_id)
    conn.execute(
        update(api_tokens)
        .where(api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    signal(conn, AUTH)  # the API's resolved credentials
    return get_token(conn, token_id=token_id)
