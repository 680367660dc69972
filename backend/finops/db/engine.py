"""Engines for the warehouse: the configured URL, or the embedded server started on demand.

The configured URL's user owns the schema and is used by the migrations only
(:func:`owner_url`); the jobs connect as the application role (:func:`get_engine`), the API as
the API role (:func:`get_api_engine`, rows limited by row-level security to the scope each
request sets), the SQL console as the console role (:func:`console_url`); see
``finops.db.roles`` and docs/security.md. Engines on the embedded server look its port up again
at every new connection, so they recover when the server restarts on another port.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg import sql

from finops.config import Settings, get_settings
from finops.db.embedded import ensure_server, running_port
from finops.db.roles import api_role, app_role, console_role, role_url
from finops.db.urls import parse_url
from finops.errors import DatabaseError

if TYPE_CHECKING:  # SQLAlchemy is imported where an engine is made, not by every process
    from sqlalchemy import Engine

WAREHOUSE_DB = "finops"
AIRFLOW_DB = "airflow"

_ENSURED: set[str] = set()  # databases known to exist, checked once per process


def server_url(settings: Settings, database: str = WAREHOUSE_DB) -> str:
    """SQLAlchemy URL of ``database`` on the configured server (embedded unless configured)."""
    if settings.database_url is not None:
        url = parse_url(_with_driver(settings.database_url.get_secret_value()))
        if database != WAREHOUSE_DB:
            url = url.set(database=database)
        return url.render()
    server = ensure_server(settings.pgdata_path, port=settings.embedded_pg_port)
    return server.url(database)


def _with_driver(url: str) -> str:
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def libpq_url(sqlalchemy_url: str) -> str:
    """The same URL in the form psycopg and libpq accept."""
    return parse_url(sqlalchemy_url).set(drivername="postgresql").render()


def ensure_database(settings: Settings, database: str) -> str:
    """Create ``database`` on the server when it is missing; return its URL.

    On an external server this needs the CREATEDB privilege; without it the error says which
    database to create by hand.
    """
    url = server_url(settings, database)
    if url in _ENSURED:
        return url
    admin = libpq_url(parse_url(url).set(database="postgres").render())
    try:
        with psycopg.connect(admin, autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (database,)
            ).fetchone()
            if exists is None:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    except psycopg.errors.DuplicateDatabase:
        pass  # created concurrently by another process: what we wanted
    except psycopg.errors.InsufficientPrivilege as exc:
        raise DatabaseError(
            f"database {database!r} does not exist and this user may not create it; "
            f"create it on the server first ({exc.diag.message_primary})"
        ) from exc
    except psycopg.OperationalError as exc:
        raise DatabaseError(
            f"cannot reach PostgreSQL to check database {database!r}: {exc}"
        ) from exc
    _ENSURED.add(url)
    return url


def owner_url(settings: Settings) -> str:
    """URL of the warehouse as its owner (migrations only), creating the database if missing."""
    return ensure_database(settings, WAREHOUSE_DB)


def app_url(settings: Settings) -> str:
    """URL of the warehouse as the application role (the API and the jobs)."""
    return role_url(owner_url(settings), app_role(settings))


def api_url(settings: Settings) -> str:
    """URL of the warehouse as the API role (scoped by row-level security)."""
    return role_url(owner_url(settings), api_role(settings))


def console_url(settings: Settings) -> str:
    """URL of the warehouse as the SQL console's role."""
    return role_url(owner_url(settings), console_role(settings))


_OWNER_SETTINGS: dict[str, Settings] = {}
"""The settings each application engine was made from, so that ``upgrade(get_engine(s))``
migrates as the owner of that warehouse."""


def settings_of(engine: Engine) -> Settings | None:
    return _OWNER_SETTINGS.get(engine.url.render_as_string(hide_password=False))


def _as_sqlalchemy_renders(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=False)


@lru_cache(maxsize=16)
def _engine_for(url: str, pgdata: Path | None, pool_size: int = 5) -> Engine:
    from sqlalchemy import create_engine

    engine = create_engine(
        url,
        pool_pre_ping=True,
        pool_size=pool_size,
        max_overflow=10,
        connect_args={"options": "-c search_path=finops,public -c timezone=UTC"},
    )
    if pgdata is not None:
        _follow_embedded_server(engine, pgdata)
    return engine


def _follow_embedded_server(engine: Engine, pgdata: Path) -> None:
    """Connect to wherever the embedded server on ``pgdata`` listens now (``postmaster.pid``),
    not where it listened when the engine was made; a stopped server is a connection error."""
    from sqlalchemy import event

    @event.listens_for(engine, "do_connect")
    def _resolve(dialect: Any, conn_rec: Any, cargs: Any, cparams: dict[str, Any]) -> None:
        port = running_port(pgdata)
        if port is None:
            raise psycopg.OperationalError(f"the embedded PostgreSQL on {pgdata} is not running")
        cparams["host"], cparams["port"] = "127.0.0.1", port


def get_engine(settings: Settings | None = None) -> Engine:
    """The process-wide engine of the warehouse database, as the application role."""
    settings = settings or get_settings()
    return _role_engine(settings, app_url(settings))


def get_api_engine(settings: Settings | None = None) -> Engine:
    """The process-wide engine of the warehouse database, as the API role: every transaction
    sees only the rows of the scope set on its connection with
    ``finops.warehouse.scope.apply_scope`` (none before that)."""
    settings = settings or get_settings()
    return _role_engine(settings, api_url(settings), pool_size=settings.api_db_pool_size)


def _role_engine(settings: Settings, url: str, *, pool_size: int = 5) -> Engine:
    _OWNER_SETTINGS[_as_sqlalchemy_renders(url)] = settings
    embedded = settings.pgdata_path.resolve() if settings.database_url is None else None
    return _engine_for(url, embedded, pool_size)
