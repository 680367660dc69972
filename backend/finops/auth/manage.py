"""Users and API tokens from the command line (``finops users``, ``finops tokens``): each
function opens its own transaction on the warehouse, audits the change (actor ``cli``) and
returns its result beside the text the command prints. Secrets (a generated password, a new
token) are in that text once and nowhere else."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from finops.auth.clock import system_clock
from finops.auth.passwords import generate_password
from finops.auth.roles import Role
from finops.auth.sessions import end_user_sessions
from finops.auth.tokens import TokenInfo, create_token, list_tokens, revoke_token
from finops.auth.users import User, create_user, get_user, list_users, set_password, update_user
from finops.config import Settings, get_settings
from finops.db.engine import get_engine
from finops.errors import InvalidParameterError
from finops.markdown import table
from finops.warehouse.audit import audit
from finops.warehouse.scope import Scope

CLI_ACTOR = "cli"


def _audit(conn: Connection, action: str, subject: str, details: object) -> None:
    audit(
        conn,
        action=action,
        subject=subject,
        run_id=uuid.uuid4().hex,
        details=details,
        actor=CLI_ACTOR,
    )


def parse_scope(accounts: Sequence[str], tags: Sequence[str]) -> Scope:
    """``--account 1111 --tag team=data --tag team=web`` → a scope (none given: unrestricted)."""
    allowed: dict[str, set[str]] = {}
    for item in tags:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise InvalidParameterError(f"--tag {item!r}: expected KEY=VALUE, e.g. team=data")
        allowed.setdefault(key.strip(), set()).add(value.strip())
    return Scope(
        accounts=frozenset(accounts) if accounts else None,
        tags={k: frozenset(v) for k, v in allowed.items()},
    )


def _scope_text(scope: Scope) -> str:
    if scope.unrestricted:
        return "everything"
    parts = [] if scope.accounts is None else ["accounts " + ",".join(sorted(scope.accounts))]
    parts += [f"{k}=" + ",".join(sorted(v)) for k, v in sorted(scope.tags.items())]
    return "; ".join(parts)


def _when(value: datetime | None) -> str:
    return "-" if value is None else value.strftime("%Y-%m-%d %H:%M")


def add_user(
    *,
    username: str,
    role: str,
    display_name: str = "",
    email: str | None = None,
    password: str | None = None,
    scope: Scope | None = None,
    settings: Settings | None = None,
) -> tuple[User, str]:
    """Create a local user; without ``password`` one is generated and shown once."""
    generated = password is None
    secret = generate_password() if password is None else password
    with get_engine(settings or get_settings()).begin() as conn:
        user = create_user(
            conn,
            username=username,
            role=Role.parse(role),
            display_name=display_name,
            email=email,
            password=secret,
            scope=scope or Scope(),
        )
        _audit(conn, "user.create", user.username, user.as_json())
    text = f"user {user.username!r} created ({user.role}, sees {_scope_text(user.scope)})"
    if generated:
        text += f"\npassword (shown once): {secret}"
    return user, text


def show_users(*, settings: Settings | None = None) -> tuple[list[User], str]:
    with get_engine(settings or get_settings()).connect() as conn:
        users = list_users(conn)
    rows = [
        [
            u.username,
            u.display_name,
            u.role.value,
            _scope_text(u.scope),
            "disabled" if u.disabled else ("locked" if u.locked_until else "active"),
            "sso" if u.oidc_subject else ("password" if u.has_password else "none"),
            _when(u.last_login_at),
        ]
        for u in users
    ]
    headers = ["username", "name", "role", "sees", "state", "login", "last login"]
    return users, table(
        headers, rows
    ) if rows else "no users; create one with `finops users create`"


def change_user(
    *,
    username: str,
    role: str | None = None,
    disabled: bool | None = None,
    settings: Settings | None = None,
) -> tuple[User, str]:
    """Set a user's role, or disable / enable them (their sessions and tokens stop at once)."""
    with get_engine(settings or get_settings()).begin() as conn:
        before = get_user(conn, username=username)
        user = update_user(
            conn,
            username=username,
            role=None if role is None else Role.parse(role),
            disabled=disabled,
        )
        _audit(conn, "user.update", user.username, {**user.as_json(), "previous": before.as_json()})
    state = "disabled" if user.disabled else "enabled"
    return user, f"user {user.username!r} is now {user.role} and {state}"


def reset_password(
    *, username: str, password: str | None = None, settings: Settings | None = None
) -> tuple[User, str]:
    """Set a new password (generated and shown once unless given), lift a lockout and end the
    user's sessions."""
    secret = generate_password() if password is None else password
    with get_engine(settings or get_settings()).begin() as conn:
        user = set_password(conn, username=username, password=secret)
        ended = end_user_sessions(conn, user_id=user.id, now=system_clock())
        _audit(conn, "user.password_reset", user.username, {"sessions_ended": ended})
    text = f"password of {user.username!r} reset; {ended} session(s) ended"
    if password is None:
        text += f"\npassword (shown once): {secret}"
    return user, text


def add_token(
    *,
    username: str,
    name: str,
    days: int,
    scope: Scope | None = None,
    settings: Settings | None = None,
) -> tuple[TokenInfo, str]:
    settings = settings or get_settings()
    with get_engine(settings).begin() as conn:
        user = get_user(conn, username=username)
        new = create_token(
            conn,
            user=user,
            name=name,
            expires_in_days=days,
            settings=settings,
            now=system_clock(),
            scope=scope,
        )
        _audit(conn, "token.create", new.info.actor, new.info.as_json())
    return new.info, (
        f"token {name!r} of {user.username} (id {new.info.id}, expires "
        f"{_when(new.info.expires_at)} UTC); shown once:\n{new.token}"
    )


def show_tokens(
    *, username: str | None = None, settings: Settings | None = None
) -> tuple[list[TokenInfo], str]:
    with get_engine(settings or get_settings()).connect() as conn:
        user_id = None if username is None else get_user(conn, username=username).id
        tokens = list_tokens(conn, user_id=user_id)
    rows: list[list[Any]] = [
        [
            t.id,
            t.username,
            t.name,
            t.prefix + "…",
            "everything the user sees" if t.scope is None else _scope_text(t.scope),
            _when(t.expires_at),
            "revoked" if t.revoked_at else "",
            _when(t.last_used_at),
        ]
        for t in tokens
    ]
    headers = ["id", "user", "name", "prefix", "sees", "expires", "revoked", "last used"]
    return tokens, table(headers, rows) if rows else "no API tokens"


def withdraw_token(*, token_id: int, settings: Settings | None = None) -> tuple[TokenInfo, str]:
    with get_engine(settings or get_settings()).begin() as conn:
        info = revoke_token(conn, token_id=token_id, now=system_clock())
        _audit(conn, "token.revoke", info.actor, info.as_json())
    return info, f"token {info.name!r} of {info.username} (id {info.id}) revoked"
