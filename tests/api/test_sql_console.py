"""The SQL console over HTTP and team scoping through the API: a scoped analyst's queries and
every list endpoint answer only their accounts (row-level security under the console and API
roles), with the same figures an unscoped admin gets by filtering on those accounts."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from finops.api.access import ROUTE_ACCESS
from finops.auth.roles import Role
from finops.config import Settings
from finops.warehouse.scope import Scope
from tests.factories.identity import BASE_URL, add_token, add_user, admin_headers, bearer

ISSUE_QUERY = "select sub_account_id, sum(billed_cost) from costs group by 1 order by 1"


def _owner_sums(settings: Settings) -> dict[str, Decimal]:
    import psycopg

    from finops.db.engine import libpq_url, owner_url

    with psycopg.connect(libpq_url(owner_url(settings))) as conn:
        rows = conn.execute(
            "select sub_account_id, sum(billed_cost) from finops.costs group by 1"
        ).fetchall()
    return {str(a): Decimal(s) for a, s in rows}


@pytest.fixture(scope="module")
def accounts(estate_settings: Settings) -> dict[str, Decimal]:
    sums = _owner_sums(estate_settings)
    assert len(sums) >= 3
    return sums


@pytest.fixture(scope="module")
def scoped(estate_settings: Settings, accounts: dict[str, Decimal]) -> Iterator[TestClient]:
    """An analyst limited to the two accounts with the smallest ids, by API token."""
    from finops.api.main import create_app

    allowed = frozenset(sorted(accounts)[:2])
    add_user(estate_settings, "scoped-analyst", Role.ANALYST, scope=Scope(accounts=allowed))
    token = add_token(estate_settings, "scoped-analyst")
    app = create_app(settings=estate_settings, frontend_dist=None)
    with TestClient(app, base_url=BASE_URL, headers=bearer(token)) as client:
        yield client


@pytest.fixture(scope="module")
def admin(estate_settings: Settings) -> Iterator[TestClient]:
    from finops.api.main import create_app

    app = create_app(settings=estate_settings, frontend_dist=None)
    headers = admin_headers(estate_settings)
    with TestClient(app, base_url=BASE_URL, headers=headers) as client:
        yield client


def _allowed(accounts: dict[str, Decimal]) -> list[str]:
    return sorted(accounts)[:2]


def test_a_scoped_analyst_sums_only_their_accounts(
    scoped: TestClient, admin: TestClient, accounts: dict[str, Decimal]
) -> None:
    response = scoped.post("/api/v1/sql/query", json={"sql": ISSUE_QUERY})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["columns"] == ["sub_account_id", "sum"]
    assert body["rows"] == [[a, format(accounts[a], "f")] for a in _allowed(accounts)]
    assert body["row_count"] == 2 and body["truncated"] is False
    # the admin (unscoped) sees every account, to the cent the owner sees
    everyone = admin.post("/api/v1/sql/query", json={"sql": ISSUE_QUERY}).json()
    assert {a: Decimal(s) for a, s in everyone["rows"]} == accounts


@pytest.mark.parametrize(
    "statement",
    [
        # hand-written attempts to see beyond the scope stay inside it
        "select sub_account_id, sum(billed_cost) from costs where true or sub_account_id <> '' "
        "group by 1 order by 1",
        "with c as (select * from costs) select sub_account_id, sum(billed_cost) from c "
        "group by 1 order by 1",
        "select sub_account_id, sum(billed_cost) from (select * from finops.costs union all "
        "select * from finops.costs where false) x group by 1 order by 1",
    ],
)
def test_hand_written_sql_stays_in_scope(
    scoped: TestClient, accounts: dict[str, Decimal], statement: str
) -> None:
    response = scoped.post("/api/v1/sql/query", json={"sql": statement})
    assert response.status_code == 200, response.text
    assert [row[0] for row in response.json()["rows"]] == _allowed(accounts)


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("select sum(billed_cost) from finops.cost_facts", "not allowed in the SQL console"),
        ("select set_config('finops.scope', '', true)", "set_config() is not allowed"),
        ("delete from costs", "only SELECT or WITH"),
        ("select 1; select 2", "single statement"),
    ],
)
def test_what_the_console_refuses(scoped: TestClient, statement: str, message: str) -> None:
    response = scoped.post("/api/v1/sql/query", json={"sql": statement})
    assert response.status_code == 400, response.text
    assert message in response.json()["detail"]


def test_row_cap_and_values(scoped: TestClient) -> None:
    response = scoped.post(
        "/api/v1/sql/query",
        json={
            "sql": "select charge_period_start, billed_cost, tags from costs "
            "order by charge_period_start, billed_cost desc",
            "limit": 3,
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["row_count"] == 3 and body["truncated"] is True
    day, cost, tags = body["rows"][0]
    assert day.endswith("+00:00") and isinstance(cost, str) and Decimal(cost) >= 0
    assert isinstance(tags, dict)


def test_the_tables_are_the_public_views(scoped: TestClient) -> None:
    response = scoped.get("/api/v1/sql/tables")
    assert response.status_code == 200, response.text
    names = [t["name"] for t in response.json()["data"]]
    assert "costs" in names and "findings" in names
    assert "cost_facts" not in names and "audit_log" not in names and "users" not in names
    costs = next(t for t in response.json()["data"] if t["name"] == "costs")
    assert {"name": "billed_cost", "type": "numeric"} in costs["columns"]


def test_a_viewer_may_not_use_the_console(estate_settings: Settings) -> None:
    from finops.api.main import create_app

    add_user(estate_settings, "plain-viewer", Role.VIEWER)
    headers = bearer(add_token(estate_settings, "plain-viewer"))
    with TestClient(create_app(settings=estate_settings, frontend_dist=None)) as client:
        response = client.post("/api/v1/sql/query", json={"sql": "select 1"}, headers=headers)
    assert response.status_code == 403


def test_queries_are_rate_limited_per_user(estate_settings: Settings) -> None:
    from finops.api.main import create_app

    add_user(estate_settings, "busy-analyst", Role.ANALYST)
    busy = bearer(add_token(estate_settings, "busy-analyst"))
    other = admin_headers(estate_settings)
    limited = estate_settings.model_copy(update={"sql_queries_per_minute": 3})
    with TestClient(create_app(settings=limited, frontend_dist=None)) as client:
        codes = [
            client.post("/api/v1/sql/query", json={"sql": "select 1"}, headers=busy).status_code
            for _ in range(4)
        ]
        refused = client.post("/api/v1/sql/query", json={"sql": "select 1"}, headers=busy)
        catalog = client.get("/api/v1/sql/tables", headers=busy)
        someone_else = client.post("/api/v1/sql/query", json={"sql": "select 1"}, headers=other)
    assert codes == [200, 200, 200, 429]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "at most 3 SQL queries a minute" in refused.json()["detail"]
    assert refused.json()["code"] == "rate_limited"
    assert (catalog.status_code, catalog.json()["code"]) == (429, "rate_limited")
    assert someone_else.status_code == 200


# -- every list endpoint ------------------------------------------------------------------------

LIST_ROUTES = sorted(
    path
    for (method, path), access in ROUTE_ACCESS.items()
    if method == "GET" and access is Role.VIEWER and "{" not in path
)


LIST_PARAMS = {
    "/api/v1/explorer/values": {"dimension": "account_id"},
    "/api/v1/savings/rollup": {"by": "account"},
}
"""The required parameters of a list."""


def _account_values(value: Any) -> Iterator[str]:
    """Every account id a JSON answer names: ``account_id`` fields and account scopes."""
    if isinstance(value, dict):
        if isinstance(value.get("account_id"), str):
            yield value["account_id"]
        if value.get("scope_kind") == "account":
            yield str(value["scope"])
        for item in value.values():
            yield from _account_values(item)
    elif isinstance(value, list):
        for item in value:
            yield from _account_values(item)


def _scope_kinds(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        if "scope_kind" in value and "scope" in value:
            yield str(value["scope_kind"])
        for item in value.values():
            yield from _scope_kinds(item)
    elif isinstance(value, list):
        for item in value:
            yield from _scope_kinds(item)


@pytest.mark.parametrize("path", LIST_ROUTES)
def test_every_list_endpoint_answers_only_the_scope(
    path: str, scoped: TestClient, admin: TestClient, accounts: dict[str, Decimal]
) -> None:
    mine = scoped.get(path, params=LIST_PARAMS.get(path))
    everyone = admin.get(path, params=LIST_PARAMS.get(path))
    assert everyone.status_code == 200, everyone.text
    if path == "/api/v1/allocation/chargeback":
        # by cost center: an account-scoped user is told why there is nothing to show
        assert mine.status_code == 404
        assert "visible to your team scope" in mine.json()["detail"]
        return
    assert mine.status_code == 200, mine.text
    seen = set(_account_values(mine.json()))
    assert seen <= set(_allowed(accounts)), path
    # whole-bill, service and tag scopes are not an account-scoped user's to see
    assert set(_scope_kinds(mine.json())) <= {"account"}, path
    assert set(_account_values(everyone.json())) >= seen


def test_totals_equal_the_admins_filtered_figures(
    scoped: TestClient, admin: TestClient, accounts: dict[str, Decimal]
) -> None:
    allowed = _allowed(accounts)
    filters = scoped.get("/api/v1/filters").json()
    assert [a["account_id"] for a in filters["accounts"]] == allowed
    mine = scoped.get("/api/v1/kpi/summary", params={"billing_period": "2026-10"}).json()
    theirs = [
        admin.get(
            "/api/v1/kpi/summary", params={"billing_period": "2026-10", "account_id": a}
        ).json()
        for a in allowed
    ]
    assert Decimal(mine["period_cost"]) == sum(Decimal(t["period_cost"]) for t in theirs)
    assert Decimal(mine["period_cost"]) > 0
    whole = admin.get("/api/v1/kpi/summary", params={"billing_period": "2026-10"}).json()
    assert Decimal(whole["period_cost"]) > Decimal(mine["period_cost"])
    # a scoped user asking for an account outside the scope gets nothing, not an error
    outside = sorted(accounts)[-1]
    other = scoped.get(
        "/api/v1/kpi/summary", params={"billing_period": "2026-10", "account_id": outside}
    ).json()
    assert Decimal(other["period_cost"]) == 0


def test_findings_are_the_admins_findings_of_the_scope(
    scoped: TestClient, admin: TestClient, accounts: dict[str, Decimal]
) -> None:
    allowed = set(_allowed(accounts))
    mine = scoped.get("/api/v1/findings", params={"limit": 500}).json()
    everyone = admin.get("/api/v1/findings", params={"limit": 500}).json()
    expected = sorted(f["fingerprint"] for f in everyone["data"] if f["account_id"] in allowed)
    assert sorted(f["fingerprint"] for f in mine["data"]) == expected
    assert expected and len(expected) < len(everyone["data"])


def test_a_write_beyond_the_scope_is_403_and_stores_nothing(
    estate_settings: Settings, accounts: dict[str, Decimal]
) -> None:
    from finops.api.main import create_app

    mine = sorted(accounts)[0]
    add_user(estate_settings, "scoped-admin", Role.ADMIN, scope=Scope(accounts=frozenset({mine})))
    headers = bearer(add_token(estate_settings, "scoped-admin"))
    budget = {"period": "monthly", "amount": "100"}
    with TestClient(create_app(settings=estate_settings, frontend_dist=None)) as client:
        whole_bill = client.post(
            "/api/v1/budgets", json={**budget, "name": "whole-bill"}, headers=headers
        )
        own = client.post(
            "/api/v1/budgets",
            json={**budget, "name": "own-account", "scope": {"account": mine}},
            headers=headers,
        )
        names = [b["name"] for b in client.get("/api/v1/budgets", headers=headers).json()["data"]]
    assert whole_bill.status_code == 403
    assert "outside your team scope" in whole_bill.json()["detail"]
    assert own.status_code == 201, own.text
    assert "whole-bill" not in names and "own-account" in names


def test_whole_numbers_may_be_written_as_json_floats(scoped: TestClient) -> None:
    """JSON Schema counts 2.0 as an integer; the row cap and timeout take it as 2."""
    response = scoped.post(
        "/api/v1/sql/query", json={"sql": "select 1 as one", "limit": 2.0, "timeout_s": 5.0}
    )
    assert response.status_code == 200, response.text
    assert response.json()["rows"] == [[1]]
    refused = scoped.post("/api/v1/sql/query", json={"sql": "select 1", "limit": "2"})
    assert refused.status_code == 422
