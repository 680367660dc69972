"""Team scoping is enforced by PostgreSQL: the API role and the console role see, through every
public view and through the base tables, only the rows of the scope set for their transaction,
whatever SQL they run; no scope is no rows; the application role (the jobs) sees everything.

Every expectation is the owner's rows filtered by hand (``tests.factories.scoped.sees``)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import text

from finops.config import Settings
from finops.db.engine import (
    api_url,
    console_url,
    get_api_engine,
    get_engine,
    libpq_url,
)
from finops.db.readonly import execute_readonly, run_readonly
from finops.warehouse.scope import ALL, Scope, apply_scope
from tests.factories.scoped import (
    BLUE_OR_RED_IN_B,
    CC1,
    NOBODY,
    ONLY_A,
    ONLY_B,
    RED,
    A,
    B,
    owner,
    sees,
    sees_own_scope,
)

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


def _owner_rows(settings: Settings) -> dict[str, list[Row]]:
    with owner(settings) as conn:
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
        for table in (
            "cost_facts",
            "cost_attributes",
            "cost_rollup_daily",
            "rollup_cost_daily",
            "rollup_cost_tag_daily",
            "anomaly_incidents",
        ):
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


def test_every_table_is_under_row_level_security(estate: Settings) -> None:
    with owner(estate) as conn:
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
    assert len(rows) == 49  # audit_chain_head 0015, remediation 0016, savings 0017, rollups 0018,
    # assistant_queries 0019, insights 0020, usage_incidents 0021
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
