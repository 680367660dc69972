"""``finops mcp --http`` exercised with the official ``mcp`` SDK's streamable HTTP client: with
an analyst's API token every tool is listed and called; a token scoped to one team sees only
that team's numbers (the same row-level security as the API); a viewer's token may ask but not
run SQL (the console's role); no token, a wrong one or a revoked one is refused (401)."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

from finops.auth.roles import Role
from finops.auth.tokens import list_tokens, revoke_token
from finops.auth.users import find_user
from finops.config import Settings
from finops.db.engine import get_engine, libpq_url
from finops.warehouse.scope import Scope
from tests.assistant.test_mcp_server import CALLS, SEP_TOTAL, TOOLS
from tests.factories.identity import add_token, add_user

TEAM_LINES = (
    " AND EXISTS (SELECT 1 FROM jsonb_each_text(tags) t "
    "WHERE finops.tag_key(t.key) = 'team' AND t.value = %s)"
)


@contextmanager
def _mcp_http(settings: Settings, log: Path) -> Iterator[str]:
    """``finops mcp --http`` on a free port; yields its /mcp URL once it answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    env = {
        **os.environ,
        "FINOPS_DATABASE_URL": settings.database_url.get_secret_value(),  # type: ignore[union-attr]
        "FINOPS_HOME": str(settings.home),
        "FINOPS_ENVIRONMENT": "test",
    }
    args = ["mcp", "--http", "--port", str(port), "--as-of", "2026-10-15"]
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "finops", *args], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}/mcp"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(url, timeout=2)
            except urllib.error.HTTPError:
                break  # it answers (401 without a token)
            except (urllib.error.URLError, ConnectionError):
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"finops mcp --http did not come up:\n{log.read_text()[-3000:]}")
                time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


async def _session(url: str, token: str | None, calls: dict[str, dict[str, Any]]) -> tuple:
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    async with (
        create_mcp_http_client(headers=headers) as http,
        Client(streamable_http_client(url, http_client=http)) as client,
    ):
        tools = await client.list_tools()
        results = {}
        for name, arguments in calls.items():
            result = await client.call_tool(name, arguments)
            results[name] = result.structured_content
    return {t.name for t in tools.tools}, results


def _status(url: str, token: str | None) -> int:
    headers = {"Accept": "application/json, text/event-stream"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    return httpx.post(url, json=body, headers=headers, timeout=30).status_code


def test_mcp_over_streamable_http(assistant_settings: Settings, tmp_path: Path) -> None:
    url = libpq_url(assistant_settings.database_url.get_secret_value())  # type: ignore[union-attr]
    with psycopg.connect(url) as conn:
        total = conn.execute(SEP_TOTAL).fetchone()[0]  # type: ignore[index]
        count = conn.execute("SELECT count(*) FROM finops.costs").fetchone()[0]  # type: ignore[index]
        team = conn.execute(
            "SELECT min(t.value) FROM finops.costs, jsonb_each_text(tags) t "
            "WHERE finops.tag_key(t.key) = 'team'"
        ).fetchone()[0]  # type: ignore[index]
        team_total = conn.execute(SEP_TOTAL + TEAM_LINES, [team]).fetchone()[0]  # type: ignore[index]
    assert team is not None and 0 < team_total < total
    add_user(assistant_settings, "mcp-http-analyst", Role.ANALYST)
    add_user(
        assistant_settings,
        "mcp-http-viewer",
        Role.VIEWER,
        scope=Scope(tags={"team": frozenset({team})}),
    )
    analyst = add_token(assistant_settings, "mcp-http-analyst", name="mcp-http")
    viewer = add_token(assistant_settings, "mcp-http-viewer", name="mcp-http")
    revoked = add_token(assistant_settings, "mcp-http-analyst", name="mcp-http-revoked")
    with get_engine(assistant_settings).begin() as conn:
        user = find_user(conn, username="mcp-http-analyst")
        assert user is not None
        (info,) = [t for t in list_tokens(conn, user_id=user.id) if t.name == "mcp-http-revoked"]
        revoke_token(conn, token_id=info.id, now=datetime.now(UTC))

    with _mcp_http(assistant_settings, tmp_path / "mcp.log") as mcp_url:
        names, results = asyncio.run(_session(mcp_url, analyst, CALLS))
        ask = {"ask_question": {"question": "Total spend last month"}}
        scoped = asyncio.run(_session(mcp_url, viewer, {**ask, **CALLS}))[1]
        refused = [_status(mcp_url, token) for token in (None, "finops_not-a-token", revoked)]
        # a live token gets past the bearer check (400: a tools/list outside a session)
        assert _status(mcp_url, analyst) == 400

    assert names >= TOOLS
    assert Decimal(results["ask_question"]["value"]) == total
    assert len(results["spend"]["rows"]) == 3
    for name in ("movers", "anomalies", "forecast", "savings", "budgets", "commitments", "why"):
        assert results[name]["refused"] is False, (name, results[name])
    assert results["query"]["rows"] == [[str(count)]]
    # the team-scoped viewer: its team's total, and no SQL
    assert Decimal(scoped["ask_question"]["value"]) == team_total
    assert scoped["query"]["refused"] is True
    assert "analyst" in scoped["query"]["explanation"]
    assert refused == [401, 401, 401]
