"""Engines for the warehouse: the configured URL, or the embedded server started on demand."""

from __future__ import annotations

from functools import lru_cache

import psycopg
from psycopg import sql
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url

from finops.config import Settings, get_settings
from finops.db.embedded import ensure_server
from finops.errors import DatabaseError

WAREHOUSE_DB = "finops"
AIRFLOW_DB = "airflow"

_ENSURED: set[str] = set()  # databases known to exist, checked once per process


def server_url(settings: Settings, database: str = WAREHOUSE_DB) -> str:
    """SQLAlchemy URL of ``database`` on the configured server (embedded unless configured)."""
    if settings.database_url is not None:
        url = make_url(_with_driver(settings.database_url.get_secret_value()))
        if database != WAREHOUSE_DB:
            url = url.set(database=database)
        return url.render_as_string(hide_password=False)
    server = ensure_server(settings.pgdata_path, port=settings.embedded_pg_port)
    return server.url(database)


def _with_driver(url: str) -> str:
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def libpq_url(sqlalchemy_url: str) -> str:
    """The same URL in the form psycopg and libpq accept."""
    return (
        make_url(sqlalchemy_url).set(drivername="postgresql").render_as_string(hide_password=False)
    )


def ensure_database(settings: Settings, database: str) -> str:
    """Create ``database`` on the server when it is missing; return its URL.

    On an external server this needs the CREATEDB privilege; without it the error says which
    database to create by hand.
    """
    url = server_url(settings, database)
    if url in _ENSURED:
        return url
    admin = libpq_url(make_url(url).set(database="postgres").render_as_string(hide_password=False))
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


@lru_cache(maxsize=4)
def _engine_for(url: str) -> Engine:
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=10,
        connect_args={"options": "-c search_path=finops,public -c timezone=UTC"},
    )


def get_engine(settings: Settings | None = None) -> Engine:
    """The process-wide engine of the warehouse database."""
    settings = settings or get_settings()
    return _engine_for(ensure_database(settings, WAREHOUSE_DB))
