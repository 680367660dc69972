"""The warehouse the row-level security tests read: two accounts, two teams, a row in every
table under the public views (``tests.factories.scoped``)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from finops.config import Settings
from finops.db.engine import get_api_engine, get_engine
from tests.factories.scoped import load_costs, load_everything_else, owner


@pytest.fixture(scope="module")
def estate(
    pg_server: object, admin_url: str, finops_home: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Settings]:
    """One warehouse for the whole module (the tests only read it)."""
    from finops.db.migrate import upgrade
    from tests.conftest import create_database

    name = f"t_rls_{uuid.uuid4().hex[:8]}"
    create_database(admin_url, name)
    settings = Settings(
        home=finops_home,
        database_url=pg_server.url(name),  # type: ignore[attr-defined]
        environment="test",
    )
    upgrade(get_engine(settings))
    load_costs(settings, tmp_path_factory.mktemp("cur"))
    with owner(settings) as conn:
        load_everything_else(conn)
    yield settings
    get_api_engine(settings).dispose()
    get_engine(settings).dispose()
