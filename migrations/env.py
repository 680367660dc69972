"""Alembic environment: migrates the warehouse named by the finops settings."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool, text

from finops.config import get_settings
from finops.db.engine import WAREHOUSE_DB, ensure_database

VERSION_TABLE_SCHEMA = "public"


def _url() -> str:
    url = context.config.attributes.get("url") or context.config.get_main_option("sqlalchemy.url")
    return str(url) if url else ensure_database(get_settings(), WAREHOUSE_DB)


def run_migrations_offline() -> None:
    context.configure(url=_url(), literal_binds=True, version_table_schema=VERSION_TABLE_SCHEMA)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = create_engine(_url(), poolclass=pool.NullPool)
    with engine.connect() as connection:
        # one migrator at a time, even when several processes start together
        connection.execute(text("SELECT pg_advisory_lock(hashtext('finops.migrations'))"))
        connection.commit()
        context.configure(
            connection=connection,
            version_table_schema=VERSION_TABLE_SCHEMA,
            transaction_per_migration=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.execute(text("SELECT pg_advisory_unlock(hashtext('finops.migrations'))"))
        connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
