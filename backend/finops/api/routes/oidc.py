"""OpenID Connect single sign-on (``/auth/oidc``): the login redirects to the identity provider,
the callback logs the user in and redirects to the path the login was asked to return to.
Both answer 404 while ``FINOPS_OIDC_ISSUER`` is unset. A refused callback answers 401 (the
provider's answer does not hold: state, code, signature, issuer, audience, expiry, nonce) or
403 (the user has no mapped group or is disabled), with the reason in the message and an audit
row, starts no session and clears the login cookie (which is why it builds its answer itself
instead of raising). docs/security.md, "Single sign-on"."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Cookie, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from finops.api.deps import (
    EngineDep,
    RequestIdDep,
    SettingsDep,
    client_address,
    start_request_session,
)
from finops.api.errors import code_of_status, error_body, error_responses
from finops.auth.clock import Clock, system_clock
from finops.auth.oidc import (
    CALLBACK_PATH,
    STATE_COOKIE,
    STATE_COOKIE_PATH,
    STATE_TTL_SECONDS,
    SsoError,
    begin_login,
    configured_issuer,
)
from finops.auth.oidc_login import CallbackParams, complete_login
from finops.config import Settings

router = APIRouter(prefix="/auth/oidc", tags=["auth"])

NEXT_PATTERN = r"^/([^/\\\x00-\x1f\x7f][^\\\x00-\x1f\x7f]*)?$"
"""``next``: a path on this site (``//host`` would leave it); ``safe_next`` checks it again."""


def _now(request: Request) -> datetime:
    clock: Clock = getattr(request.app.state, "clock", system_clock)
    return clock()


def _redirect_uri(settings: Settings, request: Request) -> str:
    if settings.oidc_redirect_uri:
        return settings.oidc_redirect_uri
    return str(request.base_url).rstrip("/") + CALLBACK_PATH


def _refused(exc: SsoError, *, settings: Settings) -> JSONResponse:
    body = error_body(str(exc), code=code_of_status(exc.status))
    response = JSONResponse(status_code=exc.status, content=body)
    response.delete_cookie(
        STATE_COOKIE, path=STATE_COOKIE_PATH, secure=settings.secure_cookies, httponly=True
    )
    return response


@router.get(
    "/login",
    status_code=302,
    response_class=RedirectResponse,
    responses={302: {"description": "To the identity provider"}, **error_responses(502)},
)
def oidc_login(
    request: Request,
    settings: SettingsDep,
    next: Annotated[
        str | None,
        Query(
            max_length=2000,
            pattern=NEXT_PATTERN,
            description="a path on this site to return to (default /): one leading '/', no "
            "backslash or control character",
        ),
    ] = None,
) -> Response:
    """Start a single sign-on login: 302 to the identity provider with PKCE (S256), state and
    nonce, kept in a signed cookie for ten minutes. 404 when single sign-on is not configured;
    502 when the provider's discovery document cannot be read."""
    try:
        url, cookie = begin_login(
            settings,
            redirect_uri=_redirect_uri(settings, request),
            next_path=next,
            now=_now(request),
        )
    except SsoError as exc:
        return _refused(exc, settings=settings)
    response = RedirectResponse(url, status_code=302)
    response.set_cookie(
        STATE_COOKIE,
        cookie,
        max_age=STATE_TTL_SECONDS,
        path=STATE_COOKIE_PATH,
        httponly=True,
        samesite="lax",  # the provider's redirect back is a cross-site top-level GET
        secure=settings.secure_cookies,
    )
    return response


@router.get(
    "/callback",
    status_code=302,
    response_class=RedirectResponse,
    responses={
        302: {"description": "Logged in: to the page the login was started for"},
        **error_responses(401, 403, 502),
    },
)
def oidc_callback(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    request_id: RequestIdDep,
    code: Annotated[str | None, Query(max_length=4096)] = None,
    state: Annotated[str | None, Query(max_length=512)] = None,
    error: Annotated[str | None, Query(max_length=200)] = None,
    error_description: Annotated[str | None, Query(max_length=1000)] = None,
    login_cookie: Annotated[str | None, Cookie(alias=STATE_COOKIE, max_length=4096)] = None,
) -> Response:
    """Finish a single sign-on login: the user is created or updated from the ID token (role
    from the group claim), a session starts, and 302 to the path the login was asked for."""
    configured_issuer(settings)  # 404 when single sign-on is not configured
    now = _now(request)
    address = client_address(request)
    with engine.connect() as conn:
        outcome = complete_login(
            conn,
            settings=settings,
            params=CallbackParams(code, state, error, error_description),
            cookie=login_cookie,
            redirect_uri=_redirect_uri(settings, request),
            client_address=address,
            now=now,
            request_id=request_id,
        )
        if outcome.user is None:
            conn.commit()  # the audit row of the refusal stays
            assert outcome.error is not None
            return _refused(outcome.error, settings=settings)
        response = RedirectResponse(outcome.next_path, status_code=302)
        start_request_session(
            conn, request, user=outcome.user, response=response, settings=settings, now=now
        )
        conn.commit()
    response.delete_cookie(
        STATE_COOKIE, path=STATE_COOKIE_PATH, secure=settings.secure_cookies, httponly=True
    )
    return response
