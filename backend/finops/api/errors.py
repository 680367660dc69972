"""One error shape for every 4xx and 5xx answer, and the one place each status comes from.

Every error body is ``ErrorPublic``: ``{"detail": "message"}`` or, for a request that fails
validation, ``{"detail": [{"loc": [...], "msg": "...", "type": "..."}, ...]}`` (FastAPI's own
layout, without echoing the offending input back). The handlers below turn every exception into
that shape: validation errors (422); ``HTTPException`` (its status: FastAPI's own 404/405); the
error hierarchy by :func:`status_of` (``AuthenticationError`` 401, ``PermissionDeniedError`` 403,
``TooManyAttemptsError`` 429 with ``Retry-After``, ``NotFoundError`` 404, ``ConflictError`` 409,
``InvalidParameterError`` 422, ``DatabaseError`` 503, any other ``FinOpsError`` 400); a
warehouse that cannot be used — refused or lost connections, a pool with no connection free,
whether SQLAlchemy or psycopg reports it — (503); a value the database refuses as out of range
(422); anything else (500, logged with its traceback). Routes raise the hierarchy's errors and
never build these statuses themselves. :func:`document_errors` writes the statuses each route
can answer into the OpenAPI schema.
"""

from __future__ import annotations

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


def _allowed_methods(request: Request) -> list[str]:
    methods: set[str] = set()
    for route in request.app.routes:
        if (
            isinstance(route, APIRoute)
            and route.include_in_schema
            and route.path_regex.match(request.url.path)
        ):
            methods |= route.methods
    return sorted(methods)


def _error(status: int, detail: str | list[dict[str, Any]]) -> JSONResponse:
    return JSONResponse(status_code=status, content={"detail": detail})


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
    return _error(422, _items(exc.errors()))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    response = _error(exc.status_code, exc.detail)
    for key, value in (exc.headers or {}).items():
        response.headers[key] = value
    if exc.status_code == 405:  # every method of the path, not only those of one route
        response.headers["allow"] = ", ".join(_allowed_methods(request))
    return response


async def _finops_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, FinOpsError)
    status = status_of(exc)
    if status == 503 and isinstance(exc.__cause__, CONNECTION_ERRORS):
        # a lost connection reads the same however it was met (no address or driver text)
        return await _unavailable(request, exc)
    if status == 503:
        log.warning("api.database_unavailable", error=str(exc))
        return _error(status, f"{UNAVAILABLE}: {exc}")
    response = _error(status, str(exc))
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
        return _error(403, OUTSIDE_SCOPE)
    return await _internal_error(request, exc)


async def _unavailable(request: Request, exc: Exception) -> JSONResponse:
    log.warning("api.database_unavailable", error=(str(exc).splitlines() or [""])[0])
    return _error(503, f"{UNAVAILABLE}; try again shortly")


async def _internal_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("api.internal_error", path=request.url.path)
    return _error(500, "internal error; the server log has the details")
