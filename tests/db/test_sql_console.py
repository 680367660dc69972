"""The read-only SQL console: answers, refusals, timeouts and row caps on a real server."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from finops.config import Settings
from finops.db.engine import console_url, libpq_url, server_url
from finops.db.readonly import check_statement, run_readonly
from finops.errors import QueryFailedError, QueryRefusedError
from finops.ingest.billing import ingest_billing
from finops.warehouse.scope import ALL
from tests.factories.cur2 import Cur2Export


@pytest.fixture
def loaded(fresh_settings: Settings, tmp_path: Path) -> str:
    export = Cur2Export()
    for day in range(1, 4):
        export.add_usage(
            day=datetime(2026, 3, day),
            account="444444444444",
            service="AmazonEC2",
            cost="1.25",
            hours=2,
        )
    ingest_billing(str(export.write(tmp_path)), settings=fresh_settings)
    return libpq_url(console_url(fresh_settings))


@pytest.mark.parametrize(
    "statement",
    [
        "delete from costs",
        "DROP TABLE finops.audit_log",
        "select 1; delete from costs",
        "insert into finops.audit_log (actor, action, subject) values ('a', 'b', 'c')",
        "select pg_sleep(60)",
        "select pg_terminate_backend(1)",
        "",
        "-- only a comment",
    ],
)
def test_refused_statements(statement: str) -> None:
    with pytest.raises(QueryRefusedError):
        check_statement(statement)


def test_literals_and_comments_do_not_confuse_the_check() -> None:
    assert (
        check_statement("select 'a; delete' as x -- ; drop\n;")
        == "select 'a; delete' as x -- ; drop"
    )
    assert check_statement("  WITH t AS (SELECT 1) SELECT * FROM t").startswith("WITH")


def test_count_matches_and_writes_inside_select_are_blocked(loaded: str) -> None:
    result = run_readonly(
        loaded, "select count(*), sum(billed_cost) from costs", scope=ALL, timeout_s=5, row_limit=10
    )
    assert result.rows[0][0] == 3
    assert str(result.rows[0][1]) == "3.75"  # the source files' own scale
    with pytest.raises(QueryRefusedError, match="read-only"):
        run_readonly(
            loaded,
            "with d as (delete from finops.cost_facts returning 1) select count(*) from d",
            scope=ALL,
            timeout_s=5,
            row_limit=10,
        )
    assert (
        run_readonly(
            loaded, "select count(*) from costs", scope=ALL, timeout_s=5, row_limit=10
        ).rows[0][0]
        == 3
    )


def test_timeout_and_row_cap(loaded: str) -> None:
    with pytest.raises(QueryFailedError, match="statement timeout"):
        run_readonly(
            loaded,
            "select count(*) from generate_series(1, 2000000000)",
            scope=ALL,
            timeout_s=0.3,
            row_limit=10,
        )
    capped = run_readonly(
        loaded, "select * from generate_series(1, 50)", scope=ALL, timeout_s=5, row_limit=20
    )
    assert len(capped.rows) == 20 and capped.truncated


def _finops_sql(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, FINOPS_DATABASE_URL=server_url(settings))
    return subprocess.run(
        [sys.executable, "-m", "finops", "sql", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_cli_exit_codes(loaded: str, fresh_settings: Settings) -> None:
    ok = _finops_sql(fresh_settings, "select count(*) as n from costs", "--format", "csv")
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout == "n\n3\n"
    refused = _finops_sql(fresh_settings, "delete from costs")
    assert refused.returncode == 1
    assert "DELETE is refused" in refused.stderr


def test_cli_scope_account(loaded: str, fresh_settings: Settings) -> None:
    """``--scope-account`` runs the query as a user scoped to those accounts would."""
    counts = {}
    for accounts in ([], ["444444444444"], ["555555555555"], ["555555555555", "444444444444"]):
        options = [a for account in accounts for a in ("--scope-account", account)]
        query = "select count(*) as n, sum(billed_cost) as s from costs"
        run = _finops_sql(fresh_settings, query, "--format", "csv", *options)
        assert run.returncode == 0, run.stderr
        counts[tuple(accounts)] = run.stdout
    assert counts == {
        (): "n,s\n3,3.75\n",
        ("444444444444",): "n,s\n3,3.75\n",
        ("555555555555",): "n,s\n0,\n",
        ("555555555555", "444444444444"): "n,s\n3,3.75\n",
    }
