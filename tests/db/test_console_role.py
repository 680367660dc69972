"""The SQL console's database role is the guarantee, not the name check: with the check bypassed
(``execute_readonly`` is called directly) the console still cannot read server files, signal
another backend, create a replication slot, reset statistics or read ``pg_authid`` and the
tables behind the views. The application role cannot change the schema. Results stream."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid
from datetime import datetime
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import text

from finops.config import Settings
from finops.db.engine import console_url, get_engine, libpq_url, server_url
from finops.db.migrate import upgrade
from finops.db.readonly import execute_readonly
from finops.db.roles import apply_grants, ensure_roles
from finops.errors import QueryFailedError, QueryRefusedError
from finops.ingest.billing import ingest_billing
from finops.warehouse.scope import ALL
from tests.factories.cur2 import Cur2Export

ESCAPES = [
    "select pg_read_file('/etc/passwd', 0, 120)",
    "select \"pg_read_file\"('/etc/passwd', 0, 120)",
    "select pg_catalog.pg_read_binary_file('/etc/passwd')",
    "select \"pg_ls_dir\"('.')",
    "select pg_stat_file('postgresql.conf')",
    "select pg_create_physical_replication_slot('console_slot', true)",
    "select pg_create_logical_replication_slot('console_slot2', 'pgoutput')",
    "select pg_stat_reset()",
    "select rolname, rolpassword from pg_authid",
    "select * from pg_catalog.pg_shadow",
    "select count(*) from finops.cost_facts",
    "select count(*) from finops.cost_attributes",
    "select channels from finops.budget_definitions",
    "select * from finops.audit_log",
    "select * from public.alembic_version",
    "select pg_advisory_lock(hashtext('finops.budgets'))",
    "select set_config('work_mem', '4GB', false)",
    "select lo_import('/etc/passwd')",
]


@pytest.fixture
def loaded(fresh_settings: Settings, tmp_path: Path) -> Settings:
    export = Cur2Export()
    for day in range(1, 4):
        export.add_usage(
            day=datetime(2026, 3, day),
            account="444444444444",
            service="AmazonEC2",
            cost="1.25",
            tags={"Owner": "team-platform"},
        )
    ingest_billing(str(export.write(tmp_path)), settings=fresh_settings)
    return fresh_settings


def _console(settings: Settings) -> str:
    return libpq_url(console_url(settings))


def _owner(settings: Settings) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(libpq_url(server_url(settings)), autocommit=True)


@pytest.mark.parametrize("query", ESCAPES)
def test_console_role_refuses_escapes_without_the_name_check(loaded: Settings, query: str) -> None:
    with pytest.raises(QueryRefusedError, match="not allowed in the SQL console"):
        execute_readonly(_console(loaded), query, scope=ALL, timeout_s=5, row_limit=10)
    with _owner(loaded) as conn:
        slots = conn.execute("SELECT count(*) FROM pg_replication_slots").fetchone()
    assert slots == (0,)


def test_console_cannot_terminate_the_applications_connection(loaded: Settings) -> None:
    with get_engine(loaded).connect() as app:
        app_pid = app.execute(text("SELECT pg_backend_pid()")).scalar_one()
        for function in ("pg_terminate_backend", '"pg_terminate_backend"', "pg_cancel_backend"):
            with pytest.raises(QueryRefusedError, match="permission denied to"):
                execute_readonly(
                    _console(loaded),
                    f"select {function}({app_pid})",
                    scope=ALL,
                    timeout_s=5,
                    row_limit=1,
                )
        assert app.execute(text("SELECT pg_backend_pid()")).scalar_one() == app_pid


def test_console_role_is_a_plain_role_with_its_limits(loaded: Settings) -> None:
    with _owner(loaded) as conn:
        row = conn.execute(
            "SELECT rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls, "
            "rolconnlimit, rolconfig FROM pg_roles WHERE rolname = %s",
            (loaded.db_console_role,),
        ).fetchone()
        memberships = conn.execute(
            "SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member "
            "WHERE r.rolname IN (%s, %s)",
            (loaded.db_console_role, loaded.db_app_role),
        ).fetchone()
    assert row is not None
    assert row[:6] == (False, False, False, False, False, 20)
    config = dict(str(c).split("=", 1) for c in row[6])  # type: ignore[attr-defined]
    assert config["statement_timeout"] == "30000"
    assert config["idle_in_transaction_session_timeout"] == "60000"
    assert config["temp_file_limit"] == str(1024 * 1024)
    assert config["work_mem"] == str(32 * 1024)
    assert memberships == (0,)
    limits = execute_readonly(
        _console(loaded),
        "select current_user, current_setting('temp_file_limit'), current_setting('work_mem'), "
        "current_setting('idle_in_transaction_session_timeout')",
        scope=ALL,
        timeout_s=5,
        row_limit=1,
    )
    assert limits.rows == [(loaded.db_console_role, "1GB", "32MB", "1min")]


def test_console_reads_every_view_and_the_sums_match(loaded: Settings) -> None:
    with _owner(loaded) as conn:
        views = [
            str(r[0])
            for r in conn.execute(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'finops' AND c.relkind = 'v' ORDER BY 1"
            )
        ]
    assert {"costs", "resources", "utilization_daily", "anomalies", "forecasts", "findings"} <= set(
        views
    )
    for view in views:
        execute_readonly(
            _console(loaded), f"select count(*) from {view}", scope=ALL, timeout_s=5, row_limit=1
        )
    total = execute_readonly(
        _console(loaded),
        "select count(*), sum(billed_cost) from costs",
        scope=ALL,
        timeout_s=5,
        row_limit=1,
    )
    assert total.rows[0][0] == 3 and str(total.rows[0][1]) == "3.75"


def test_application_role_writes_rows_but_not_the_schema(loaded: Settings) -> None:
    engine = get_engine(loaded)
    assert engine.url.username == loaded.db_app_role
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO finops.audit_log (actor, action, subject) "
                "VALUES ('test', 'role.check', 'x')"
            )
        )
        # partitions come from the owner's functions, which the application may call
        assert conn.execute(text("SELECT finops.ensure_cost_partition('2031-01-01')")).scalar()
    for statement in (
        "DROP TABLE finops.audit_log",
        "ALTER TABLE finops.budget_definitions ADD COLUMN x int",
        "CREATE TABLE finops.mine (x int)",
        "DELETE FROM finops.audit_log",
        "SELECT pg_read_file('/etc/passwd')",
    ):
        denied = pytest.raises(Exception, match=r"must be owner|permission denied")
        with denied, engine.begin() as conn:
            conn.execute(text(statement))


def test_grants_cover_what_later_migrations_add(loaded: Settings) -> None:
    """A table and a view made by a later migration: after ``upgrade`` the console reads the
    view but not the table, and the application writes the table."""
    with _owner(loaded) as conn:
        conn.execute("CREATE TABLE finops.later_table (x int)")
        conn.execute("INSERT INTO finops.later_table VALUES (7)")
        conn.execute("CREATE VIEW finops.later_view AS SELECT x * 2 AS y FROM finops.later_table")
    upgrade(get_engine(loaded))
    view = execute_readonly(
        _console(loaded), "select y from later_view", scope=ALL, timeout_s=5, row_limit=5
    )
    assert view.rows == [(14,)]
    with pytest.raises(QueryRefusedError):
        execute_readonly(
            _console(loaded), "select x from later_table", scope=ALL, timeout_s=5, row_limit=5
        )
    with get_engine(loaded).begin() as conn:
        conn.execute(text("INSERT INTO finops.later_table VALUES (8)"))
        assert conn.execute(text("SELECT sum(x) FROM finops.later_table")).scalar_one() == 15


def test_role_setup_is_idempotent_and_safe_when_run_at_once(
    fresh_settings: Settings, admin_url: str
) -> None:
    """Roles are server-wide: several databases migrated at the same moment race to create and
    configure the same roles; every one of them must succeed and the roles end up right."""
    suffix = uuid.uuid4().hex[:8]
    settings = fresh_settings.model_copy(
        update={"db_app_role": f"t_app_{suffix}", "db_console_role": f"t_console_{suffix}"}
    )
    url = libpq_url(server_url(settings))
    barrier = threading.Barrier(6)
    errors: list[BaseException] = []

    def setup() -> None:
        try:
            with psycopg.connect(url, autocommit=True) as conn:
                barrier.wait()
                ensure_roles(conn, settings)
                apply_grants(conn, settings)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=setup) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert errors == []
        with psycopg.connect(admin_url, autocommit=True) as conn:
            count = conn.execute(
                "SELECT count(*) FROM pg_roles WHERE rolname IN (%s, %s) AND NOT rolsuper",
                (settings.db_app_role, settings.db_console_role),
            ).fetchone()
        assert count == (2,)
        result = execute_readonly(
            libpq_url(console_url(settings)),
            "select count(*) from costs",
            scope=ALL,
            timeout_s=5,
            row_limit=1,
        )
        assert result.rows == [(0,)]
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            for role in (settings.db_app_role, settings.db_console_role):
                conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
                conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def test_row_cap_is_applied_before_fetching(loaded: Settings, tmp_path: Path) -> None:
    """27 million wide rows asked for, five fetched: the server-side cursor hands over six rows
    (the cap and one to tell that more exist), so the ``finops sql`` process stays the size of
    an idle Python process (its peak resident size read with ``wait4``)."""
    env = dict(os.environ, FINOPS_DATABASE_URL=server_url(loaded))
    statement = (
        "select c.*, c2.resource_id as r2, g from costs c, costs c2, costs c3, "
        "generate_series(1, 1000000) g"
    )
    out, err = tmp_path / "out", tmp_path / "err"
    with out.open("w") as stdout, err.open("w") as stderr:
        # a small launcher forks the command: a child forked straight from this (large, late in
        # the suite) pytest process would count pytest's pages in its peak resident size
        process = subprocess.run(
            [sys.executable, "-c", _LAUNCHER, "sql", statement, "--limit", "5", "--format", "csv"],
            env=env,
            stdout=stdout,
            stderr=stderr,
            check=False,
        )
    assert process.returncode == 0, err.read_text()
    assert len(out.read_text().splitlines()) == 1 + 5
    assert "showing the first 5 rows" in err.read_text()
    peak_kb = int(err.read_text().rsplit("MAXRSS ", 1)[1].split()[0])
    assert peak_kb < 400 * 1024, f"finops sql peaked at {peak_kb} kB"


# runs `python -m finops ARGS` as its child and reports that child's peak resident size
_LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.executable, [sys.executable, "-m", "finops", *sys.argv[1:]])
_, status, usage = os.wait4(pid, 0)
sys.stderr.write(f"\\nMAXRSS {usage.ru_maxrss}\\n")
sys.exit(os.waitstatus_to_exitcode(status))
"""


def test_row_cap_bounds_the_client_memory_in_process(loaded: Settings) -> None:
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = execute_readonly(
        _console(loaded),
        "select g, repeat('x', 2000) as pad from generate_series(1, 2000000) g",
        scope=ALL,
        timeout_s=30,
        row_limit=5,
    )
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert [r[0] for r in result.rows] == [1, 2, 3, 4, 5] and result.truncated
    assert grown_kb < 50 * 1024, f"the client grew by {grown_kb} kB for five rows"


def test_cli_prints_json_columns_as_json(loaded: Settings) -> None:
    env = dict(os.environ, FINOPS_DATABASE_URL=server_url(loaded), COLUMNS="200")
    query = (
        'select \'{"Owner": "team-platform", "a": null, "b": true}\'::jsonb as tags, '
        "'[1, \"x\"]'::json as list, tags as real_tags from costs limit 1"
    )
    runs = {
        fmt: subprocess.run(
            [sys.executable, "-m", "finops", "sql", query, "--format", fmt],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        for fmt in ("csv", "table", "json")
    }
    for fmt, run in runs.items():
        assert run.returncode == 0, (fmt, run.stderr)
    assert runs["csv"].stdout.splitlines() == [
        "tags,list,real_tags",
        # jsonb keeps its keys shortest first
        '"{""a"": null, ""b"": true, ""Owner"": ""team-platform""}","[1, ""x""]",'
        '"{""Owner"": ""team-platform""}"',
    ]
    assert '{"a": null, "b": true, "Owner": "team-platform"}' in runs["table"].stdout
    assert "'Owner'" not in runs["table"].stdout and "None" not in runs["table"].stdout
    assert '"tags": {"a": null, "b": true, "Owner": "team-platform"}' in runs["json"].stdout


def test_cli_runs_as_the_console_role(loaded: Settings) -> None:
    env = dict(os.environ, FINOPS_DATABASE_URL=server_url(loaded))
    run = subprocess.run(
        [sys.executable, "-m", "finops", "sql", "select current_user as u", "--format", "csv"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == f"u\n{loaded.db_console_role}\n"


def test_the_check_sees_through_quoted_names() -> None:
    from finops.db.readonly import check_statement

    for statement in (
        "select \"pg_read_file\"('/etc/passwd', 0, 120)",
        'select "PG_TERMINATE_BACKEND"(1)',
        'select pg_catalog."pg_stat_reset"()',
        "select \"set_config\"('statement_timeout', '0', false)",
    ):
        with pytest.raises(QueryRefusedError, match="is not allowed"):
            check_statement(statement)
    assert check_statement('select "pg_read_file" from costs') == (
        'select "pg_read_file" from costs'
    )


def test_query_failures_are_named(loaded: Settings) -> None:
    with pytest.raises(QueryFailedError, match="does not exist"):
        execute_readonly(
            _console(loaded), "select nope from costs", scope=ALL, timeout_s=5, row_limit=1
        )


def test_sleeping_is_bounded_by_the_timeout_even_unchecked(loaded: Settings) -> None:
    """``pg_sleep`` is open to everyone; the statement timeout bounds it, and the console cannot
    lift the timeout from inside its query (``set_config`` is not granted to it)."""
    for query in ('select "pg_sleep"(30)', "select pg_catalog.pg_sleep_for('30 seconds')"):
        with pytest.raises(QueryFailedError, match="statement timeout"):
            execute_readonly(_console(loaded), query, scope=ALL, timeout_s=0.5, row_limit=1)
    with pytest.raises(QueryRefusedError, match="permission denied for function set_config"):
        execute_readonly(
            _console(loaded),
            "select set_config('statement_timeout', '0', true), pg_sleep(30)",
            scope=ALL,
            timeout_s=0.5,
            row_limit=1,
        )
