"""``finops serve`` (the API and the built dashboard on one port) and ``finops openapi``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from finops.cli.common import err_console, fail, setup_logging
from finops.config import get_settings
from finops.errors import FinOpsError


def serve(
    host: Annotated[str | None, typer.Option()] = None,
    port: Annotated[int | None, typer.Option()] = None,
    workers: Annotated[
        int | None,
        typer.Option(min=1, max=64, help="worker processes (default FINOPS_API_WORKERS)"),
    ] = None,
) -> None:
    """Serve the API and the built dashboard on one port (``--workers`` processes)."""
    import uvicorn

    from finops.api.main import create_app
    from finops.auth.secret import require_session_secret
    from finops.db.engine import get_engine
    from finops.db.migrate import upgrade

    setup_logging()
    settings = get_settings()
    try:
        require_session_secret(settings)  # before anything starts: names FINOPS_SESSION_SECRET
        upgrade(get_engine(settings))
        application = create_app(settings=settings)
    except FinOpsError as exc:
        raise fail(exc) from exc
    bind_host, bind_port = host or settings.api_host, port or settings.api_port
    err_console.print(
        f"dashboard and API on [bold]http://{bind_host}:{bind_port}/[/] "
        f"(OpenAPI at /docs); Ctrl-C stops"
    )
    count = workers or settings.api_workers
    if count == 1:
        uvicorn.run(application, host=bind_host, port=bind_port, log_config=None, access_log=False)
        return
    # several processes: each builds its own app (and engine) from the same FINOPS_* settings
    uvicorn.run(
        "finops.api.main:create_app",
        factory=True,
        workers=count,
        # a worker still importing, or busy on a loaded machine, is not a dead one (default 5 s)
        timeout_worker_healthcheck=60,
        host=bind_host,
        port=bind_port,
        log_config=None,
        access_log=False,
    )


def openapi(
    out: Annotated[Path | None, typer.Option(help="write here instead of stdout")] = None,
) -> None:
    """Print the API's OpenAPI schema (the frontend client is generated from it)."""
    from finops.api.main import create_app

    schema = create_app(frontend_dist=None).openapi()
    text = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text)
        err_console.print(f"wrote {out}")
