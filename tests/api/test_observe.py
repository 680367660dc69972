"""The app's outermost middleware (``finops.api.observe.Observe``): a plain ASGI middleware (no
``BaseHTTPMiddleware``, whose task group and memory streams cost a cached answer most of its
time) that gives every request an id and counts and times it by route template; the template
of a (method, path) is remembered, so a path asked with another method keeps its own label."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from starlette.middleware.base import BaseHTTPMiddleware

from finops.api.cache import ResponseCache
from finops.api.limits import InFlightLimit, RequestLimits
from finops.api.observe import Observe


def _count(method: str, route: str, status: int) -> float:
    labels = {"method": method, "route": route, "status": str(status)}
    return REGISTRY.get_sample_value("finops_http_requests_total", labels) or 0.0


def _timed(method: str, route: str) -> float:
    labels = {"method": method, "route": route}
    return REGISTRY.get_sample_value("finops_http_request_duration_seconds_count", labels) or 0.0


def test_every_middleware_of_the_app_is_plain_asgi(client: TestClient) -> None:
    classes = [middleware.cls for middleware in client.app.user_middleware]  # type: ignore[attr-defined]
    assert BaseHTTPMiddleware not in classes
    assert classes == [Observe, RequestLimits, ResponseCache, InFlightLimit]  # outermost first


def test_requests_are_counted_timed_and_identified_by_route_template(client: TestClient) -> None:
    summary, anomaly = "/api/v1/kpi/summary", "/api/v1/anomalies/{fingerprint}"
    before = {
        "post": _count("POST", "unmatched", 405),
        "get": _count("GET", summary, 200),
        "get timed": _timed("GET", summary),
        "missing": _count("GET", anomaly, 404),
    }
    # the same path with a method no route takes first: its label must not become the GET's
    assert client.post(summary, json={}).status_code == 405
    sent = client.get(summary, headers={"x-request-id": "req-42"})
    assert sent.status_code == 200
    assert sent.headers["x-request-id"] == "req-42"
    first = client.get("/api/v1/anomalies/no-such-fingerprint")
    second = client.get("/api/v1/anomalies/another-one")
    assert first.status_code == second.status_code == 404
    ids = [first.headers["x-request-id"], second.headers["x-request-id"]]
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids) and ids[0] != ids[1]
    assert [h for h in first.headers.raw if h[0].lower() == b"x-request-id"] == [
        (b"x-request-id", ids[0].encode())
    ]
    assert _count("POST", "unmatched", 405) == before["post"] + 1
    assert _count("GET", summary, 200) == before["get"] + 1
    assert _timed("GET", summary) == before["get timed"] + 1
    assert _count("GET", anomaly, 404) == before["missing"] + 2
