"""``finops db``: migrate the warehouse, show where it is, stop the embedded server."""

from __future__ import annotations

import typer
from sqlalchemy.exc import SQLAlchemyError

from finops.cli.common import console, fail, setup_logging
from finops.config import get_settings
from finops.errors import DatabaseError, FinOpsError

db_app = typer.Typer(help="The warehouse database.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply the warehouse migrations (idempotent)."""
    from finops.db.engine import get_engine
    from finops.db.migrate import upgrade

    setup_logging()
    try:
        revision = upgrade(get_engine())
    except FinOpsError as exc:
        raise fail(exc) from exc
    console.print(f"warehouse at revision [bold]{revision}[/]")


@db_app.command("status")
def db_status() -> None:
    """Where the warehouse is and which revision it is at (never starts the embedded server)."""
    from finops.db.embedded import running_port
    from finops.db.engine import get_engine
    from finops.db.migrate import current_revision, head_revision

    setup_logging()
    settings = get_settings()
    if settings.database_url is None and running_port(settings.pgdata_path) is None:
        console.print(
            f"embedded PostgreSQL under {settings.pgdata_path}: not running "
            "(finops db upgrade, or any command that needs the warehouse, starts it)"
        )
        return
    engine = get_engine(settings)
    console.print(f"url: {engine.url.render_as_string(hide_password=True)}")
    try:
        revision = current_revision(engine)
    except SQLAlchemyError as exc:
        raise fail(DatabaseError(f"cannot read the warehouse's revision: {exc}")) from exc
    console.print(f"revision: {revision} (head {head_revision(engine)})")


@db_app.command("stop")
def db_stop() -> None:
    """Stop the embedded PostgreSQL server (it otherwise outlives the commands that start it)."""
    from finops.db.embedded import stop_server

    settings = get_settings()
    stopped = stop_server(settings.pgdata_path)
    console.print("stopped" if stopped else f"no embedded server runs on {settings.pgdata_path}")
