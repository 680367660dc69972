"""A Vault-compatible KV v2 HTTP server for tests: no Vault binary can be installed here.

It implements the few endpoints ``hvac`` calls for the platform and for Airflow's VaultBackend,
with Vault's status codes and JSON shapes: ``auth/token/lookup-self``, ``auth/token/renew-self``,
``auth/approle/login``, ``auth/kubernetes/login`` and ``GET <mount>/data/<path>`` (KV v2 read).
Tokens carry policies (path prefixes they may read), a TTL and a maximum TTL measured on a clock
the test advances; an expired or unknown token and a path outside the policies both get 403, as
Vault answers. Every request is recorded, so a test counts logins, renewals and reads.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class FakeClock:
    now: float = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Identity:
    """What a login gets: policies (readable path prefixes under the mount) and token TTLs."""

    policies: tuple[str, ...]
    ttl: int = 3600
    max_ttl: int = 86400
    renewable: bool = True


@dataclass
class Token:
    identity: Identity
    issued: float
    expires: float | None


@dataclass
class VaultState:
    clock: FakeClock
    mount: str = "secret"
    data: dict[str, dict[str, Any]] = field(default_factory=dict)
    tokens: dict[str, Token] = field(default_factory=dict)
    approles: dict[str, tuple[str, Identity]] = field(default_factory=dict)
    kubernetes_roles: dict[str, tuple[str, Identity]] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def issue(self, identity: Identity, token: str | None = None) -> str:
        token = token or "hvs." + secrets.token_urlsafe(16)
        expires = self.clock() + identity.ttl if identity.ttl else None
        self.tokens[token] = Token(identity=identity, issued=self.clock(), expires=expires)
        return token

    def live(self, token: str | None) -> Token | None:
        found = self.tokens.get(token or "")
        if found is None or (found.expires is not None and found.expires <= self.clock()):
            return None
        return found

    def count(self, method: str, path: str) -> int:
        return sum(1 for m, p in self.requests if m == method and p == path)


class _Handler(BaseHTTPRequestHandler):
    state: VaultState

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def _reply(self, status: int, body: dict[str, Any]) -> None:
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def _body(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(length) or b"{}") if length else {}

    def _auth(self, token: str, entry: Token) -> dict[str, Any]:
        ttl = 0 if entry.expires is None else int(entry.expires - self.state.clock())
        return {
            "auth": {
                "client_token": token,
                "policies": list(entry.identity.policies),
                "lease_duration": ttl,
                "renewable": entry.identity.renewable,
            }
        }

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("POST")

    def _handle(self, method: str) -> None:
        path = self.path.split("?")[0].removeprefix("/v1/")
        state = self.state
        with state.lock:
            state.requests.append((method, path))
            token = self.headers.get("X-Vault-Token")
            if path in ("auth/approle/login", "auth/kubernetes/login"):
                return self._login(path, self._body())
            entry = state.live(token)
            if entry is None or token is None:
                return self._reply(403, {"errors": ["permission denied"]})
            if path == "auth/token/lookup-self":
                ttl = 0 if entry.expires is None else int(entry.expires - state.clock())
                data = {"ttl": ttl, "renewable": entry.identity.renewable}
                return self._reply(200, {"data": data | {"policies": ["default"]}})
            if path == "auth/token/renew-self" and method == "POST":
                if not entry.identity.renewable:
                    return self._reply(400, {"errors": ["lease is not renewable"]})
                limit = entry.issued + entry.identity.max_ttl
                entry.expires = min(state.clock() + entry.identity.ttl, limit)
                return self._reply(200, self._auth(token, entry))
            prefix = f"{state.mount}/data/"
            if path.startswith(prefix) and method == "GET":
                return self._read(path.removeprefix(prefix), entry)
            return self._reply(404, {"errors": []})

    def _login(self, path: str, body: dict[str, Any]) -> None:
        state = self.state
        if path == "auth/approle/login":
            found = state.approles.get(body.get("role_id", ""))
            ok = found is not None and found[0] == body.get("secret_id")
        else:
            found = state.kubernetes_roles.get(body.get("role", ""))
            ok = found is not None and found[0] == body.get("jwt")
        if not ok or found is None:
            return self._reply(400, {"errors": ["invalid role or secret ID"]})
        token = state.issue(found[1])
        return self._reply(200, self._auth(token, state.tokens[token]))

    def _read(self, secret: str, entry: Token) -> None:
        if not any(secret.startswith(p) for p in entry.identity.policies):
            return self._reply(403, {"errors": ["1 error occurred:\n\t* permission denied\n\n"]})
        if secret not in self.state.data:
            return self._reply(404, {"errors": []})
        metadata = {"version": 1, "deletion_time": "", "destroyed": False}
        self._reply(200, {"data": {"data": self.state.data[secret], "metadata": metadata}})


@contextmanager
def fake_vault(state: VaultState) -> Iterator[str]:
    """Serve ``state`` on a loopback port; yields the server's URL."""
    handler = type("Handler", (_Handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
