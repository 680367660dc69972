"""The platform's database roles (docs/security.md) and the privileges each one holds.

* the **owner**: the user of the configured URL (``postgres`` on the embedded server). It owns
  the schema and runs the migrations, nothing else.
* the **application role** (``Settings.db_app_role``, ``finops_app``): what the jobs and loads
  connect as. It reads and writes the rows of every table in schema ``finops`` and calls the
  schema's functions; it cannot create, alter or drop anything, nor read server files. It
  bypasses row-level security (BYPASSRLS): its loads COPY into tables that have policies, which
  PostgreSQL refuses to roles the policies apply to.
* the **API role** (``Settings.db_api_role``, ``finops_api``): what the API connects as. It
  holds the application role's privileges, but row-level security shows it only the rows of the
  scope each request sets (``finops.warehouse.scope.apply_scope``); no scope set: no rows.
* the **console role** (``Settings.db_console_role``, ``finops_console``): what the SQL console
  connects as. It may only ``SELECT`` from the views of schema ``finops`` (the public contract),
  with a statement timeout, an idle-in-transaction timeout, a temp-file limit and ``work_mem``
  set on the role itself; row-level security limits it to the scope set for its transaction.
* the **view owner** (``Settings.db_view_owner_role``, ``finops_views``): a role nobody logs in
  as that owns the public views, so that a view reads its tables under row-level security (a
  view is read with its owner's rights, and the schema owner would bypass the policies).

The login roles are plain: no superuser, no CREATEDB/CREATEROLE/REPLICATION (nor BYPASSRLS but
for the application role), and
members of no other role (so not of ``pg_read_server_files``, ``pg_execute_server_program`` or
``pg_signal_backend``). The owner is made a member of the view owner, to keep owning the views.

Roles belong to the whole server while privileges belong to one database: :func:`ensure_roles`
creates or corrects the roles (idempotent, and safe when several databases on one server are
migrated at once), :func:`apply_grants` runs ``grants.sql`` in the warehouse database after every
migration, so tables and views that later migrations add are covered without naming them.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, replace
from pathlib import Path

import psycopg
import structlog
from psycopg import sql
from pydantic import SecretStr

from finops.config import Settings
from finops.db.urls import parse_url
from finops.errors import DatabaseError

log = structlog.get_logger(__name__)

GRANTS_SQL = Path(__file__).with_name("grants.sql")
_ATTRIBUTES = "NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOINHERIT"
_ATTEMPTS = 8


@dataclass(frozen=True, slots=True)
class RoleSpec:
    name: str
    password: SecretStr | None
    connection_limit: int
    config: dict[str, str]
    """Settings stored on the role (``ALTER ROLE … SET``), applied at every login."""
    login: bool = True
    bypass_rls: bool = False
    """Only the application role: its loads COPY into tables with row-level security, which
    PostgreSQL refuses to any role the policies apply to (docs/security.md)."""


def app_role(settings: Settings) -> RoleSpec:
    return RoleSpec(
        name=settings.db_app_role,
        password=settings.db_app_password,
        connection_limit=-1,
        config={"idle_in_transaction_session_timeout": "600000"},  # 10 minutes, in ms
        bypass_rls=True,
    )


def api_role(settings: Settings) -> RoleSpec:
    """The application role's limits, under row-level security."""
    return replace(
        app_role(settings),
        name=settings.db_api_role,
        password=settings.db_api_password,
        bypass_rls=False,
    )


def view_owner_role(settings: Settings) -> RoleSpec:
    return RoleSpec(
        name=settings.db_view_owner_role,
        password=None,
        connection_limit=0,
        config={},
        login=False,
    )


def console_role(settings: Settings) -> RoleSpec:
    return RoleSpec(
        name=settings.db_console_role,
        password=settings.db_console_password,
        connection_limit=settings.sql_connection_limit,
        config={
            "statement_timeout": str(max(1, int(settings.sql_statement_timeout_s * 1000))),
            "idle_in_transaction_session_timeout": str(settings.sql_idle_in_transaction_s * 1000),
            "temp_file_limit": str(settings.sql_temp_file_limit_mb * 1024),  # kB
            "work_mem": str(settings.sql_work_mem_mb * 1024),  # kB
            "default_transaction_read_only": "on",
            "search_path": "finops",
        },
    )


def role_url(owner_url: str, role: RoleSpec) -> str:
    """``owner_url`` (a SQLAlchemy URL) with ``role``'s name and password."""
    password = role.password.get_secret_value() if role.password is not None else None
    return parse_url(owner_url).set(username=role.name, password=password).render()


def ensure_roles(conn: psycopg.Connection[tuple[object, ...]], settings: Settings) -> None:
    """Create or correct the roles. Roles are server-wide, so two databases migrated at once
    race here: a lost race (duplicate role, concurrently updated catalog row) is retried."""
    specs = (app_role(settings), api_role(settings), console_role(settings))
    for spec in (*specs, view_owner_role(settings)):
        for attempt in range(1, _ATTEMPTS + 1):
            try:
                with conn.transaction():
                    _ensure_role(conn, spec)
                break
            except (
                psycopg.errors.DuplicateObject,
                psycopg.errors.UniqueViolation,
                psycopg.errors.InternalError_,  # "tuple concurrently updated"
                psycopg.errors.SerializationFailure,
            ) as exc:
                if attempt == _ATTEMPTS:
                    raise DatabaseError(
                        f"could not set up database role {spec.name!r}: {exc}"
                    ) from exc
                time.sleep(random.uniform(0.01, 0.05) * attempt)
            except psycopg.errors.InsufficientPrivilege as exc:
                raise DatabaseError(
                    f"the migration user may not create or alter role {spec.name!r} "
                    f"({exc.diag.message_primary}); grant it CREATEROLE or create the role "
                    "as described in docs/security.md"
                ) from exc
    _own_views_through(conn, view_owner_role(settings))


def _own_views_through(conn: psycopg.Connection[tuple[object, ...]], views: RoleSpec) -> None:
    """Make the migration user (the schema owner) a member of the view owner, so that it may
    hand the views over and later migrations may replace them; a superuser needs nothing."""
    row = conn.execute(
        "SELECT rolsuper OR pg_has_role(current_user, %s, 'USAGE') FROM pg_roles "
        "WHERE rolname = current_user",
        (views.name,),
    ).fetchone()
    if row is not None and not row[0]:
        try:
            conn.execute(sql.SQL("GRANT {} TO CURRENT_USER").format(sql.Identifier(views.name)))
        except psycopg.errors.InsufficientPrivilege as exc:
            raise DatabaseError(
                f"the migration user may not join role {views.name!r}, which owns the public "
                f"views ({exc.diag.message_primary}); grant it that role WITH INHERIT TRUE"
            ) from exc


def _ensure_role(conn: psycopg.Connection[tuple[object, ...]], spec: RoleSpec) -> None:
    role = sql.Identifier(spec.name)
    row = conn.execute(
        "SELECT oid, rolsuper OR rolcreatedb OR rolcreaterole OR rolreplication OR rolinherit "
        "OR rolbypassrls <> %s OR rolcanlogin <> %s, rolconnlimit, coalesce(rolconfig, '{}') "
        "FROM pg_roles WHERE rolname = %s",
        (spec.bypass_rls, spec.login, spec.name),
    ).fetchone()
    attributes = sql.SQL(
        " ".join(
            (
                "LOGIN" if spec.login else "NOLOGIN",
                "BYPASSRLS" if spec.bypass_rls else "NOBYPASSRLS",
                _ATTRIBUTES,
            )
        )
    )
    if row is None:
        conn.execute(
            sql.SQL("CREATE ROLE {} {} CONNECTION LIMIT {}").format(
                role, attributes, sql.Literal(spec.connection_limit)
            )
        )
        log.info("db.role_created", role=spec.name)
        current: set[str] = set()
    else:
        oid, wrong_attributes, limit, config = row
        if wrong_attributes or limit != spec.connection_limit:
            conn.execute(
                sql.SQL("ALTER ROLE {} {} CONNECTION LIMIT {}").format(
                    role, attributes, sql.Literal(spec.connection_limit)
                )
            )
        current = {str(c) for c in config}  # type: ignore[attr-defined]
        for (granted,) in conn.execute(
            "SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid "
            "WHERE m.member = %s",
            (oid,),
        ).fetchall():
            conn.execute(sql.SQL("REVOKE {} FROM {}").format(sql.Identifier(str(granted)), role))
    for key, value in spec.config.items():
        if f"{key}={value}" not in current:
            conn.execute(
                sql.SQL("ALTER ROLE {} SET {} = {}").format(
                    role, sql.Identifier(key), sql.Literal(value)
                )
            )
    if spec.password is not None:
        conn.execute(
            sql.SQL("ALTER ROLE {} PASSWORD {}").format(
                role, sql.Literal(spec.password.get_secret_value())
            )
        )


def apply_grants(conn: psycopg.Connection[tuple[object, ...]], settings: Settings) -> None:
    """Run ``grants.sql`` in the connected (warehouse) database, one migrator at a time: the
    privileges of every role, the owner of the views and the row-level security policies."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('finops.migrations'))")
        conn.execute("SELECT set_config('finops.app_role', %s, true)", (settings.db_app_role,))
        for name, role in (
            ("console_role", settings.db_console_role),
            ("api_role", settings.db_api_role),
            ("view_owner_role", settings.db_view_owner_role),
        ):
            conn.execute("SELECT set_config('finops.' || %s, %s, true)", (name, role))
        conn.execute(GRANTS_SQL.read_text())  # type: ignore[call-overload]
