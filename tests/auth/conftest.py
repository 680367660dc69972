"""One migrated warehouse for the identity tests (users, sessions, tokens, login limits), and a
connection per test that is rolled back afterwards, so the tests do not see each other's rows."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Connection

from finops.config import Settings
from tests.conftest import create_database

T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="package")
def auth_settings(pg_server: object, admin_url: str, finops_home: Path) -> Settings:
    from finops.db.engine import get_engine
    from finops.db.migrate import upgrade

    name = f"t_auth_{uuid.uuid4().hex[:10]}"
    create_database(admin_url, name)
    settings = Settings(
        home=finops_home,
        database_url=pg_server.url(name),  # type: ignore[attr-defined]
        environment="test",
        login_max_failures=3,
        login_attempts_per_minute=5,
    )
    upgrade(get_engine(settings))
    return settings


@pytest.fixture
def conn(auth_settings: Settings) -> Iterator[Connection]:
    from finops.db.engine import get_engine

    with get_engine(auth_settings).connect() as connection:
        connection.begin()
        yield connection
        connection.rollback()
