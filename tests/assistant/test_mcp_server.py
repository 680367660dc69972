"""``finops mcp`` exercised with the official ``mcp`` SDK's client over stdio: the tools are
listed and each is called against the assistant's estate, the views' schema resource read, and a
token's scope applies (a scoped token's total is its account's)."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from decimal import Decimal
from typing import Any

import psycopg
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from finops.auth.roles import Role
from finops.config import Settings
from finops.db.engine import libpq_url
from finops.warehouse.scope import Scope
from tests.factories.identity import add_token, add_user

TOOLS = {
    "ask_question",
    "spend",
    "movers",
    "anomalies",
    "forecast",
    "savings",
    "budgets",
    "commitments",
    "why",
    "query",
}
CALLS: dict[str, dict[str, Any]] = {
    "ask_question": {"question": "Total spend last month"},
    "spend": {"period": "last month", "dimension": "services", "top": 3},
    "movers": {"period": "last 60 days", "direction": "rising"},
    "anomalies": {"period": "last 60 days", "top": 3},
    "forecast": {"horizon": "month"},
    "savings": {"dimension": "finding type"},
    "budgets": {"budget": "compute"},
    "commitments": {"period": "last month", "measure": "coverage"},
    "why": {"subject": "EC2", "period": "last week", "direction": "rise"},
    "query": {"sql": "SELECT count(*) FROM costs"},
}
SEP_TOTAL = (
    "SELECT sum(billed_cost) FROM finops.costs WHERE charge_period_start >= '2026-09-01' "
    "AND charge_period_start < '2026-10-01'"
)


def _params(settings: Settings, *extra: str) -> StdioServerParameters:
    database_url = settings.database_url.get_secret_value()  # type: ignore[union-attr]
    env = {
        **os.environ,
        "FINOPS_DATABASE_URL": database_url,
        "FINOPS_HOME": str(settings.home),
        "FINOPS_ENVIRONMENT": "test",
    }
    return StdioServerParameters(
        command=sys.executable,
        env=env,
        args=["-m", "finops", "mcp", "--as-of", "2026-10-15", *extra],
    )


async def _session(params: StdioServerParameters, calls: dict[str, dict[str, Any]]) -> tuple:
    async with Client(params) as client:
        tools = await client.list_tools()
        results = {}
        for name, arguments in calls.items():
            result = await client.call_tool(name, arguments)
            results[name] = result.structured_content
        resource = await client.read_resource("finops://views")
    return {t.name for t in tools.tools}, results, resource


def test_mcp_over_stdio(assistant_settings: Settings) -> None:
    names, results, resource = asyncio.run(_session(_params(assistant_settings), CALLS))
    assert names >= TOOLS
    url = libpq_url(assistant_settings.database_url.get_secret_value())  # type: ignore[union-attr]
    with psycopg.connect(url) as conn:
        total = conn.execute(SEP_TOTAL).fetchone()[0]  # type: ignore[index]
        count = conn.execute("SELECT count(*) FROM finops.costs").fetchone()[0]  # type: ignore[index]
    assert Decimal(results["ask_question"]["value"]) == total
    assert len(results["spend"]["rows"]) == 3
    for name in ("movers", "anomalies", "forecast", "savings", "budgets", "commitments", "why"):
        assert results[name]["refused"] is False, (name, results[name])
    assert len(results["anomalies"]["rows"]) == 3
    assert results["query"]["rows"] == [[str(count)]]
    views = json.loads(resource.contents[0].text)
    assert {"costs", "anomalies", "findings", "forecasts"} <= set(views)
    assert "users" not in views and "audit_log" not in views

    refused = asyncio.run(
        _session(_params(assistant_settings), {"query": {"sql": "DELETE FROM finops.costs"}})
    )[1]
    assert refused["query"]["refused"] is True


def test_mcp_token_scope(assistant_settings: Settings) -> None:
    url = libpq_url(assistant_settings.database_url.get_secret_value())  # type: ignore[union-attr]
    with psycopg.connect(url) as conn:
        account = conn.execute("SELECT max(sub_account_id) FROM finops.costs").fetchone()[0]  # type: ignore[index]
        mine = conn.execute(SEP_TOTAL + " AND sub_account_id = %s", [account]).fetchone()[0]  # type: ignore[index]
    add_user(
        assistant_settings, "mcp-user", Role.VIEWER, scope=Scope(accounts=frozenset({account}))
    )
    token = add_token(assistant_settings, "mcp-user", name="mcp")
    calls = {"ask_question": {"question": "Total spend last month"}}
    results = asyncio.run(_session(_params(assistant_settings, "--token", token), calls))[1]
    assert Decimal(results["ask_question"]["value"]) == mine
