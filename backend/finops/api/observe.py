"""The outermost of the app's own middlewares (a plain ASGI one): every HTTP request gets a
request id (the caller's ``x-request-id``, else a new one) bound to its log records and sent
back in ``x-request-id``, is counted and timed in the Prometheus metrics by route template
(``finops_http_requests_total``, ``finops_http_request_duration_seconds``) and logged once
(``http.request``).

A plain ASGI middleware rather than Starlette's ``BaseHTTPMiddleware`` (``@app.middleware``):
that one runs the rest of the app in a task group of its own and passes every message through
memory streams, the largest part of a cached answer's cost. The route template of a
(method, path) is looked up once (a bounded table) instead of matching every route's pattern
on every request, and the metric children per label set are kept.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import structlog
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from finops.observability import HTTP_LATENCY, HTTP_REQUESTS

log = structlog.get_logger("finops.api.main")  # the logger name Loki labels keep

REQUEST_ID_HEADER = b"x-request-id"
UNMATCHED = "unmatched"
TEMPLATES_KEPT = 4096
"""Distinct (method, path) pairs whose template is remembered (paths carry ids: bounded)."""


def route_template(scope: Scope) -> str:
    """The path template of the first route matching ``scope`` fully (``/api/v1/findings/{id}``,
    the dashboard's ``/{path:path}``), else ``unmatched``: the metrics' ``route`` label."""
    for route in scope["app"].router.routes:
        match, _ = route.matches(scope)
        if match == Match.FULL:
            return str(getattr(route, "path", scope["path"]))
    return UNMATCHED


def request_id_of(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == REQUEST_ID_HEADER and value:
            return str(value.decode("latin-1"))
    return uuid.uuid4().hex


class Observe:
    """The ASGI middleware; ``scope["state"]["request_id"]`` is the id (``request.state``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._templates: dict[tuple[str, str, str, int], str] = {}
        self._counters: dict[tuple[str, str, int], Any] = {}
        self._timers: dict[tuple[str, str], Any] = {}

    def template(self, scope: Scope) -> str:
        routes = scope["app"].router.routes
        key = (scope["method"], scope["path"], scope.get("root_path", ""), len(routes))
        found = self._templates.get(key)
        if found is None:
            found = route_template(scope)
            if len(self._templates) >= TEMPLATES_KEPT:
                self._templates.clear()
            self._templates[key] = found
        return found

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_of(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        structlog.contextvars.bind_contextvars(request_id=request_id)
        route = self.template(scope)
        started = time.perf_counter()
        status = 500
        header = (REQUEST_ID_HEADER, request_id.encode("latin-1"))

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [h for h in message.get("headers", ()) if h[0] != REQUEST_ID_HEADER]
                message = {**message, "headers": [*headers, header]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            self._count(scope["method"], route, status).inc()
            self._timer(scope["method"], route).observe(elapsed)
            log.info(
                "http.request",
                method=scope["method"],
                route=route,
                status=status,
                duration_ms=round(elapsed * 1000, 2),
            )
            structlog.contextvars.unbind_contextvars("request_id")

    def _count(self, method: str, route: str, status: int) -> Any:
        key = (method, route, status)
        child = self._counters.get(key)
        if child is None:
            child = self._counters[key] = HTTP_REQUESTS.labels(method, route, str(status))
        return child

    def _timer(self, method: str, route: str) -> Any:
        key = (method, route)
        child = self._timers.get(key)
        if child is None:
            child = self._timers[key] = HTTP_LATENCY.labels(method, route)
        return child
