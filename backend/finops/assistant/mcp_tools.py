"""The MCP server (``finops mcp``, the official ``mcp`` SDK): the assistant's capabilities as
tools, and the public views' schemas as a resource, under a caller's role and scope. Over stdio
the caller is the process's (``FINOPS_MCP_TOKEN`` / ``--token``: an API token; none: unscoped,
an operator's local tool like ``finops sql``); over streamable HTTP it is each request's bearer
token (``finops.assistant.mcp_http``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from mcp.server.mcpserver import MCPServer

from finops.assistant.answer import Answer
from finops.assistant.guard import check_llm_sql
from finops.assistant.service import ask
from finops.auth.roles import Role
from finops.config import Settings
from finops.db.engine import console_url, get_engine, libpq_url
from finops.db.readonly import execute_readonly, run_readonly
from finops.db.values import plain_value
from finops.errors import AuthenticationError, FinOpsError, PermissionDeniedError
from finops.warehouse.scope import ALL, Scope

SCHEMA_QUERY = """
SELECT c.table_name::text, c.column_name::text, c.data_type::text
FROM information_schema.columns c WHERE c.table_schema = 'finops'
ORDER BY c.table_name, c.ordinal_position
"""


SQL_ROLE = Role.ANALYST
"""The role the ``query`` tool needs: the SQL console's (``POST /api/v1/sql/query``)."""


@dataclass(frozen=True)
class Caller:
    actor: str
    scope: Scope
    role: Role | None = None
    """The token's user's role; None for the local operator (no token), who may do anything."""

    def may_query(self) -> bool:
        return self.role is None or self.role.allows(SQL_ROLE)


def caller_of(token: str | None, *, settings: Settings) -> Caller:
    """Whose role and scope the server acts with: the token's (its user's scope narrowed by
    its own), or unscoped without a token."""
    if not token:
        return Caller(actor="mcp:local", scope=ALL)
    from finops.auth.principal import token_principal
    from finops.auth.tokens import resolve_token

    with get_engine(settings).begin() as conn:
        found = resolve_token(conn, token=token, settings=settings, now=datetime.now(UTC))
    if found is None:
        raise AuthenticationError("invalid, expired or revoked API token (FINOPS_MCP_TOKEN)")
    principal = token_principal(*found)
    return Caller(actor=f"mcp:{principal.actor}", scope=principal.scope, role=principal.role)


def _public(answer: Answer) -> dict[str, Any]:
    return {
        "refused": answer.refused,
        "value": None if answer.value is None else str(answer.value),
        "columns": answer.columns,
        "rows": [[str(plain_value(v)) for v in row] for row in answer.rows],
        "sql": answer.sql,
        "explanation": answer.explanation,
    }


def build_server(
    *,
    settings: Settings,
    caller: Caller | Callable[[], Caller],
    as_of: date | None = None,
    **server_options: Any,
) -> MCPServer:
    """The server; ``caller`` is fixed (stdio) or looked up per request (HTTP: the bearer
    token's); ``server_options`` go to ``MCPServer`` (the HTTP transport's token verifier)."""
    server = MCPServer(
        name="finops",
        instructions="Cloud cost questions over the FinOps warehouse",
        **server_options,
    )
    current = caller if callable(caller) else (lambda: caller)

    def _ask(question: str) -> dict[str, Any]:
        who = current()
        answer = ask(question, asker=who.actor, scope=who.scope, settings=settings, as_of=as_of)
        return _public(answer)

    _question_tools(server, _ask)
    _status_tools(server, _ask)
    _sql_tools(server, settings, current)
    return server


Asker = Callable[[str], dict[str, Any]]


def _question_tools(server: MCPServer, _ask: Asker) -> None:
    @server.tool(description="Answer a cost question in plain English, with the SQL it ran")
    def ask_question(question: str) -> dict[str, Any]:
        return _ask(question)

    @server.tool(
        description="Spend by a dimension (service, account, region, team) over a "
        "period such as 'last month' or 'last 30 days'; top N optional"
    )
    def spend(period: str, dimension: str = "service", top: int = 10) -> dict[str, Any]:
        return _ask(f"top {top} {dimension} by cost {period}")

    @server.tool(description="Top movers: dimensions whose cost rose or fell over the period")
    def movers(
        period: str, direction: str = "rising", dimension: str = "services", top: int = 5
    ) -> dict[str, Any]:
        return _ask(f"top {top} {dimension} with {direction} cost {period}")

    @server.tool(description="Cost anomalies overlapping a period, largest impact first")
    def anomalies(period: str, top: int = 5) -> dict[str, Any]:
        return _ask(f"top {top} anomalies {period}")

    @server.tool(description="The whole bill's month-end or quarter-end forecast")
    def forecast(horizon: str = "month") -> dict[str, Any]:
        return _ask(f"{horizon}-end forecast")

    @server.tool(description="Estimated monthly savings of the open findings, by a dimension")
    def savings(dimension: str = "finding type") -> dict[str, Any]:
        return _ask(f"savings by {dimension}")


def _status_tools(server: MCPServer, _ask: Asker) -> None:
    @server.tool(
        description="This month's budget status (which budgets are over), or with a budget's "
        "name how much of it is left"
    )
    def budgets(budget: str = "") -> dict[str, Any]:
        if budget:
            return _ask(f"how much of the {budget} budget is left")
        return _ask("are we over budget this month")

    @server.tool(
        description="Savings Plan utilization (measure 'utilization') or commitment coverage "
        "('coverage') over a period"
    )
    def commitments(period: str = "last month", measure: str = "utilization") -> dict[str, Any]:
        if measure == "coverage":
            return _ask(f"commitment coverage {period}")
        return _ask(f"savings plan utilization {period}")

    @server.tool(
        description="Why a service's or account's cost rose or fell over a period: the accounts "
        "and usage types that moved most against the period before, and the anomalies in it"
    )
    def why(subject: str, period: str = "last week", direction: str = "rise") -> dict[str, Any]:
        return _ask(f"why did {subject} cost {direction} {period}")


def _sql_tools(server: MCPServer, settings: Settings, current: Callable[[], Caller]) -> None:
    @server.tool(description="One read-only SELECT over the public views (guarded, scoped)")
    def query(sql: str) -> dict[str, Any]:
        who = current()
        try:
            if not who.may_query():
                raise PermissionDeniedError(
                    f"the query tool needs the {SQL_ROLE} role (the SQL console's); "
                    f"{who.actor} is {who.role}"
                )
            result = run_readonly(
                libpq_url(console_url(settings)),
                check_llm_sql(sql),
                scope=who.scope,
                timeout_s=settings.sql_statement_timeout_s,
                row_limit=settings.sql_row_limit,
            )
        except FinOpsError as exc:
            return {"refused": True, "explanation": f"I can't answer that: {exc}"}
        rows = [[str(plain_value(v)) for v in row] for row in result.rows]
        return {"refused": False, "columns": result.columns, "rows": rows}

    @server.resource(
        "finops://views",
        mime_type="application/json",
        description="The public views and their columns",
    )
    def views() -> str:
        result = execute_readonly(
            libpq_url(console_url(settings)),
            SCHEMA_QUERY,
            scope=current().scope,
            timeout_s=30,
            row_limit=100_000,
        )
        tables: dict[str, list[dict[str, str]]] = {}
        for table, column, kind in result.rows:
            tables.setdefault(str(table), []).append({"name": str(column), "type": str(kind)})
        return json.dumps(tables)
