"""Fixtures: one small generated estate shared by the generator tests (two billing periods)."""

from __future__ import annotations

import duckdb
import pytest

from finops.generator import GenerateResult, generate
from tests.generator.helpers import small_options


@pytest.fixture(scope="session")
def estate(tmp_path_factory: pytest.TempPathFactory) -> GenerateResult:
    return generate(small_options(tmp_path_factory.mktemp("estate")))


@pytest.fixture()
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'UTC'")
    return connection
