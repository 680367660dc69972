"""Users: local (argon2id password) or single sign-on (OpenID issuer and subject), each with a
role and a team scope. Usernames are unique without regard to case."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from finops.auth.passwords import hash_password
from finops.auth.roles import Role
from finops.db.signals import AUTH, signal
from finops.errors import ConflictError, InvalidParameterError, NotFoundError
from finops.warehouse.scope import ALL, Scope
from finops.warehouse.tables import users

USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")


@dataclass(frozen=True)
class User:
    id: int
    username: str
    display_name: str
    email: str | None
    role: Role
    scope: Scope
    disabled: bool
    has_password: bool
    oidc_issuer: str | None
    oidc_subject: str | None
    created_at: datetime
    failed_logins: int
    locked_until: datetime | None
    last_login_at: datetime | None

    @property
    def actor(self) -> str:
        return f"user:{self.username}"

    def as_json(self) -> dict[str, Any]:
        """What the audit log keeps of a user (never the password hash)."""
        return {
            "username": self.username,
            "display_name": self.display_name,
            "role": self.role.value,
            "scope": self.scope.to_json(),
            "disabled": self.disabled,
            "sso": self.oidc_subject is not None,
        }


def user_from_row(row: Any) -> User:
    return User(
        id=int(row.id),
        username=row.username,
        display_name=row.display_name,
        email=row.email,
        role=Role(row.role),
        scope=Scope.from_json(row.scope),
        disabled=bool(row.disabled),
        has_password=row.password_hash is not None,
        oidc_issuer=row.oidc_issuer,
        oidc_subject=row.oidc_subject,
        created_at=row.created_at,
        failed_logins=int(row.failed_logins),
        locked_until=row.locked_until,
        last_login_at=row.last_login_at,
    )


def check_username(username: str) -> str:
    if not USERNAME.fullmatch(username):
        raise InvalidParameterError(
            f"username {username!r} must be 1 to 64 letters, digits or . _ @ -, "
            "starting with a letter or digit"
        )
    return username


def create_user(
    conn: Connection,
    *,
    username: str,
    role: Role,
    display_name: str = "",
    email: str | None = None,
    password: str | None = None,
    scope: Scope = ALL,
    oidc_issuer: str | None = None,
    oidc_subject: str | None = None,
) -> User:
    """A new user; a username in use (in any case) is a ``ConflictError``. A user without a
    password and without an OpenID subject cannot log in until an admin sets a password."""
    check_username(username)
    values: dict[str, Any] = {
        "username": username,
        "display_name": display_name or username,
        "email": email,
        "role": role.value,
        "password_hash": None if password is None else hash_password(password),
        "scope": scope.to_json(),
        "oidc_issuer": oidc_issuer,
        "oidc_subject": oidc_subject,
    }
    try:
        with conn.begin_nested():
            row = conn.execute(insert(users).values(**values).returning(users)).one()
    except IntegrityError as exc:
        raise ConflictError(f"username {username!r} is already in use") from exc
    return user_from_row(row)


def find_user(conn: Connection, *, username: str) -> User | None:
    row = conn.execute(
        select(users).where(func.lower(users.c.username) == username.lower())
    ).one_or_none()
    return None if row is None else user_from_row(row)


def get_user(conn: Connection, *, username: str) -> User:
    user = find_user(conn, username=username)
    if user is None:
        raise NotFoundError(f"no user named {username!r}")
    return user


def get_user_by_id(conn: Connection, *, user_id: int) -> User | None:
    row = conn.execute(select(users).where(users.c.id == user_id)).one_or_none()
    return None if row is None else user_from_row(row)


def find_oidc_user(conn: Connection, *, issuer: str, subject: str) -> User | None:
    """The user single sign-on created for ``subject`` at ``issuer``, if any."""
    row = conn.execute(
        select(users).where(users.c.oidc_issuer == issuer, users.c.oidc_subject == subject)
    ).one_or_none()
    return None if row is None else user_from_row(row)


def password_hash_of(conn: Connection, *, user_id: int) -> str | None:
    return conn.execute(
        select(users.c.password_hash).where(users.c.id == user_id)
    ).scalar_one_or_none()


def list_users(conn: Connection) -> list[User]:
    return [user_from_row(r) for r in conn.execute(select(users).order_by(users.c.username))]


def update_user(
    conn: Connection,
    *,
    username: str,
    role: Role | None = None,
    disabled: bool | None = None,
    scope: Scope | None = None,
    display_name: str | None = None,
    email: str | None = None,
) -> User:
    """Change what is given (``None``: keep). A disabled user's sessions and tokens stop
    working at their next request (``finops.auth.sessions``, ``finops.auth.tokens``)."""
    changes: dict[str, Any] = {}
    for key, value in (
        ("role", None if role is None else role.value),
        ("disabled", disabled),
        ("scope", None if scope is None else scope.to_json()),
        ("display_name", display_name),
        ("email", email),
    ):
        if value is not None:
            changes[key] = value
    user = get_user(conn, username=username)
    if not changes:
        return user
    row = conn.execute(
        update(users).where(users.c.id == user.id).values(**changes).returning(users)
    ).one()
    signal(conn, AUTH)  # the API's resolved credentials of this user
    return user_from_row(row)


def set_password(conn: Connection, *, username: str, password: str) -> User:
    """Set a new password (and lift a lockout)."""
    user = get_user(conn, username=username)
    row = conn.execute(
        update(users)
        .where(users.c.id == user.id)
        .values(password_hash=hash_password(password), failed_logins=0, locked_until=None)
        .returning(users)
    ).one()
    return user_from_row(row)


def rehash_password(conn: Connection, *, user_id: int, password: str) -> None:
    conn.execute(
        update(users).where(users.c.id == user_id).values(password_hash=hash_password(password))
    )
