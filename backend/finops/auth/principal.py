"""Who a request acts as: a user through a session, or a user's API token. The principal
carries the role, the scope the database enforces for the request (a token's own scope
intersected with its user's) and the actor string the audit log records."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from finops.auth.roles import Permission, Role
from finops.auth.sessions import ActiveSession
from finops.auth.tokens import TokenInfo
from finops.auth.users import User
from finops.warehouse.scope import Scope


class AuthKind(StrEnum):
    SESSION = "session"
    TOKEN = "token"


@dataclass(frozen=True)
class Principal:
    user: User
    role: Role
    scope: Scope
    auth: AuthKind
    actor: str
    """``user:<username>`` or ``token:<token name>@<username>``."""
    session_id: str | None = None
    token_id: int | None = None
    csrf_token: str | None = None

    def allows(self, required: Role) -> bool:
        return self.role.allows(required)

    @property
    def permissions(self) -> tuple[Permission, ...]:
        return self.role.permissions


def intersect(first: Scope, second: Scope) -> Scope:
    """What both scopes allow: accounts in both, and every tag restriction of either (values
    allowed by both where both restrict the same key)."""
    if first.accounts is None:
        accounts = second.accounts
    elif second.accounts is None:
        accounts = first.accounts
    else:
        accounts = first.accounts & second.accounts
    tags = dict(first.tags)
    for key, values in second.tags.items():
        tags[key] = tags[key] & values if key in tags else values
    return Scope(accounts=accounts, tags=tags)


def session_principal(session: ActiveSession) -> Principal:
    user = session.user
    return Principal(
        user=user,
        role=user.role,
        scope=user.scope,
        auth=AuthKind.SESSION,
        actor=user.actor,
        session_id=session.id,
        csrf_token=session.csrf_token,
    )


def token_principal(token: TokenInfo, user: User) -> Principal:
    scope = user.scope if token.scope is None else intersect(token.scope, user.scope)
    return Principal(
        user=user,
        role=user.role,
        scope=scope,
        auth=AuthKind.TOKEN,
        actor=token.actor,
        token_id=token.id,
    )
