"""One error shape for every 4xx and 5xx answer, and the one place each status comes from.

Every error body is ``ErrorPublic``: ``{"detail": "message", "code": "not_found", "param":
null}`` or, for a request that fails validation, ``{"detail": [{"loc": [...], "msg": "...",
"type": "..."}, ...], "code": "invalid_parameter", "param": "limit"}`` (FastAPI's own layout,
without echoing the offending input back). ``code`` is a stable snake_case name of the error
(:func:`code_of`: ``invalid_parameter``, ``not_found``, ``rate_limited``, ...; clients branch
on it, never on the message) and ``param`` the request parameter at fault, or null. The
handlers below turn every exception into that shape: validation errors (422); ``HTTPException``
(its status: FastAPI's own 404/405); the error hierarchy by :func:`status_of`
(``AuthenticationError`` 401, ``PermissionDeniedError`` 403, ``TooManyAttemptsError`` 429 with
``Retry-After``, ``NotFoundError`` 404, ``ConflictError`` 409, ``InvalidParameterError`` 422,
``DatabaseError`` 503, any other ``FinOpsError`` 400); a warehouse that cannot be used —
refused or lost connections, a pool with no connection free, whether SQLAlchemy or psycopg
reports it — (503); a value the database refuses as out of range (422); anything else (500,
logged with its traceback). Routes raise the hierarchy's errors and never build these statuses
themselves. :func:`document_errors` writes the statuses each route can answer into the OpenAPI
schema.
"""

from __future__ import annotations

import re
from typing import Any

import psycopg
import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi.utils import create_model_field
from pydantic import BaseModel, Field
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException

from finops.errors import (
    AuthenticationError,
    ConflictError,
    DatabaseError,
    FinOpsError,
    InvalidParameterError,
    NotFoundError,
    PermissionDeniedError,
    TooManyAttemptsError,
)

log = structlog.get_logger(__name__)


class ErrorItem(BaseModel):
    loc: list[str | int] = Field(description="where the bad value is: ['body', 'amount']")
    msg: str
    type: str


class ErrorPublic(BaseModel):
    """The body of every 4xx and 5xx answer."""

    detail: str | list[ErrorItem]
    code: str = Field(
        description="stable snake_case name of the error (invalid_parameter, not_found, "
        "not_authenticated, permission_denied, rate_limited, unavailable, ...)"
    )
    param: str | None = Field(description="the request parameter at fault, if one is")


DESCRIPTIONS = {
    400: "The request cannot be carried out (the message says why)",
    401: "Not authenticated: no, or no valid, session cookie or API token",
    403: "The role may not do this (or a session request without its X-CSRF-Token)",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict with what exists",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "Invalid parameter or body (each problem located by `loc`)",
    429: "Too many login attempts: wait the seconds `Retry-After` says",
    500: "Internal error",
    503: "The warehouse cannot be reached",
}


UNAVAILABLE = "the warehouse is unavailable"

STATUS_OF_ERROR: tuple[tuple[type[FinOpsError], int], ...] = (
    (AuthenticationError, 401),
    (PermissionDeniedError, 403),
    (TooManyAttemptsError, 429),
    (NotFoundError, 404),
    (ConflictError, 409),
    (InvalidParameterError, 422),
    (DatabaseError, 503),
)
"""The status of each error type of the hierarchy (the first that matches; the rest: 400)."""

CONNECTION_ERRORS: tuple[type[Exception], ...] = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.TimeoutError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
)
"""A warehouse that cannot be used: refused or lost connections and the server's shutdown
(SQLAlchemy's wrappers, or psycopg's own where a route uses the driver connection), no
connection free in the pool."""


CODE_OF_STATUS: dict[int, str] = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "body_too_large",
    415: "unsupported_media_type",
    422: "invalid_parameter",
    429: "rate_limited",
    500: "internal_error",
    502: "bad_gateway",
    503: "unavailable",
}
"""The code of an error known only by its status."""

CODE_OF_ERROR: dict[type[FinOpsError], str] = {
    AuthenticationError: "not_authenticated",
    PermissionDeniedError: "permission_denied",
    TooManyAttemptsError: "rate_limited",
    NotFoundError: "not_found",
    ConflictError: "conflict",
    InvalidParameterError: "invalid_parameter",
    DatabaseError: "unavailable",
}
"""The codes of the hierarchy's main types and their subclasses (an ``InvalidDimensionError``
is an ``invalid_parameter``); any other type is its class name in snake_case without
``Error`` (``QueryRefusedError``: ``query_refused``), ``FinOpsError`` itself ``bad_request``."""


def code_of(exc: FinOpsError) -> str:
    """The stable code of an error of the hierarchy."""
    for error_type, code in CODE_OF_ERROR.items():
        if isinstance(exc, error_type):
            return code
    if type(exc) is FinOpsError:
        return "bad_request"
    name = type(exc).__name__.removesuffix("Error")
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def code_of_status(status: int) -> str:
    return CODE_OF_STATUS.get(status, "error")


def param_of(loc: list[str | int] | tuple[str | int, ...]) -> str | None:
    """The parameter a validation error's ``loc`` names: ``["query", "limit"]`` → ``limit``
    (``["query", "tag", 0]``, an item of a repeated parameter → ``tag``), ``["body", "scope",
    "account"]`` → ``scope.account``; None for a whole body."""
    if len(loc) < 2:
        return None
    if loc[0] != "body":
        return str(loc[1])
    return ".".join(str(p) for p in loc[1:])


def error_body(
    detail: str | list[dict[str, Any]], *, code: str, param: str | None = None
) -> dict[str, Any]:
    """The JSON of an error answer (``ErrorPublic``)."""
    return {"detail": detail, "code": code, "param": param}


def status_of(exc: FinOpsError) -> int:
    """The HTTP status of an error of the hierarchy."""
    for error_type, status in STATUS_OF_ERROR:
        if isinstance(exc, error_type):
            return status
    return 400


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` entries for a route that answers ``statuses`` on purpose."""
    return {
        s: {"model": ErrorPublic, "description": DESCRIPTIONS.get(s, "Error")} for s in statuses
    }


def document_errors(app: FastAPI) -> None:
    """Declare on every route the error statuses it can answer: 400, 404 (what the path or the
    parameters name does not exist), 422, 500 and 503 on all; 409 and 413 where a body is
    sent. Statuses a route declares itself (``error_responses(409)``) are kept."""
    for route in app.routes:
        if not isinstance(route, APIRoute):
            continue
        statuses = [400, 404, 422, 500, 503]
        if route.body_field is not None:
            statuses += [409, 413]
        declare_errors(route, *statuses)
    app.openapi_schema = None


def declare_errors(route: APIRoute, *statuses: int) -> None:
    """Add ``statuses`` to the answers ``route`` documents (those it declares are kept)."""
    for status, spec in error_responses(*statuses).items():
        if status in route.responses or str(status) in route.responses:
            continue
        route.responses[status] = spec
        # FastAPI reads the models of ``responses`` when it builds a route: add the field
        route.response_fields[status] = create_model_field(
            name=f"Response_{status}_{route.unique_id}", type_=ErrorPublic, mode="serialization"
        )


API_PATHS = ("api/", "docs", "redoc", "openapi.json")
"""Paths (without the leading slash) the dashboard's fallback never answers with index.html."""


def allowed_methods(request: Request) -> list[str]:
    """The methods the API's documented routes serve at the request's path."""
    methods: set[str] = set()
    for route in request.app.routes:
        if (
            isinstance(route, APIRoute)
            and route.include_in_schema
            and route.path_regex.match(request.url.path)
        ):
            methods |= route.methods
    return sorted(methods)


def _error(
    status: int,
    detail: str | list[dict[str, Any]],
    *,
    code: str | None = None,
    param: str | None = None,
) -> JSONResponse:
    body = error_body(detail, code=code or code_of_status(status), param=param)
    return JSONResponse(status_code=status, content=body)


def _items(errors: Any) -> list[dict[str, Any]]:
    """Validation errors without ``input``/``ctx``/``url``: a 5 MB body is not echoed back."""
    out = []
    for error in errors:
        loc = [p if isinstance(p, int) else str(p) for p in error.get("loc", ())]
        out.append({"loc": loc, "msg": str(error.get("msg", "")), "type": str(error["type"])})
    return out


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(FinOpsError, _finops_error)
    app.add_exception_handler(sa_exc.DataError, _data_error)
    app.add_exception_handler(sa_exc.DBAPIError, _driver_error)
    for error_type in CONNECTION_ERRORS:
        app.add_exception_handler(error_type, _unavailable)
    app.add_exception_handler(Exception, _internal_error)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    items = _items(exc.errors())
    loc = items[0]["loc"] if items else []
    code = "invalid_body" if loc[:1] == ["body"] else "invalid_parameter"
    return _error(422, items, code=code, param=param_of(loc))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    response = _error(exc.status_code, exc.detail)
    for key, value in (exc.headers or {}).items():
        response.headers[key] = value
    if exc.status_code == 405:  # every method of the path, not only those of one route
        allowed = allowed_methods(request)
        if not allowed and request.url.path.startswith(tuple(f"/{p}" for p in API_PATHS)):
            # only the dashboard's GET fallback matched: no route of the API has this path
            return _error(404, f"no route {request.url.path}")
        response.headers["allow"] = ", ".join(allowed)
    return response


async def _finops_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, FinOpsError)
    status = status_of(exc)
    if status == 503 and isinstance(exc.__cause__, CONNECTION_ERRORS):
        # a lost connection reads the same however it was met (no address or driver text)
        return await _unavailable(request, exc)
    if status == 503:
        log.warning("api.database_unavailable", error=str(exc))
        return _error(status, f"{UNAVAILABLE}: {exc}", code=code_of(exc))
    response = _error(status, str(exc), code=code_of(exc), param=getattr(exc, "param", None))
    if isinstance(exc, TooManyAttemptsError):
        response.headers["retry-after"] = str(exc.retry_after)
    elif isinstance(exc, AuthenticationError):
        response.headers["www-authenticate"] = "Bearer"
    return response


async def _data_error(request: Request, exc: Exception) -> JSONResponse:
    # the database refused a value taken from the request (out of range, bad encoding)
    orig = getattr(exc, "orig", None)
    message = getattr(getattr(orig, "diag", None), "message_primary", None) or "invalid"
    return _error(422, [{"loc": ["query"], "msg": str(message), "type": "value_error"}])


OUTSIDE_SCOPE = (
    "outside your team scope: the change would write a row your scope does not cover "
    "(accounts and tag values, docs/security.md)"
)


async def _driver_error(request: Request, exc: Exception) -> JSONResponse:
    """Any other driver error: 503 when it cost the connection; 403 when row-level security
    refused a write beyond the caller's team scope (a whole-bill budget by an account-scoped
    admin); else a defect (500)."""
    if getattr(exc, "connection_invalidated", False):
        return await _unavailable(request, exc)
    orig = getattr(exc, "orig", None)
    if isinstance(orig, psycopg.errors.InsufficientPrivilege) and "row-level security" in str(
        getattr(orig.diag, "message_primary", "") or ""
    ):
        return _error(403, OUTSIDE_SCOPE, code="outside_scope")
    return await _internal_error(request, exc)


async def _unavailable(request: Request, exc: Exception) -> JSONResponse:
    log.warning("api.database_unavailable", error=(str(exc).splitlines() or [""])[0])
    return _error(503, f"{UNAVAILABLE}; try again shortly")


async def _internal_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("api.internal_error", path=request.url.path)
    return _error(500, "internal error; the server log has the details")
