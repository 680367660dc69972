"""Test session: one embedded PostgreSQL server under a temporary FINOPS_HOME, fresh databases
per test module, and Airflow pointed at that home (set before anything imports Airflow)."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

_HOME = Path(tempfile.mkdtemp(prefix="finops-test-"))


def pytest_configure(config: pytest.Config) -> None:
    os.environ["FINOPS_HOME"] = str(_HOME)
    os.environ["FINOPS_ENVIRONMENT"] = "test"
    os.environ["FINOPS_LOG_JSON"] = "false"
    os.environ["AIRFLOW_HOME"] = str(_HOME / "airflow")
    os.environ.pop("FINOPS_DATABASE_URL", None)
    os.environ.pop("FINOPS_BILLING_SOURCES", None)


def pytest_unconfigure(config: pytest.Config) -> None:
    from finops.db import signals
    from finops.db.embedded import stop_server

    signals.stop_all()  # the apps' cache listeners, before their database stops
    stop_server(_HOME / "pgdata")
    shutil.rmtree(_HOME, ignore_errors=True)


@pytest.fixture(scope="session")
def finops_home() -> Path:
    return _HOME


@pytest.fixture(scope="session")
def pg_server(finops_home: Path) -> Iterator[object]:
    from finops.db.embedded import ensure_server

    yield ensure_server(finops_home / "pgdata")


@pytest.fixture(scope="session")
def admin_url(pg_server: object) -> str:
    from finops.db.engine import libpq_url

    return libpq_url(pg_server.url("postgres"))  # type: ignore[attr-defined]


def create_database(admin_url: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def migrated_settings(
    pg_server: object, admin_url: str, finops_home: Path, prefix: str, **overrides: object
) -> object:
    """Settings (``environment="test"`` and ``overrides``) on a brand-new migrated database."""
    from finops.config import Settings
    from finops.db.engine import get_engine
    from finops.db.migrate import upgrade

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    create_database(admin_url, name)
    settings = Settings(
        home=finops_home,
        database_url=pg_server.url(name),  # type: ignore[attr-defined]
        environment="test",
        **overrides,  # type: ignore[arg-type]
    )
    upgrade(get_engine(settings))
    return settings


@pytest.fixture
def fresh_settings(pg_server: object, admin_url: str, finops_home: Path) -> Iterator[object]:
    """Settings whose warehouse is a brand-new, migrated database on the test server."""
    from finops.config import Settings
    from finops.db.engine import get_engine
    from finops.db.migrate import upgrade

    name = f"t_{uuid.uuid4().hex[:12]}"
    create_database(admin_url, name)
    url = pg_server.url(name)  # type: ignore[attr-defined]
    settings = Settings(home=finops_home, database_url=url, environment="test")
    engine = get_engine(settings)
    upgrade(engine)
    yield settings
    engine.dispose()
