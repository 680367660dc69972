"""Users and everyone's API tokens, for admins (``/admin``). Every change is audited with the
admin's actor and the request id; what a user may see is their ``scope``, enforced by the
database for every request they make."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from sqlalchemy import Connection, func, select

from finops.api.audited import audit_request
from finops.api.deps import ConnectionDep, NowDep, PrincipalDep, RequestIdDep
from finops.api.errors import error_responses
from finops.api.params import MAX_BIGINT
from finops.api.routes.auth import revoke_audited
from finops.api.schemas.auth import (
    PasswordResetPublic,
    TokenPublic,
    TokensPublic,
    UserCreate,
    UserPublic,
    UsersPublic,
    UserUpdate,
)
from finops.auth.passwords import generate_password
from finops.auth.principal import Principal
from finops.auth.roles import Role
from finops.auth.sessions import end_user_sessions
from finops.auth.tokens import list_tokens
from finops.auth.users import User, create_user, get_user, list_users, set_password, update_user
from finops.errors import ConflictError
from finops.warehouse.scope import ALL
from finops.warehouse.tables import users

router = APIRouter(prefix="/admin", tags=["admin"])

UsernamePath = Annotated[str, Path(max_length=64, description="the user's name (any case)")]
TokenIdPath = Annotated[int, Path(ge=1, le=MAX_BIGINT, description="the token's id")]


def _audit_user(
    conn: Connection,
    principal: Principal,
    request_id: str,
    action: str,
    user: User,
    **extra: object,
) -> None:
    audit_request(
        conn,
        principal=principal,
        request_id=request_id,
        action=action,
        subject=user.username,
        details={**user.as_json(), **extra},
    )


@router.get("/users", response_model=UsersPublic)
def read_users(conn: ConnectionDep) -> UsersPublic:
    data = [UserPublic.of(u) for u in list_users(conn)]
    return UsersPublic(data=data, count=len(data))


@router.post("/users", response_model=UserPublic, status_code=201, responses=error_responses(409))
def create_user_route(
    conn: ConnectionDep, principal: PrincipalDep, request_id: RequestIdDep, body: UserCreate
) -> UserPublic:
    """A new local user (a username in use, in any case, is a 409). Without a password the
    user logs in by single sign-on, or after an admin resets the password."""
    user = create_user(
        conn,
        username=body.username,
        role=body.role,
        display_name=body.display_name,
        email=body.email,
        password=body.password,
        scope=ALL if body.scope is None else body.scope.to_scope(),
    )
    _audit_user(conn, principal, request_id, "user.create", user)
    conn.commit()
    return UserPublic.of(user)


def _enabled_admins(conn: Connection) -> int:
    return int(
        conn.execute(
            select(func.count()).where(users.c.role == Role.ADMIN.value, ~users.c.disabled)
        ).scalar_one()
    )


@router.patch("/users/{username}", response_model=UserPublic, responses=error_responses(409))
def update_user_route(
    conn: ConnectionDep,
    principal: PrincipalDep,
    request_id: RequestIdDep,
    username: UsernamePath,
    body: UserUpdate,
) -> UserPublic:
    """Change a user's role, scope, display name, or disable / enable them (a disabled user's
    sessions and tokens stop working at once). Taking away the last enabled admin is a 409."""
    before = get_user(conn, username=username)
    user = update_user(
        conn,
        username=username,
        role=body.role,
        disabled=body.disabled,
        scope=None if body.scope is None else body.scope.to_scope(),
        display_name=body.display_name,
    )
    if before.role is Role.ADMIN and not before.disabled and _enabled_admins(conn) == 0:
        raise ConflictError(f"{before.username} is the last enabled admin; appoint another first")
    _audit_user(conn, principal, request_id, "user.update", user, previous=before.as_json())
    conn.commit()
    return UserPublic.of(user)


@router.post(
    "/users/{username}/password", response_model=PasswordResetPublic, responses=error_responses(404)
)
def reset_password(
    conn: ConnectionDep,
    principal: PrincipalDep,
    now: NowDep,
    request_id: RequestIdDep,
    username: UsernamePath,
) -> PasswordResetPublic:
    """Give the user a generated one-time password (in this answer only), lift a lockout and
    end their sessions."""
    password = generate_password()
    user = set_password(conn, username=username, password=password)
    ended = end_user_sessions(conn, user_id=user.id, now=now)
    _audit_user(conn, principal, request_id, "user.password_reset", user, sessions_ended=ended)
    conn.commit()
    return PasswordResetPublic(password=password)


@router.get("/tokens", response_model=TokensPublic)
def read_all_tokens(conn: ConnectionDep) -> TokensPublic:
    """Every user's API tokens, newest first (never the secrets)."""
    data = [TokenPublic.of(t) for t in list_tokens(conn)]
    return TokensPublic(data=data, count=len(data))


@router.delete("/tokens/{token_id}", status_code=204, responses=error_responses(404))
def revoke_any_token(
    conn: ConnectionDep,
    principal: PrincipalDep,
    now: NowDep,
    request_id: RequestIdDep,
    token_id: TokenIdPath,
) -> None:
    """Revoke anyone's token."""
    revoke_audited(conn, principal, request_id, token_id=token_id, now=now, owner_id=None)
