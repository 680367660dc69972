"""Apply the Alembic migrations in ``migrations/`` to the warehouse (idempotent)."""

from __future__ import annotations

import psycopg
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from finops.config import REPO_ROOT, get_settings
from finops.db.engine import libpq_url, owner_url, settings_of
from finops.db.roles import apply_grants, ensure_roles

MIGRATIONS_DIR = REPO_ROOT / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["url"] = url
    return config


def upgrade(engine: Engine, *, revision: str = "head") -> str:
    """Migrate the warehouse of ``engine`` to ``revision`` as its owner, then set up the roles
    and grant their privileges on whatever the migrations made (``finops.db.roles``); returns
    the revision now applied. ``engine`` is usually the application's (:func:`get_engine`)."""
    settings = settings_of(engine)
    if settings is None:  # an engine made elsewhere: its own user is taken as the owner
        settings, url = get_settings(), engine.url.render_as_string(hide_password=False)
    else:
        url = owner_url(settings)
    command.upgrade(alembic_config(url), revision)
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        ensure_roles(conn, settings)
        apply_grants(conn, settings)
    return current_revision(engine) or "base"


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"version_table_schema": "public"})
        return context.get_current_revision()


def head_revision(engine: Engine) -> str | None:
    url = engine.url.render_as_string(hide_password=False)
    return ScriptDirectory.from_config(alembic_config(url)).get_current_head()
