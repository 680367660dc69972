"""Login and logout, who is logged in, and one's own API tokens (``/auth``). The HTTP contract
is in docs/security.md: the session cookie ``finops_session``, the CSRF cookie ``finops_csrf``
and header ``X-CSRF-Token``, or ``Authorization: Bearer fo_…``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from sqlalchemy import Connection

from finops.api.audited import audit_request
from finops.api.deps import (
    ConnectionDep,
    NowDep,
    PrincipalDep,
    RawConnectionDep,
    RequestIdDep,
    SettingsDep,
    client_address,
    start_request_session,
)
from finops.api.errors import error_responses
from finops.api.params import MAX_BIGINT
from finops.api.schemas.auth import (
    LoginRequest,
    MePublic,
    OidcProviderPublic,
    ProvidersPublic,
    TokenCreate,
    TokenCreatedPublic,
    TokenPublic,
    TokensPublic,
)
from finops.auth.login import password_login
from finops.auth.oidc import oidc_provider_info
from finops.auth.principal import AuthKind, Principal, intersect, session_principal
from finops.auth.sessions import clear_cookies, end_session
from finops.auth.tokens import create_token, list_tokens, revoke_token
from finops.warehouse.scope import ALL

router = APIRouter(prefix="/auth", tags=["auth"])

TokenIdPath = Annotated[int, Path(ge=1, le=MAX_BIGINT, description="the token's id")]


@router.get("/providers", response_model=ProvidersPublic)
def read_providers(settings: SettingsDep) -> ProvidersPublic:
    """How one may log in: always by password; single sign-on once it is configured."""
    info = oidc_provider_info(settings)
    return ProvidersPublic(password=True, oidc=None if info is None else OidcProviderPublic(**info))


@router.post("/login", response_model=MePublic, responses=error_responses(401, 429))
def login(
    request: Request,
    response: Response,
    conn: RawConnectionDep,
    settings: SettingsDep,
    now: NowDep,
    request_id: RequestIdDep,
    body: LoginRequest,
) -> MePublic:
    """Log in with a username and password: sets the session and CSRF cookies. 401 for an
    unknown user, a wrong password or a disabled user alike; 429 with ``Retry-After`` when the
    address has tried too often or the account is locked."""
    address = client_address(request)
    outcome = password_login(
        conn,
        username=body.username,
        password=body.password,
        client_address=address,
        settings=settings,
        now=now,
        request_id=request_id,
    )
    if outcome.user is None:
        conn.commit()  # the failure counts, the lockout and their audit rows stay
        assert outcome.error is not None
        raise outcome.error
    session = start_request_session(
        conn, request, user=outcome.user, response=response, settings=settings, now=now
    )
    conn.commit()
    return MePublic.of(session_principal(session))


@router.post("/logout", status_code=204, response_class=Response)
def logout(
    conn: ConnectionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    now: NowDep,
    request_id: RequestIdDep,
) -> Response:
    """End the session (a token stays valid: revoke it instead) and clear the cookies."""
    if principal.session_id is not None:
        end_session(conn, session_id=principal.session_id, now=now)
    audit_request(
        conn,
        principal=principal,
        request_id=request_id,
        action="auth.logout",
        subject=principal.user.username,
        details={"auth": principal.auth.value},
    )
    conn.commit()
    response = Response(status_code=204)
    clear_cookies(response, settings=settings)
    return response


@router.get("/me", response_model=MePublic)
def read_me(principal: PrincipalDep) -> MePublic:
    """Who is logged in: role, scope, permissions and (for a session) the CSRF token."""
    return MePublic.of(principal)


@router.get("/tokens", response_model=TokensPublic)
def read_my_tokens(conn: ConnectionDep, principal: PrincipalDep) -> TokensPublic:
    """One's own API tokens, newest first (revoked and expired ones too; never the secret)."""
    data = [TokenPublic.of(t) for t in list_tokens(conn, user_id=principal.user.id)]
    return TokensPublic(data=data, count=len(data))


@router.post(
    "/tokens", response_model=TokenCreatedPublic, status_code=201, responses=error_responses(409)
)
def create_my_token(
    conn: ConnectionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    now: NowDep,
    request_id: RequestIdDep,
    body: TokenCreate,
) -> TokenCreatedPublic:
    """A new API token with one's own role; its scope is the one asked for intersected with
    one's own (a token cannot make a token that sees more than it does). The token is in this
    answer only."""
    scope = None if body.scope is None else body.scope.to_scope()
    if principal.auth is AuthKind.TOKEN:
        scope = intersect(scope or ALL, principal.scope)
    new = create_token(
        conn,
        user=principal.user,
        name=body.name,
        expires_in_days=body.expires_in_days,
        settings=settings,
        now=now,
        scope=scope,
    )
    audit_request(
        conn,
        principal=principal,
        request_id=request_id,
        action="token.create",
        subject=new.info.actor,
        details=new.info.as_json(),
    )
    conn.commit()
    info = new.info
    return TokenCreatedPublic(
        id=info.id,
        name=info.name,
        token=new.token,
        prefix=info.prefix,
        created_at=info.created_at,
        expires_at=info.expires_at,
    )


@router.delete("/tokens/{token_id}", status_code=204, responses=error_responses(404))
def revoke_my_token(
    conn: ConnectionDep,
    principal: PrincipalDep,
    now: NowDep,
    request_id: RequestIdDep,
    token_id: TokenIdPath,
) -> None:
    """Revoke one of one's own tokens (someone else's is a 404)."""
    revoke_audited(
        conn, principal, request_id, token_id=token_id, now=now, owner_id=principal.user.id
    )


def revoke_audited(
    conn: Connection,
    principal: Principal,
    request_id: str,
    *,
    token_id: int,
    now: datetime,
    owner_id: int | None,
) -> None:
    """Revoke a token (of ``owner_id`` when given) and audit it, for this route and the admin's."""
    info = revoke_token(conn, token_id=token_id, now=now, user_id=owner_id)
    audit_request(
        conn,
        principal=principal,
        request_id=request_id,
        action="token.revoke",
        subject=info.actor,
        details=info.as_json(),
    )
    conn.commit()
