"""Request-scoped dependencies as ``Annotated`` aliases.

Every request that needs the warehouse gets one connection of the API engine
(``finops.db.engine.get_api_engine``). An authenticated request first resolves its
``Principal`` on it (the session cookie or the bearer token; ``finops.auth``), then sets the
principal's team scope on it (``apply_scope``): the row-level security policies read that scope
in this and every later transaction of the connection, so a route that commits stays scoped."""

from __future__ import annotations

import hmac
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request, Response
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Connection, Engine
from starlette.datastructures import State

from finops.api.cache import CredentialCache, credential_key
from finops.auth.clock import Clock
from finops.auth.principal import Principal, session_principal, token_principal
from finops.auth.sessions import (
    CSRF_HEADER,
    SESSION_COOKIE,
    ActiveSession,
    resolve_session,
    start_session,
)
from finops.auth.tokens import resolve_token
from finops.auth.users import User
from finops.config import Settings
from finops.db import signals
from finops.db.engine import get_api_engine
from finops.db.signals import listen
from finops.errors import AuthenticationError, PermissionDeniedError
from finops.warehouse.scope import apply_scope

STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})

bearer_scheme = HTTPBearer(
    auto_error=False, description="a personal API token: `Authorization: Bearer fo_…`"
)
cookie_scheme = APIKeyCookie(
    name=SESSION_COOKIE,
    auto_error=False,
    description="the dashboard session (state-changing requests also send `X-CSRF-Token`)",
)


def get_engine_dep(request: Request) -> Engine:
    """The API's engine, created from the app's settings on first use (so building the app,
    e.g. for its OpenAPI schema, needs no database)."""
    return engine_of(request.app.state)


def engine_of(state: State) -> Engine:
    """:func:`get_engine_dep` for the app whose ``state`` this is."""
    if state.engine is None:
        state.engine = get_api_engine(state.settings)
    engine: Engine = state.engine
    if not state.listening:  # the caches hear the other processes' changes (finops.db.signals)
        state.listening = True
        if state.settings.api_cache or state.settings.api_auth_cache_s > 0:
            listen(engine)
    return engine


def get_raw_connection(request: Request) -> Iterator[Connection]:
    """The request's connection, before any scope is set (login and the principal's lookup)."""
    with get_engine_dep(request).connect() as conn:
        yield conn


def get_request_id(request: Request) -> str:
    """The id the request is logged under (set by the app's middleware; the ``x-request-id``
    header when the caller sent one), to tie audit rows to the request log."""
    request_id = getattr(request.state, "request_id", None)
    return str(request_id) if request_id else uuid.uuid4().hex


def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_now(request: Request) -> datetime:
    clock: Clock = request.app.state.clock
    return clock()


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def start_request_session(
    conn: Connection,
    request: Request,
    *,
    user: User,
    response: Response,
    settings: Settings,
    now: datetime,
) -> ActiveSession:
    """Start a session for ``user`` logged in by this request (password or single sign-on):
    the cookies go on ``response``, the client's address and user agent into the session row."""
    return start_session(
        conn,
        user=user,
        response=response,
        settings=settings,
        now=now,
        client_address=client_address(request),
        user_agent=request.headers.get("user-agent"),
    )


RawConnectionDep = Annotated[Connection, Depends(get_raw_connection)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
NowDep = Annotated[datetime, Depends(get_now)]


def get_principal(
    request: Request,
    conn: RawConnectionDep,
    settings: SettingsDep,
    now: NowDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    cookie: Annotated[str | None, Depends(cookie_scheme)],
) -> Principal:
    """Who the request acts as: a bearer token when one is sent (CSRF-exempt), else the session
    cookie; 401 without valid credentials. A state-changing request authenticated by the cookie
    must carry the session's CSRF token in ``X-CSRF-Token`` (403 otherwise)."""
    credentials: CredentialCache = request.app.state.credentials
    token = None if bearer is None else bearer.credentials
    key = credential_key(bearer=token, cookie=cookie)
    engine = request.app.state.engine
    if request.method not in STATE_CHANGING and signals.listening(engine):
        # reads: the principal resolved seconds ago (while no revocation can go unheard)
        cached = credentials.get(key, now=now)
        if cached is not None:
            request.state.principal = cached
            return cached
    principal, expires_at, session = resolve_credential(
        conn, bearer=token, cookie=cookie, settings=settings, now=now
    )
    if session is not None and request.method in STATE_CHANGING:
        sent = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(sent.encode(), session.csrf_token.encode()):
            raise PermissionDeniedError(
                f"missing or invalid {CSRF_HEADER} header (the finops_csrf cookie's value)"
            )
    conn.commit()  # the session's last-seen or the token's last-used time
    credentials.put(key, principal, now=now, expires_at=expires_at)
    request.state.principal = principal
    return principal


def resolve_credential(
    conn: Connection, *, bearer: str | None, cookie: str | None, settings: Settings, now: datetime
) -> tuple[Principal, datetime, ActiveSession | None]:
    """The principal of a bearer token (preferred) or session cookie, when its credential
    expires, and the session (None for a token); 401 when neither is valid."""
    if bearer is not None:
        found = resolve_token(conn, token=bearer, settings=settings, now=now)
        if found is None:
            raise AuthenticationError("invalid, expired or revoked API token")
        return token_principal(*found), found[0].expires_at, None
    if cookie:
        session = resolve_session(conn, cookie=cookie, settings=settings, now=now)
        if session is None:
            raise AuthenticationError("the session has ended; log in again")
        return session_principal(session), session.expires_at, session
    raise AuthenticationError("not authenticated: log in or send an API token")


def authenticate_read(state: State, *, bearer: str | None, cookie: str | None) -> Principal | None:
    """For the response cache (``finops.api.cache``), outside any route: resolve a read's
    credential as :func:`get_principal` does, and remember it in the credential cache; None
    when it is not valid (the route then answers it)."""
    now: datetime = state.clock()
    with engine_of(state).connect() as conn:
        try:
            principal, expires_at, _ = resolve_credential(
                conn, bearer=bearer, cookie=cookie, settings=state.settings, now=now
            )
        except AuthenticationError:
            return None
        conn.commit()  # the session's last-seen or the token's last-used time
    cache: CredentialCache = state.credentials
    cache.put(
        credential_key(bearer=bearer, cookie=cookie), principal, now=now, expires_at=expires_at
    )
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def get_connection(conn: RawConnectionDep, principal: PrincipalDep) -> Connection:
    """The request's connection with the principal's team scope set on it."""
    apply_scope(conn, principal.scope)
    return conn


EngineDep = Annotated[Engine, Depends(get_engine_dep)]
ConnectionDep = Annotated[Connection, Depends(get_connection)]
RequestIdDep = Annotated[str, Depends(get_request_id)]
