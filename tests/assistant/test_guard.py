"""The guard on model-written SQL (finops.assistant.guard), then the console's checks: writes,
tables outside the public views, a second statement and a scope escape are refused."""

from __future__ import annotations

import pytest

from finops.assistant.guard import check_llm_sql
from finops.errors import QueryRefusedError


@pytest.mark.parametrize(
    ("statement", "reason"),
    [
        ("DELETE FROM finops.costs", "only a SELECT"),
        ("UPDATE finops.budget_definitions SET amount = 1", "only a SELECT"),
        ("INSERT INTO finops.audit_log (actor) VALUES ('x')", "only a SELECT"),
        ("DROP VIEW finops.costs", "only a SELECT"),
        ("SELECT * INTO finops.copy FROM finops.costs", "only reading"),
        ("SELECT 1; DELETE FROM finops.costs", "single statement"),
        ("SELECT sum(billed_cost) FROM costs; SELECT * FROM finops.users", "single statement"),
        ("SELECT * FROM finops.users", "finops.users is not one of the public views"),
        ("SELECT * FROM finops.audit_log", "finops.audit_log is not one"),
        ("SELECT * FROM pg_catalog.pg_authid", "pg_catalog.pg_authid is not one"),
        ("SELECT * FROM finops.cost_line_items", "finops.cost_line_items is not one"),
        ("WITH x AS (SELECT * FROM finops.api_tokens) SELECT * FROM x", "finops.api_tokens"),
        ("SELECT (SELECT count(*) FROM finops.sessions) FROM finops.costs", "finops.sessions"),
    ],
)
def test_refused(statement: str, reason: str) -> None:
    with pytest.raises(QueryRefusedError, match=reason):
        check_llm_sql(statement)


def test_allowed_select_over_the_views() -> None:
    statement = (
        "WITH s AS (SELECT service_name, sum(billed_cost) AS c FROM finops.costs GROUP BY 1) "
        "SELECT * FROM s JOIN findings f ON f.service = s.service_name;"
    )
    assert check_llm_sql(statement) == statement.rstrip(";")
