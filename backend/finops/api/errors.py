"""One error shape for every 4xx and 5xx answer, and where each status comes from.

Every error body is ``ErrorPublic``: ``{"detail": "message"}`` or, for a request that fails
validation, ``{"detail": [{"loc": [...], "msg": "...", "type": "..."}, ...]}`` (FastAPI's own
layout, without echoing the offending input back). The handlers below turn every exception into
that shape: validation errors (422), ``HTTPException`` (its status), ``FinOpsError`` (400), a
database that cannot be reached (503), a value the database refuses as out of range (422) and
anything else (500, logged with its traceback). :func:`document_errors` writes the statuses each
route can answer into the OpenAPI schema.
"""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi.utils import create_model_field
from pydantic import BaseModel, Field
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException

from finops.errors import DatabaseError, FinOpsError

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
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict with what exists",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "Invalid parameter or body (each problem located by `loc`)",
    500: "Internal error",
    503: "The warehouse cannot be reached",
}


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
        for status, spec in error_responses(*statuses).items():
            if status in route.responses or str(status) in route.responses:
                continue
            route.responses[status] = spec
            # FastAPI reads the models of ``responses`` when it builds a route: add the field
            route.response_fields[status] = create_model_field(
                name=f"Response_{status}_{route.unique_id}", type_=ErrorPublic, mode="serialization"
            )
    app.openapi_schema = None


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
    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        return _error(422, _items(exc.errors()))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        response = _error(exc.status_code, exc.detail)
        for key, value in (exc.headers or {}).items():
            response.headers[key] = value
        if exc.status_code == 405:  # every method of the path, not only those of one route
            response.headers["allow"] = ", ".join(_allowed_methods(request))
        return response

    @app.exception_handler(DatabaseError)
    async def database_error(request: Request, exc: DatabaseError) -> JSONResponse:
        log.warning("api.database_unavailable", error=str(exc))
        return _error(503, f"the warehouse is unavailable: {exc}")

    @app.exception_handler(FinOpsError)
    async def finops_error(request: Request, exc: FinOpsError) -> JSONResponse:
        return _error(400, str(exc))

    @app.exception_handler(sa_exc.DataError)
    async def data_error(request: Request, exc: sa_exc.DataError) -> JSONResponse:
        # the database refused a value taken from the request (out of range, bad encoding)
        message = getattr(getattr(exc.orig, "diag", None), "message_primary", None) or "invalid"
        return _error(422, [{"loc": ["query"], "msg": str(message), "type": "value_error"}])

    @app.exception_handler(sa_exc.OperationalError)
    @app.exception_handler(sa_exc.InterfaceError)
    @app.exception_handler(sa_exc.TimeoutError)
    async def unavailable(request: Request, exc: Exception) -> JSONResponse:
        log.warning("api.database_unavailable", error=str(exc).splitlines()[0])
        return _error(503, "the warehouse is unavailable; try again shortly")

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> JSONResponse:
        log.exception("api.internal_error", path=request.url.path)
        return _error(500, "internal error; the server log has the details")
