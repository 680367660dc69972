"""In-process caches of the API (docs/architecture.md "API response cache").

- :class:`CredentialCache`: a bearer token or session cookie -> the ``Principal`` it resolved
  to, for ``FINOPS_API_AUTH_CACHE_S`` seconds (never past the token's or session's expiry), and
  only while the ``finops.db.signals.AUTH`` version is the one it was resolved under: revoking
  a token, ending a session or changing a user signals it, here at once and in every other
  process through PostgreSQL NOTIFY.
- :class:`ResponseCache` (an ASGI middleware): the JSON answers of the cost endpoints
  (:data:`CACHED_PATHS`) per (role, team scope, path, normalized query string, cost data
  version), in a bounded LRU. The cost data version (``finops.db.signals.COST_DATA``) moves
  when the billing load refreshes the rollups, a source is removed or savings are measured, so
  an entry is never answered after the data it was computed from changed; entries are also
  recomputed after ``FINOPS_API_CACHE_MAX_AGE_S``. A request is answered from the cache only
  when its credential is in the credential cache or resolves now (``authenticate``, the
  route's own lookup: so it is authenticated as well as the route would), an answer was stored
  for exactly its role and scope, and the process is listening for changes (its LISTEN
  connection is up).
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import State
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from finops.auth.principal import Principal
from finops.auth.sessions import SESSION_COOKIE
from finops.db import signals

CACHED_PATHS = frozenset(
    {
        "/api/v1/kpi/summary",
        "/api/v1/spend/trend",
        "/api/v1/filters",
        "/api/v1/explorer",
        "/api/v1/explorer/dimensions",
        "/api/v1/explorer/values",
    }
)
"""GET routes whose answer depends only on the caller's scope, the query and the cost data."""
MAX_BODY = 4 * 1024 * 1024


def credential_key(*, bearer: str | None, cookie: str | None) -> str | None:
    """What identifies a request's credential (a digest: the secret is never kept)."""
    if bearer:
        return "t:" + hashlib.sha256(bearer.encode()).hexdigest()
    if cookie:
        return "s:" + hashlib.sha256(cookie.encode()).hexdigest()
    return None


@dataclass(frozen=True)
class _Credential:
    principal: Principal
    valid_until: datetime
    auth_version: int


class CredentialCache:
    def __init__(self, *, seconds: float, entries: int = 4096) -> None:
        self.seconds = seconds
        self.entries = entries
        self._found: OrderedDict[str, _Credential] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str | None, *, now: datetime) -> Principal | None:
        if key is None or self.seconds <= 0:
            return None
        with self._lock:
            found = self._found.get(key)
            if found is None:
                return None
            if found.auth_version != signals.version(signals.AUTH) or now >= found.valid_until:
                del self._found[key]
                return None
            self._found.move_to_end(key)
            return found.principal

    def put(
        self, key: str | None, principal: Principal, *, now: datetime, expires_at: datetime
    ) -> None:
        if key is None or self.seconds <= 0:
            return
        from datetime import timedelta

        until = min(now + timedelta(seconds=self.seconds), expires_at)
        with self._lock:
            self._found[key] = _Credential(principal, until, signals.version(signals.AUTH))
            self._found.move_to_end(key)
            while len(self._found) > self.entries:
                self._found.popitem(last=False)


@dataclass(frozen=True)
class _Answer:
    stored: float  # time.monotonic()
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


def normalized_query(raw: bytes) -> str:
    """The query string with its parameters in a stable order (repeats kept)."""
    return urlencode(sorted(parse_qsl(raw.decode("latin-1"), keep_blank_values=True)))


def answer_key(principal: Principal, path: str, query: str, version: int) -> str:
    scope = json.dumps(principal.scope.to_json(), sort_keys=True, separators=(",", ":"))
    return f"{principal.role.value}\x00{scope}\x00{path}\x00{query}\x00{version}"


Authenticate = Callable[..., Principal | None]
"""``(app state, *, bearer, cookie) -> Principal | None``: ``finops.api.deps.authenticate_read``."""


class ResponseCache:
    """The ASGI middleware; ``credentials`` is the app's :class:`CredentialCache`.

    ``authenticate`` (blocking; run in the thread pool) resolves a credential the credential
    cache no longer holds (it keeps one ``FINOPS_API_AUTH_CACHE_S``), so that a cached answer
    stays one database round trip away instead of the route's whole computation; concurrent
    requests with the same credential wait for one resolution. Likewise a question asked again
    while its answer is being computed (a new data version, an expired entry: under load, many
    at once) waits for that answer instead of computing it again; when it is not stored (not a
    200), each computes its own."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        credentials: CredentialCache,
        entries: int,
        max_age_s: float,
        authenticate: Authenticate | None = None,
    ) -> None:
        self.app = app
        self.credentials = credentials
        self.authenticate = authenticate
        self._resolving: dict[str, asyncio.Future[Principal | None]] = {}
        self._computing: dict[str, asyncio.Event] = {}  # answer key -> set when it is done
        self.entries = entries
        self.max_age_s = max_age_s
        self._answers: OrderedDict[str, _Answer] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or scope["path"] not in CACHED_PATHS
            or b"format=" in scope["query_string"]  # downloads stream, never cached
        ):
            await self.app(scope, receive, send)
            return
        bearer, cookie = _credential(scope)
        credential = credential_key(bearer=bearer, cookie=cookie)
        query = normalized_query(scope["query_string"])
        version = signals.version(signals.COST_DATA)
        state = scope["app"].state
        principal = self.credentials.get(credential, now=state.clock())
        listening = signals.listening(state.engine)
        if principal is None and credential is not None and listening:
            principal = await self._resolve(state, credential, bearer=bearer, cookie=cookie)
        key = None
        if principal is not None and listening:
            key = answer_key(principal, scope["path"], query, version)
            found = self._get(key)
            computing = self._computing.get(key)
            if found is None and computing is not None:  # asked again while being computed
                await computing.wait()
                found = self._get(key)
            if found is not None:
                self.hits += 1
                await send(
                    {"type": "http.response.start", "status": found.status,
                     "headers": [*found.headers, (b"x-finops-cache", b"hit")]}
                )  # fmt: skip
                await send({"type": "http.response.body", "body": found.body})
                return
        self.misses += 1
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                headers = [*message["headers"], (b"x-finops-cache", b"miss")]
                message = {**message, "headers": headers}
            elif message["type"] == "http.response.body" and start.get("status") == 200:
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    self._store(scope, start, chunks, query=query, version=version)
            await send(message)

        if key is None or key in self._computing:
            await self.app(scope, receive, capture)
            return
        computing = self._computing[key] = asyncio.Event()
        try:
            await self.app(scope, receive, capture)
        finally:
            del self._computing[key]
            computing.set()

    async def _resolve(
        self, state: State, key: str, *, bearer: str | None, cookie: str | None
    ) -> Principal | None:
        if self.authenticate is None:
            return None
        pending = self._resolving.get(key)
        if pending is None:
            call = functools.partial(self.authenticate, state, bearer=bearer, cookie=cookie)
            pending = asyncio.ensure_future(run_in_threadpool(call))
            self._resolving[key] = pending
            pending.add_done_callback(lambda _: self._resolving.pop(key, None))
        try:
            return await asyncio.shield(pending)
        except Exception:  # e.g. the warehouse is gone: the route answers (503) and logs it
            return None

    def _get(self, key: str) -> _Answer | None:
        with self._lock:
            found = self._answers.get(key)
            if found is None:
                return None
            if time.monotonic() - found.stored > self.max_age_s:
                del self._answers[key]
                return None
            self._answers.move_to_end(key)
            return found

    def _store(
        self, scope: Scope, start: dict[str, Any], chunks: list[bytes], *, query: str, version: int
    ) -> None:
        principal = scope.get("state", {}).get("principal")
        headers = [(k, v) for k, v in start["headers"] if k.lower() != b"set-cookie"]
        is_json = any(k.lower() == b"content-type" and b"json" in v for k, v in headers)
        body = b"".join(chunks)
        if not isinstance(principal, Principal) or not is_json or len(body) > MAX_BODY:
            return
        key = answer_key(principal, scope["path"], query, version)
        with self._lock:
            self._answers[key] = _Answer(time.monotonic(), 200, headers, body)
            self._answers.move_to_end(key)
            while len(self._answers) > self.entries:
                self._answers.popitem(last=False)


def _credential(scope: Scope) -> tuple[str | None, str | None]:
    """The request's bearer token and session cookie (either may be None)."""
    bearer = cookie = None
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and token:
                bearer = token.strip()
        elif name == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:
                continue
            if SESSION_COOKIE in jar:
                cookie = jar[SESSION_COOKIE].value
    return bearer, cookie
