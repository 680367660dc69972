"""Two migrated warehouses for the identity tests (users, sessions, tokens, login limits): one
with a connection per test rolled back afterwards, so tests do not see each other's rows, and
one for the commands that commit."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Connection

from finops.config import Settings
from tests.conftest import migrated_settings

T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def _migrated(pg_server: object, admin_url: str, finops_home: Path) -> Settings:
    settings = migrated_settings(
        pg_server, admin_url, finops_home, "t_auth", login_max_failures=3,
        login_attempts_per_minute=5,
    )  # fmt: skip
    assert isinstance(settings, Settings)
    return settings


@pytest.fixture(scope="package")
def auth_settings(pg_server: object, admin_url: str, finops_home: Path) -> Settings:
    """The warehouse of the tests that roll back (the ``conn`` fixture)."""
    return _migrated(pg_server, admin_url, finops_home)


@pytest.fixture(scope="package")
def committed_settings(pg_server: object, admin_url: str, finops_home: Path) -> Settings:
    """The warehouse of the tests that commit (commands run in their own processes)."""
    return _migrated(pg_server, admin_url, finops_home)


@pytest.fixture
def conn(auth_settings: Settings) -> Iterator[Connection]:
    from finops.db.engine import get_engine

    with get_engine(auth_settings).connect() as connection:
        connection.begin()
        yield connection
        connection.rollback()
