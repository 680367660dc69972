"""``finops mcp``: the assistant's tools over the Model Context Protocol (stdio, or streamable
HTTP with an API token per request)."""

from __future__ import annotations

import os
from datetime import date
from typing import Annotated

import typer

from finops.cli.common import fail
from finops.config import get_settings
from finops.errors import FinOpsError


def mcp(
    token: Annotated[
        str | None,
        typer.Option(help="an API token: act with its role and scope (or FINOPS_MCP_TOKEN)"),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="YYYY-MM-DD taken as today for questions")
    ] = None,
    http: Annotated[
        bool,
        typer.Option("--http", help="serve streamable HTTP at /mcp; each request needs a token"),
    ] = False,
    host: Annotated[str, typer.Option(help="the address to listen on (--http)")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="the port to listen on (--http)")] = 8765,
) -> None:
    """Serve the assistant's tools (ask, spend, movers, anomalies, forecast, savings, query) and
    the views' schemas to an MCP client: over stdio (unscoped unless a token is given), or with
    --http over streamable HTTP, where every request must carry an API token
    (Authorization: Bearer) and is answered under that token's role and scope."""
    from finops.assistant.mcp_tools import build_server, caller_of
    from finops.db.engine import get_engine
    from finops.db.migrate import upgrade

    settings = get_settings()
    try:
        upgrade(get_engine(settings))
        day = date.fromisoformat(as_of) if as_of else None
        if http:
            if token:
                raise FinOpsError("--token is for stdio; over --http each request brings its own")
            from finops.assistant.mcp_http import serve_http

            serve_http(settings=settings, host=host, port=port, as_of=day)
            return
        caller = caller_of(token or os.environ.get("FINOPS_MCP_TOKEN"), settings=settings)
    except (FinOpsError, ValueError) as exc:
        raise fail(exc if isinstance(exc, FinOpsError) else FinOpsError(str(exc))) from exc
    build_server(settings=settings, caller=caller, as_of=day).run(transport="stdio")
