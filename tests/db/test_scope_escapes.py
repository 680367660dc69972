"""Team scoping holds against what a session may try: the console changing or resetting its
scope, reading base tables or partitions, CTEs, unions, errors on hidden rows; the API role
leaving its role or its scope, writing outside it; a commit or a new transaction mid-request;
a materialized view; and re-running the upgrade beside running queries."""

from __future__ import annotations

import threading

import psycopg
import pytest
from sqlalchemy import text

from finops.config import Settings
from finops.db.engine import api_url, console_url, get_api_engine, get_engine, libpq_url
from finops.db.readonly import execute_readonly
from finops.errors import QueryFailedError, QueryRefusedError
from finops.warehouse.scope import ALL, apply_scope
from tests.factories.scoped import ONLY_A, ONLY_B, RED, A, B, owner, scalar


def test_the_scope_survives_a_commit_and_leaves_with_the_connection(estate: Settings) -> None:
    engine = get_api_engine(estate)
    count = text("SELECT count(*) FROM finops.costs")
    with engine.connect() as conn:
        apply_scope(conn, ONLY_A)
        assert conn.execute(count).scalar_one() == 3
        conn.commit()
        assert conn.execute(count).scalar_one() == 3
        conn.rollback()
        with conn.begin():
            assert conn.execute(count).scalar_one() == 3
        apply_scope(conn, ONLY_B)  # a new scope replaces the first, in this transaction too
        assert conn.execute(count).scalar_one() == 6
        conn.rollback()
        assert conn.execute(count).scalar_one() == 6
    with engine.connect() as conn:  # the same pooled connection, a new request: no scope
        assert conn.execute(count).scalar_one() == 0


def test_the_scope_reaches_the_driver_connection_and_explicit_transactions(
    estate: Settings,
) -> None:
    """Routes that read through ``conn.connection.driver_connection`` (the sources routes) and
    routes that open ``with conn.begin()`` after the scope is applied stay scoped."""
    with get_api_engine(estate).connect() as conn:
        apply_scope(conn, ONLY_B)
        driver = conn.connection.driver_connection
        assert driver is not None
        assert driver.execute("SELECT count(*) FROM finops.costs").fetchone() == (6,)
        with conn.begin():
            assert scalar(conn, "SELECT count(*) FROM finops.costs") == 6
        with conn.begin():
            assert driver.execute("SELECT count(*) FROM finops.costs").fetchone() == (6,)
        driver.commit()  # a transaction SQLAlchemy did not begin: no scope
        assert driver.execute("SELECT count(*) FROM finops.costs").fetchone() == (0,)
        driver.rollback()


def test_apply_scope_on_a_psycopg_connection(estate: Settings) -> None:
    with psycopg.connect(libpq_url(api_url(estate))) as conn:
        with conn.transaction():
            apply_scope(conn, RED)
            assert conn.execute("SELECT count(*) FROM finops.costs").fetchone() == (3,)
        assert conn.execute("SELECT count(*) FROM finops.costs").fetchone() == (0,)


ESCAPES_REFUSED = [
    "select set_config('finops.scope', '{\"accounts\": null, \"tags\": {}}', true), count(*) "
    "from costs",
    "select count(*) from finops.cost_facts",
    "select (select count(*) from finops.cost_attributes) as n",
    "select count(*) from finops.cost_facts_2026_03",
    "select count(*) from finops.row_scopes",
    "select channels from finops.budget_definitions",
]
ESCAPES_FAILING = [
    "reset finops.scope",
    'set local finops.scope = \'{"accounts": null, "tags": {}}\'',
    "select 1; set finops.scope = '{}'",
]


@pytest.mark.parametrize("query", ESCAPES_REFUSED)
def test_console_escapes_are_refused(estate: Settings, query: str) -> None:
    with pytest.raises(QueryRefusedError):
        execute_readonly(
            libpq_url(console_url(estate)), query, scope=ONLY_A, timeout_s=5, row_limit=5
        )


@pytest.mark.parametrize("query", ESCAPES_FAILING)
def test_console_cannot_change_its_scope(estate: Settings, query: str) -> None:
    with pytest.raises((QueryFailedError, QueryRefusedError)):
        execute_readonly(
            libpq_url(console_url(estate)), query, scope=ONLY_A, timeout_s=5, row_limit=5
        )


@pytest.mark.parametrize(
    "query",
    [
        "with c as (select * from costs) select count(*) from c",
        "select count(*) from (select * from finops.costs union all select * from costs "
        "where false) s",
        "select count(*) from costs where sub_account_id <> '' or true",
        "select count(*) from costs c join resources r on true where r.account_id is not null "
        "and c.sub_account_id = r.account_id",
        "select count(*) from costs where current_setting('finops.scope') <> ''",
        "select count(*) from costs where 1 / (case when sub_account_id = '222222222222' "
        "then 0 else 1 end) = 1",
    ],
)
def test_hand_written_sql_stays_scoped(estate: Settings, query: str) -> None:
    url = libpq_url(console_url(estate))
    result = execute_readonly(url, query, scope=ONLY_A, timeout_s=5, row_limit=5)
    assert result.rows[0][0] == 3  # account A's three rows
    with get_api_engine(estate).connect() as conn:
        apply_scope(conn, ONLY_A)
        assert conn.execute(text(query)).scalar_one() == result.rows[0][0]


def test_the_api_role_reads_tables_scoped_and_cannot_leave(estate: Settings) -> None:
    with get_api_engine(estate).connect() as conn:
        apply_scope(conn, ONLY_A)
        assert scalar(conn, "SELECT count(*) FROM finops.cost_facts") == 3
        assert scalar(conn, "SELECT count(*) FROM finops.anomaly_incidents") == 1
        assert scalar(conn, "SELECT count(*) FROM finops.budget_definitions") == 1
        assert scalar(conn, "SELECT count(*) FROM finops.forecast_points") == 2
        conn.execute(text("RESET finops.scope"))
        assert scalar(conn, "SELECT count(*) FROM finops.cost_facts") == 0
    for statement in (
        "SELECT count(*) FROM finops.cost_facts_2026_03",
        f"SET ROLE {estate.db_app_role}",
        f"SET ROLE {estate.db_view_owner_role}",
        "ALTER TABLE finops.cost_facts DISABLE ROW LEVEL SECURITY",
        "DROP POLICY finops_scoped ON finops.cost_facts",
        "SELECT finops.drop_metric_partitions_before('2031-01-01')",
        "SELECT finops.ensure_cost_partition('2031-01-01')",
    ):
        denied = pytest.raises(Exception, match=r"permission denied|must be owner")
        with get_api_engine(estate).connect() as conn, denied:
            conn.execute(text(statement))


def test_the_api_role_writes_only_inside_its_scope(estate: Settings) -> None:
    """WITH CHECK: a budget for another account, or for the whole bill, is refused."""
    insert = text(
        "INSERT INTO finops.budget_definitions (name, scope_kind, scope, period, amount, "
        "thresholds) VALUES (:name, 'account', CAST(:scope AS jsonb), 'monthly', 5, '[]')"
    )
    with get_api_engine(estate).connect() as conn:
        apply_scope(conn, ONLY_A)
        conn.execute(insert, {"name": "mine", "scope": f'{{"account": "{A}"}}'})
        assert scalar(conn, "SELECT count(*) FROM finops.budgets WHERE name = 'mine'") == 1
        conn.rollback()
        for scope in (f'{{"account": "{B}"}}', "{}"):
            with pytest.raises(Exception, match="row-level security"):
                conn.execute(insert, {"name": "theirs", "scope": scope})
            conn.rollback()


def test_a_materialized_view_is_for_the_jobs_only(fresh_settings: Settings) -> None:
    """Row-level security cannot apply to a materialized view (its rows were computed at the
    refresh): the scoped roles may not read one, the application role may."""
    from finops.db.migrate import upgrade

    with owner(fresh_settings) as conn:
        conn.execute("CREATE MATERIALIZED VIEW finops.later_mv AS SELECT 7 AS x")
    upgrade(get_engine(fresh_settings))
    with pytest.raises(QueryRefusedError):
        execute_readonly(
            libpq_url(console_url(fresh_settings)),
            "select x from later_mv",
            scope=ALL,
            timeout_s=5,
            row_limit=5,
        )
    with get_api_engine(fresh_settings).connect() as conn:
        apply_scope(conn, ALL)
        with pytest.raises(Exception, match="permission denied"):
            conn.execute(text("SELECT x FROM finops.later_mv"))
    with get_engine(fresh_settings).connect() as conn:
        assert scalar(conn, "SELECT x FROM finops.later_mv") == 7


def test_an_upgrade_leaves_unchanged_policies_alone(fresh_settings: Settings) -> None:
    """Every command's upgrade re-runs grants.sql: it must not recreate the policies (creating
    one takes an exclusive lock on its table) while the API reads, only when they change."""

    from finops.db.migrate import upgrade

    def policies() -> dict[str, int]:
        with owner(fresh_settings) as conn:
            rows = conn.execute(
                "SELECT c.relname || '.' || p.polname, p.oid::int FROM pg_policy p "
                "JOIN pg_class c ON c.oid = p.polrelid"
            ).fetchall()
        return {str(name): int(str(oid)) for name, oid in rows}

    before = policies()
    with get_api_engine(fresh_settings).connect() as reader:
        apply_scope(reader, ALL)
        assert scalar(reader, "SELECT count(*) FROM finops.costs") == 0  # holds its locks
        done = threading.Event()

        def run_upgrade() -> None:
            upgrade(get_engine(fresh_settings))
            done.set()

        thread = threading.Thread(target=run_upgrade, daemon=True)
        thread.start()
        thread.join(timeout=60)
        assert done.is_set(), "the upgrade waited for the reader's locks"
    assert policies() == before
    with owner(fresh_settings) as conn:
        conn.execute(
            "UPDATE finops.row_scopes SET predicate = '(SELECT finops.scope_all())' "
            "WHERE relation = 'cost_rollup_daily'"
        )
    upgrade(get_engine(fresh_settings))
    after = policies()
    changed = sorted(k for k in after if after[k] != before.get(k))
    assert changed == [
        "cost_rollup_daily.finops_scoped",
        "cost_rollup_daily.finops_views",
    ]
