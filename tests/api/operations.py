"""Every operation of the API, read from its own OpenAPI document, as a request a test can send:
path parameters filled with a value of the right type and a valid body where one is required
(so an answer other than 2xx/404 comes from the server's state, not from the request)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI

PATH_VALUES = {
    "fingerprint": "0" * 16,
    "budget_id": "1",
    "token_id": "987654321",
    "username": "nobody-here",
    "action_id": "987654321",
    "measurement_id": "987654321",
    "insight_id": "987654321",
    "resource_id": "i-0123456789abcdef0",
}
"""A value for each path parameter the API has (a new one fails :func:`api_operations`)."""

BODIES: dict[tuple[str, str], dict[str, Any]] = {
    # inside the authorization matrix's scoped users' scope (account 100000000001, team=data),
    # so that they may create it too
    ("POST", "/api/v1/budgets"): {
        "name": "outage",
        "period": "monthly",
        "amount": "1",
        "scope": {"account": "100000000001", "tag:team": "data"},
    },
    ("POST", "/api/v1/anomalies/{fingerprint}/status"): {"status": "acknowledged"},
    ("POST", "/api/v1/auth/login"): {"username": "nobody-here", "password": "not the password"},
    ("POST", "/api/v1/auth/tokens"): {"name": "operations", "expires_in_days": 1},
    ("POST", "/api/v1/admin/users"): {"username": "operations-user", "role": "viewer"},
    ("PATCH", "/api/v1/admin/users/{username}"): {"display_name": "Nobody"},
    ("POST", "/api/v1/sql/query"): {"sql": "select count(*) from costs"},
    ("POST", "/api/v1/assistant/ask"): {"question": "total spend last month"},
    ("POST", "/api/v1/actions/{action_id}/approve"): {"reason": "operations", "digest": "0" * 64},
    ("POST", "/api/v1/actions/{action_id}/reject"): {"reason": "operations", "digest": "0" * 64},
    ("POST", "/api/v1/actions/{action_id}/rollback"): {"reason": "operations"},
}
"""A valid body for each operation that takes one (a new one fails :func:`api_operations`)."""

NO_WAREHOUSE = {
    ("GET", "/api/v1/auth/providers"),
    ("GET", "/api/v1/auth/oidc/login"),
    ("GET", "/api/v1/auth/oidc/callback"),
}
"""Operations that answer without the warehouse (what the settings say)."""


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # the OpenAPI template
    url: str  # with the path parameters filled in
    body: dict[str, Any] | None
    needs_warehouse: bool


def api_operations(app: FastAPI) -> list[Operation]:
    """Every documented operation under ``/api/v1``, sorted by path and method."""
    out: list[Operation] = []
    for path, methods in sorted(app.openapi()["paths"].items()):
        if not path.startswith("/api/v1/"):
            continue
        for method, spec in sorted(methods.items()):
            url = path
            for param in spec.get("parameters", []):
                if param["in"] == "path":
                    url = url.replace("{" + param["name"] + "}", PATH_VALUES[param["name"]])
            key = (method.upper(), path)
            body = BODIES[key] if "requestBody" in spec else None
            out.append(Operation(method.upper(), path, url, body, key not in NO_WAREHOUSE))
    return out
