"""Team scoping is enforced by PostgreSQL: the API role and the console role see, through every
public view and through the base tables, only the rows of the scope set for their transaction,
whatever SQL they run; no scope is no rows; the application role (the jobs) sees everything.

Every expectation is the owner's rows filtered by hand (``tests.factories.scoped.sees``)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import Connection, text

from finops.config import Settings
from finops.db.engine import (
    api_url,
    console_url,
    get_api_engine,
    get_engine,
    libpq_url,
    server_url,
)
from finops.db.readonly import execute_readonly, run_readonly
from finops.errors import QueryFailedError, QueryRefusedError
from finops.warehouse.scope import ALL, Scope, apply_scope
from tests.factories.scoped import (
    A,
    B,
    load_costs,
    load_everything_else,
    sees,
    sees_own_scope,
)

ONLY_A = Scope(accounts=frozenset({A}))
ONLY_B = Scope(accounts=frozenset({B}))
RED = Scope(tags={"team": frozenset({"red"})})
BLUE_OR_RED_IN_B = Scope(accounts=frozenset({B}), tags={"Team": frozenset({"red", "blue"})})
CC1 = Scope(tags={"cost-center": frozenset({"cc-1"})})
NOBODY = Scope(accounts=frozenset())
SCOPES = {
    "all": ALL,
    "only_a": ONLY_A,
    "only_b": ONLY_B,
    "red": RED,
    "blue_or_red_in_b": BLUE_OR_RED_IN_B,
    "cc1": CC1,
    "nobody": NOBODY,
}

Row = dict[str, Any]


def _inventory_tags(rows: dict[str, list[Row]]) -> dict[tuple[str, str], Any]:
    return {(r["account_id"], r["resource_id"]): r["tags"] for r in rows["resources"]}


def _by_resource(account: str, resource: str) -> Callable[[Scope, Row, Any], bool]:
    def rule(scope: Scope, row: Row, inventory: Any) -> bool:
        key = (row[account], row[resource])
        if key not in inventory:
            return sees(scope, account=row[account], tags=None)
        return sees(scope, account=row[account], tags=inventory[key])

    return rule


# view -> whether a scope sees one of its rows (the owner's), by the rules of docs/security.md
RULES: dict[str, Callable[[Scope, Row, Any], bool]] = {
    "costs": lambda s, r, _: sees(s, account=r["sub_account_id"], tags=r["tags"]),
    "resources": lambda s, r, _: sees(s, account=r["account_id"], tags=r["tags"]),
    "resource_history": _by_resource("account_id", "resource_id"),
    "utilization_daily": _by_resource("account_id", "resource_id"),
    "findings": _by_resource("account_id", "resource_id"),
    "anomalies": lambda s, r, _: sees_own_scope(s, r["scope"]),
    "forecasts": lambda s, r, _: sees_own_scope(s, r["scope"]),
    "budgets": lambda s, r, _: sees_own_scope(s, r["scope"]),
    "coh_recommendations": lambda s, r, _: sees(s, account=r["account_id"], tags=r["tags"]),
    "carbon_emissions": lambda s, r, _: sees(s, account=r["usage_account_id"], tags=None),
    "data_quality": lambda s, r, _: s.unrestricted,
}


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
    with _owner(settings) as conn:
        load_everything_else(conn)
    yield settings
    get_api_engine(settings).dispose()
    get_engine(settings).dispose()


def _owner(settings: Settings) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(libpq_url(server_url(settings)), autocommit=True)


def _owner_rows(settings: Settings) -> dict[str, list[Row]]:
    with _owner(settings) as conn:
        views = [
            str(r[0])
            for r in conn.execute(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'finops' AND c.relkind = 'v' ORDER BY 1"
            )
        ]
        rows: dict[str, list[Row]] = {}
        for view in views:
            cursor = conn.execute(f"SELECT * FROM finops.{view}")
            names = [d.name for d in cursor.description or []]
            rows[view] = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    return rows


def _expected(settings: Settings, scope: Scope) -> dict[str, int]:
    rows = _owner_rows(settings)
    inventory = _inventory_tags(rows)
    return {
        view: sum(1 for row in view_rows if RULES[view](scope, row, inventory))
        for view, view_rows in rows.items()
    }


def test_every_view_has_a_rule_and_rows(estate: Settings) -> None:
    rows = _owner_rows(estate)
    assert set(rows) == set(RULES)
    assert sorted(v for v, r in rows.items() if not r) == []
    assert len(rows["costs"]) == 9
    assert _expected(estate, ONLY_A)["costs"] == 3
    assert _expected(estate, NOBODY) == dict.fromkeys(RULES, 0)


def _api_counts(settings: Settings, scope: Scope | None) -> dict[str, int]:
    with get_api_engine(settings).connect() as conn:
        if scope is not None:
            apply_scope(conn, scope)
        return {
            view: conn.execute(text(f"SELECT count(*) FROM finops.{view}")).scalar_one()
            for view in RULES
        }


def _console_counts(settings: Settings, scope: Scope) -> dict[str, int]:
    url = libpq_url(console_url(settings))
    counts = {}
    for view in RULES:
        result = execute_readonly(
            url, f"select count(*) from {view}", scope=scope, timeout_s=10, row_limit=1
        )
        counts[view] = int(str(result.rows[0][0]))
    return counts


@pytest.mark.parametrize("name", sorted(SCOPES))
def test_the_api_role_sees_its_scope_through_every_view(estate: Settings, name: str) -> None:
    expected = _expected(estate, SCOPES[name])
    assert _api_counts(estate, SCOPES[name]) == expected


@pytest.mark.parametrize("name", sorted(SCOPES))
def test_the_console_sees_its_scope_through_every_view(estate: Settings, name: str) -> None:
    expected = _expected(estate, SCOPES[name])
    assert _console_counts(estate, SCOPES[name]) == expected


def test_scoped_counts_and_sums_by_hand(estate: Settings) -> None:
    """The issue's query: a scoped user's ``sum(billed_cost)`` by account returns their accounts
    only, through ``costs``, ``cost_attributes`` and ``cost_facts``, as the API and the console."""
    query = "select sub_account_id, count(*), sum(billed_cost) from costs group by 1 order by 1"
    cases = [
        (ONLY_A, [(A, 3, Decimal("3.75"))]),
        (ONLY_B, [(B, 6, Decimal("19.50"))]),
        (RED, [(A, 3, Decimal("3.75"))]),
        (BLUE_OR_RED_IN_B, [(B, 3, Decimal("7.50"))]),
        (CC1, [(A, 3, Decimal("3.75"))]),
        (ALL, [(A, 3, Decimal("3.75")), (B, 6, Decimal("19.50"))]),
    ]
    url = libpq_url(console_url(estate))
    for scope, want in cases:
        console = run_readonly(url, query, scope=scope, timeout_s=10, row_limit=10).rows
        assert console == want, scope
        with get_api_engine(estate).connect() as conn:
            apply_scope(conn, scope)
            api = [tuple(r) for r in conn.execute(text(query))]
            facts = conn.execute(
                text("SELECT count(*), sum(billed_cost) FROM finops.cost_facts")
            ).one()
            attributes = conn.execute(
                text("SELECT count(DISTINCT sub_account_id) FROM finops.cost_attributes")
            ).scalar_one()
        assert api == want, scope
        assert tuple(facts) == (sum(w[1] for w in want), sum(w[2] for w in want))
        assert attributes == len(want)


def test_no_scope_is_no_rows(estate: Settings) -> None:
    assert _api_counts(estate, None) == dict.fromkeys(RULES, 0)
    with psycopg.connect(libpq_url(console_url(estate))) as conn:
        assert conn.execute("SELECT count(*) FROM finops.costs").fetchone() == (0,)
        conn.execute("SET finops.scope = ''")
        assert conn.execute("SELECT count(*) FROM finops.costs").fetchone() == (0,)
    with psycopg.connect(libpq_url(api_url(estate))) as conn:
        for table in ("cost_facts", "cost_attributes", "cost_rollup_daily", "anomaly_incidents"):
            assert conn.execute(f"SELECT count(*) FROM finops.{table}").fetchone() == (0,), table


def test_the_application_role_sees_everything(estate: Settings) -> None:
    expected = _expected(estate, ALL)
    with get_engine(estate).connect() as conn:
        counts = {
            view: conn.execute(text(f"SELECT count(*) FROM finops.{view}")).scalar_one()
            for view in RULES
        }
        facts = conn.execute(text("SELECT count(*) FROM finops.cost_facts")).scalar_one()
    assert counts == expected
    assert facts == 9


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
            assert _scalar(conn, "SELECT count(*) FROM finops.costs") == 6
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
        assert _scalar(conn, "SELECT count(*) FROM finops.cost_facts") == 3
        assert _scalar(conn, "SELECT count(*) FROM finops.anomaly_incidents") == 1
        assert _scalar(conn, "SELECT count(*) FROM finops.budget_definitions") == 1
        assert _scalar(conn, "SELECT count(*) FROM finops.forecast_points") == 2
        conn.execute(text("RESET finops.scope"))
        assert _scalar(conn, "SELECT count(*) FROM finops.cost_facts") == 0
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
        assert _scalar(conn, "SELECT count(*) FROM finops.budgets WHERE name = 'mine'") == 1
        conn.rollback()
        for scope in (f'{{"account": "{B}"}}', "{}"):
            with pytest.raises(Exception, match="row-level security"):
                conn.execute(insert, {"name": "theirs", "scope": scope})
            conn.rollback()


def _scalar(conn: Connection, statement: str) -> object:
    return conn.execute(text(statement)).scalar_one()


def test_every_table_is_under_row_level_security(estate: Settings) -> None:
    with _owner(estate) as conn:
        rows = conn.execute(
            "SELECT c.relname, c.relrowsecurity, "
            "(SELECT count(*) FROM pg_policies p WHERE p.schemaname = 'finops' "
            " AND p.tablename = c.relname) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'finops' AND c.relkind IN ('r', 'p') AND NOT c.relispartition"
        ).fetchall()
        owners = conn.execute(
            "SELECT DISTINCT pg_get_userbyid(c.relowner) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'finops' AND c.relkind = 'v'"
        ).fetchall()
        roles = conn.execute(
            "SELECT rolname, rolbypassrls, rolcanlogin FROM pg_roles WHERE rolname IN "
            "(%s, %s, %s, %s) ORDER BY 1",
            (
                estate.db_app_role,
                estate.db_api_role,
                estate.db_console_role,
                estate.db_view_owner_role,
            ),
        ).fetchall()
    assert len(rows) == 33
    assert [r[0] for r in rows if not (r[1] and r[2] == 2)] == []
    assert owners == [(estate.db_view_owner_role,)]
    assert roles == [
        ("finops_api", False, True),
        ("finops_app", True, True),
        ("finops_console", False, True),
        ("finops_views", False, False),
    ]


def test_the_role_names_must_differ(finops_home: Path) -> None:
    """Policies name the roles: one role playing two parts would get both parts' rows."""
    from pydantic import ValidationError

    for clash in ({"db_api_role": "finops_app"}, {"db_view_owner_role": "finops_console"}):
        with pytest.raises(ValidationError, match="distinct names"):
            Settings(home=finops_home, environment="test", **clash)  # type: ignore[arg-type]


def test_a_materialized_view_is_for_the_jobs_only(fresh_settings: Settings) -> None:
    """Row-level security cannot apply to a materialized view (its rows were computed at the
    refresh): the scoped roles may not read one, the application role may."""
    from finops.db.migrate import upgrade

    with _owner(fresh_settings) as conn:
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
        assert _scalar(conn, "SELECT x FROM finops.later_mv") == 7


def test_an_upgrade_leaves_unchanged_policies_alone(fresh_settings: Settings) -> None:
    """Every command's upgrade re-runs grants.sql: it must not recreate the policies (creating
    one takes an exclusive lock on its table) while the API reads, only when they change."""
    import threading

    from finops.db.migrate import upgrade

    def policies() -> dict[str, int]:
        with _owner(fresh_settings) as conn:
            rows = conn.execute(
                "SELECT c.relname || '.' || p.polname, p.oid::int FROM pg_policy p "
                "JOIN pg_class c ON c.oid = p.polrelid"
            ).fetchall()
        return {str(name): int(str(oid)) for name, oid in rows}

    before = policies()
    with get_api_engine(fresh_settings).connect() as reader:
        apply_scope(reader, ALL)
        assert _scalar(reader, "SELECT count(*) FROM finops.costs") == 0  # holds its locks
        done = threading.Event()
        thread = threading.Thread(
            target=lambda: (upgrade(get_engine(fresh_settings)), done.set()), daemon=True
        )
        thread.start()
        thread.join(timeout=60)
        assert done.is_set(), "the upgrade waited for the reader's locks"
    assert policies() == before
    with _owner(fresh_settings) as conn:
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
