"""Apply the Alembic migrations in ``migrations/`` to the warehouse (idempotent)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from finops.config import REPO_ROOT

MIGRATIONS_DIR = REPO_ROOT / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["url"] = url
    return config


def upgrade(engine: Engine, *, revision: str = "head") -> str:
    """Migrate the warehouse to ``revision``; returns the revision now applied."""
    url = engine.url.render_as_string(hide_password=False)
    command.upgrade(alembic_config(url), revision)
    return current_revision(engine) or "base"


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"version_table_schema": "public"})
        return context.get_current_revision()


def head_revision(engine: Engine) -> str | None:
    url = engine.url.render_as_string(hide_password=False)
    return ScriptDirectory.from_config(alembic_config(url)).get_current_head()
