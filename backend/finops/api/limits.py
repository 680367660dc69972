"""Request limits in one place, before any route runs (an ASGI middleware).

* the body: at most ``Settings.api_max_body_bytes`` (413 otherwise, whether the size is announced
  in ``Content-Length`` or only found while reading a chunked body);
* text: the path, the query string and a JSON body must be valid UTF-8 without NUL characters
  or lone surrogates (PostgreSQL stores neither), else 422 naming the parameter;
* numbers in a JSON body must be finite: ``NaN``, ``Infinity`` and literals beyond a double's
  range (``1e309``) are 422;
* at most ``Settings.api_max_in_flight`` API requests computed at once per process (503
  ``overloaded`` with ``Retry-After`` past it: ``InFlightLimit``).

Lengths of lists and strings, and numeric ranges, are declared on each request schema
(``finops.api.schemas``) so that the OpenAPI schema publishes them.
"""

from __future__ import annotations

import json
import math
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from finops.api.errors import code_of_status, error_body, param_of

DEFAULT_MAX_BODY_BYTES = 256 * 1024


class RequestRejected(Exception):
    def __init__(self, status: int, detail: str | list[dict[str, Any]]) -> None:
        super().__init__(str(detail))
        self.status = status
        self.detail = detail


def _issue(loc: list[str | int], msg: str) -> list[dict[str, Any]]:
    return [{"loc": loc, "msg": msg, "type": "value_error"}]


def _check_text(value: str, loc: list[str | int]) -> None:
    if "\x00" in value:
        raise RequestRejected(422, _issue(loc, "text must not contain NUL characters"))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise RequestRejected(422, _issue(loc, "text must be valid UTF-8")) from exc


def check_query(scope: Scope) -> None:
    raw: bytes = scope.get("query_string", b"")
    path: str = scope.get("path", "")
    _check_text(path, ["path"])
    raw_path: bytes | None = scope.get("raw_path")
    if raw_path is not None and b"%00" in raw_path:
        raise RequestRejected(422, _issue(["path"], "the path must not contain NUL characters"))
    if not raw:
        return
    for key, value in parse_qsl(raw.decode("latin-1"), keep_blank_values=True, encoding="latin-1"):
        try:
            name = key.encode("latin-1").decode("utf-8")
            text = value.encode("latin-1").decode("utf-8")
        except UnicodeDecodeError as exc:
            raise RequestRejected(
                422, _issue(["query", key], "the parameter is not valid UTF-8")
            ) from exc
        _check_text(name, ["query", name])
        _check_text(text, ["query", name])


def _finite(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        raise ValueError(f"the number {literal[:40]} is out of range")
    return value


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


def _walk(value: object, loc: list[str | int]) -> None:
    if isinstance(value, str):
        _check_text(value, loc)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key, [*loc, key])
            _walk(item, [*loc, key])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk(item, [*loc, index])


def check_json_body(body: bytes) -> None:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RequestRejected(
            422, _issue(["body"], f"the body is not valid UTF-8 (byte {exc.start})")
        ) from exc
    try:
        parsed = json.loads(text, parse_float=_finite, parse_constant=_refuse_constant)
    except ValueError as exc:
        if isinstance(exc, json.JSONDecodeError):
            return  # not JSON at all: the route's own validation says so
        raise RequestRejected(422, _issue(["body"], str(exc))) from exc
    _walk(parsed, ["body"])


class RequestLimits:
    """ASGI middleware applying the limits above to every HTTP request."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            check_query(scope)
            body = await self._read_body(scope, receive)
            if body and _is_json(scope):
                check_json_body(body)
        except RequestRejected as rejected:
            await _reject(send, rejected)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _read_body(self, scope: Scope, receive: Receive) -> bytes:
        headers = dict(scope.get("headers", []))
        announced = headers.get(b"content-length")
        if announced is not None and announced.isdigit() and int(announced) > self.max_body_bytes:
            raise RequestRejected(413, self._too_large())
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                raise RequestRejected(413, self._too_large())
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    def _too_large(self) -> str:
        return f"the request body is larger than {self.max_body_bytes:,} bytes"


def _is_json(scope: Scope) -> bool:
    for key, value in scope.get("headers", []):
        if key == b"content-type":
            return b"json" in value.lower()
    return True  # FastAPI reads a body without a content type as JSON


async def _reject(
    send: Send,
    rejected: RequestRejected,
    *,
    code: str | None = None,
    headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    loc = rejected.detail[0]["loc"] if isinstance(rejected.detail, list) else []
    code = code or code_of_status(rejected.status)
    body = json.dumps(error_body(rejected.detail, code=code, param=param_of(loc))).encode()
    await send(
        {
            "type": "http.response.start",
            "status": rejected.status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class InFlightLimit:
    """At most ``limit`` API requests being computed at once in this process; one more is
    answered at once with 503 ``overloaded`` and ``Retry-After: 1`` instead of queueing.

    Past its capacity a server that queues every request answers none in time: each waits
    behind the others, its client gives up, and the server still computes the answer nobody
    reads (the benchmark without the response cache at 100 requests/s: 14 answered per second,
    the rest timed out). Refusing the excess at once keeps the admitted ones fast and tells
    the others to come back. Only ``/api/`` paths count: health, readiness, metrics and the
    dashboard's files are never refused; an answer from the response cache (outside this
    middleware) never counts. ``limit`` 0: no limit."""

    def __init__(self, app: ASGIApp, *, limit: int) -> None:
        self.app = app
        self.limit = limit
        self.in_flight = 0  # one event loop per process: no lock needed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or self.limit <= 0
            or not str(scope.get("path", "")).startswith("/api/")
        ):
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.limit:
            await _reject(
                send,
                RequestRejected(
                    503,
                    f"the API is answering {self.in_flight} requests already "
                    "(FINOPS_API_MAX_IN_FLIGHT); retry in a second",
                ),
                code="overloaded",
                headers=[(b"retry-after", b"1")],
            )
            return
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1
