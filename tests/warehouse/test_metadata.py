"""The warehouse's one ``MetaData`` against the migrated database (embedded PostgreSQL,
``alembic upgrade head``): every table and view, its columns and their types, as the
migrations made them. A migration that adds, drops, renames or retypes a column fails here
until ``finops.warehouse.tables`` says the same."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, MetaData, Table, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.types import TypeEngine

import finops
from finops.config import Settings
from finops.db.embedded import EmbeddedServer
from finops.db.engine import get_engine
from finops.db.migrate import upgrade
from finops.warehouse.metadata import SCHEMA
from finops.warehouse.tables import metadata
from tests.conftest import create_database

DIALECT = postgresql.dialect()  # type: ignore[no-untyped-call]
Reflected = tuple[MetaData, dict[str, str]]


def _type(column_type: TypeEngine[object]) -> str:
    return str(column_type.compile(dialect=DIALECT))


def _columns(table: Table) -> dict[str, str]:
    return {column.name: _type(column.type) for column in table.columns}


def _relations(conn: Connection) -> dict[str, str]:
    """Tables and views of the schema by name (partitions of a partitioned table left out)."""
    rows = conn.execute(
        text(
            "SELECT c.relname, c.relkind::text FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = :schema AND c.relkind IN ('r', 'p', 'v', 'm') "
            "AND NOT c.relispartition"
        ),
        {"schema": SCHEMA},
    ).all()
    return {str(name): str(kind) for name, kind in rows}


@pytest.fixture(scope="module")
def reflected(pg_server: EmbeddedServer, admin_url: str, finops_home: Path) -> Iterator[Reflected]:
    """One database migrated to head for the module, reflected with its views."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    create_database(admin_url, name)
    settings = Settings(home=finops_home, database_url=pg_server.url(name), environment="test")
    engine = get_engine(settings)
    upgrade(engine)
    database = MetaData(schema=SCHEMA)
    with engine.connect() as conn:
        database.reflect(conn, views=True)
        yield database, _relations(conn)
    engine.dispose()


def test_every_table_and_view_is_described(
    reflected: Reflected,
) -> None:
    _, relations = reflected
    described = {table.name for table in metadata.tables.values()}
    assert len(relations) == 60  # remediation 0016, savings_measurements 0017, rollups 0018,
    # assistant_queries 0019, insights 0020, usage_incidents 0021
    assert sorted(set(relations) - described) == []
    assert sorted(described - set(relations)) == []


def test_columns_and_types_match_the_database(
    reflected: Reflected,
) -> None:
    database, _ = reflected
    mismatches: list[str] = []
    for key, table in sorted(metadata.tables.items()):
        actual = _columns(database.tables[key])
        wanted = _columns(table)
        for name in sorted(set(actual) | set(wanted)):
            if actual.get(name) != wanted.get(name):
                mismatches.append(
                    f"{table.name}.{name}: database {actual.get(name)}, MetaData {wanted.get(name)}"
                )
    assert mismatches == []
    assert sum(len(t.columns) for t in metadata.tables.values()) == sum(
        len(t.columns) for t in database.tables.values()
    )


def test_primary_keys_match_the_database(
    reflected: Reflected,
) -> None:
    database, relations = reflected
    for key, table in sorted(metadata.tables.items()):
        actual = [c.name for c in database.tables[key].primary_key.columns]
        assert [c.name for c in table.primary_key.columns] == actual, table.name
    views = sorted(name for name, kind in relations.items() if kind == "v")
    assert all(not metadata.tables[f"{SCHEMA}.{v}"].primary_key.columns for v in views)


SQL_NAME = re.compile(
    r"(?i)\b(?:from|join|into|update|table|view|truncate)\s+finops\.([a-z_][a-z0-9_]*)\b"
)


def test_the_code_names_only_described_relations() -> None:
    """Every ``finops.<name>`` the package's SQL reads or writes (text queries and .sql files)
    is described: the MetaData is the whole schema the code uses."""
    package = Path(finops.__file__).parent
    named: set[str] = set()
    for path in [*package.rglob("*.py"), *package.rglob("*.sql")]:
        named.update(SQL_NAME.findall(path.read_text()))
    described = {table.name for table in metadata.tables.values()}
    modules = {p.stem for p in package.iterdir()}  # ``from finops.config import …``
    assert {
        "costs",
        "cost_facts",
        "cost_attributes",
        "ingest_log",
        "audit_log",
    } <= named  # the scan finds SQL
    assert sorted(named - described - modules) == []
