"""``finops mcp --http``: the MCP server over the SDK's streamable HTTP transport, every request
carrying a platform API token (``Authorization: Bearer finops_...``, from ``finops tokens
create``). The SDK's bearer middleware refuses a request without a live token (401); each tool
call then acts under that token's role and scope (its user's scope narrowed by its own, as in the
API), looked up again per call so a token revoked mid-session stops working at once."""

from __future__ import annotations

from datetime import date
from typing import Any

import anyio.to_thread
from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.auth.provider import AccessToken
from mcp.server.auth.settings import AuthSettings
from starlette.applications import Starlette

from finops.assistant.mcp_tools import Caller, build_server, caller_of
from finops.config import Settings
from finops.errors import AuthenticationError

MCP_PATH = "/mcp"


class ApiTokenVerifier:
    """The SDK's ``TokenVerifier``: an API token that resolves (live, its user enabled) is
    accepted, with its actor as the client id; anything else is refused."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def verify_token(self, token: str) -> AccessToken | None:
        try:
            caller = await anyio.to_thread.run_sync(
                lambda: caller_of(token, settings=self.settings)
            )
        except AuthenticationError:
            return None
        return AccessToken(token=token, client_id=caller.actor, scopes=[])


def request_caller(settings: Settings) -> Caller:
    """The caller of the tool call in progress: its request's bearer token, resolved again."""
    access = get_access_token()
    if access is None or not access.token:
        raise AuthenticationError("the MCP request carries no API token (Authorization: Bearer)")
    return caller_of(access.token, settings=settings)


def http_app(*, settings: Settings, host: str, port: int, as_of: date | None = None) -> Starlette:
    """The Starlette app serving ``/mcp`` (streamable HTTP), every request authenticated."""
    url = f"http://{host}:{port}"
    options: dict[str, Any] = {
        "token_verifier": ApiTokenVerifier(settings),
        "auth": AuthSettings(
            issuer_url=url,  # type: ignore[arg-type]  # pydantic parses the URL
            resource_server_url=f"{url}{MCP_PATH}",  # type: ignore[arg-type]
            validate_token_resource=False,  # the verifier checks the token itself
        ),
    }
    server = build_server(
        settings=settings, caller=lambda: request_caller(settings), as_of=as_of, **options
    )
    return server.streamable_http_app(streamable_http_path=MCP_PATH, host=host)


def serve_http(*, settings: Settings, host: str, port: int, as_of: date | None = None) -> None:
    """Serve until interrupted (uvicorn, like ``finops serve``)."""
    import uvicorn

    app = http_app(settings=settings, host=host, port=port, as_of=as_of)
    uvicorn.run(app, host=host, port=port, log_level="warning")
