"""Accounts, resources (+ detail), usage and invoices on the package's estate, and the list
machinery they share: paging, sorting (an unknown column is a 422 naming ``sort``), CSV and
Parquet downloads of every row, and team scoping. Expected figures come from plain SQL on the
warehouse as the application role (no row-level security)."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from finops.auth.roles import Role
from finops.config import Settings
from finops.db.engine import get_engine
from finops.warehouse.scope import Scope
from tests.factories.identity import BASE_URL, add_token, add_user, bearer

V1 = "/api/v1"


def _sql(settings: Settings, query: str, **params: Any) -> list[Any]:
    with get_engine(settings).connect() as conn:
        return list(conn.execute(text(query), params))


@pytest.fixture(scope="module")
def last_day(estate_settings: Settings) -> date:
    (row,) = _sql(estate_settings, "SELECT max(charge_period_start)::date AS d FROM finops.costs")
    assert isinstance(row.d, date)
    return row.d


@pytest.fixture(scope="module")
def account_costs(estate_settings: Settings, last_day: date) -> dict[str, tuple[Decimal, Decimal]]:
    rows = _sql(
        estate_settings,
        """SELECT sub_account_id AS a, sum(billed_cost) AS total,
                  coalesce(sum(billed_cost) FILTER (WHERE charge_period_start >= :s), 0) AS recent
           FROM finops.costs GROUP BY 1""",
        s=last_day - timedelta(days=29),
    )
    return {r.a: (Decimal(r.recent), Decimal(r.total)) for r in rows}


@pytest.fixture(scope="module")
def scoped(estate_settings: Settings, account_costs: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """A viewer limited to the second largest account."""
    account = sorted(account_costs, key=lambda a: -account_costs[a][1])[1]
    name = f"scoped-{uuid.uuid4().hex[:6]}"
    add_user(estate_settings, name, Role.VIEWER, scope=Scope(accounts=frozenset({account})))
    return account, bearer(add_token(estate_settings, name))


def test_accounts_list_every_account_with_its_costs(
    client: TestClient, account_costs: dict[str, tuple[Decimal, Decimal]]
) -> None:
    body = client.get(f"{V1}/accounts").json()
    assert body["total"] == len(account_costs) == 9
    assert (body["limit"], body["offset"]) == (100, 0)
    got = {
        i["account_id"]: (Decimal(i["cost_30d"]), Decimal(i["cost_total"])) for i in body["items"]
    }
    assert got == account_costs
    recent = [Decimal(i["cost_30d"]) for i in body["items"]]
    assert recent == sorted(recent, reverse=True)  # the default order
    assert all(i["account_name"] and i["currency"] == "USD" for i in body["items"])


def test_accounts_carry_the_team_and_cost_center_most_of_their_cost_has(
    client: TestClient, estate_settings: Settings, last_day: date
) -> None:
    """An account's team and cost center: the ``team`` / cost center tag value carrying the
    largest part of its cost over the last 30 days of data (ties: the smaller value)."""
    expected: dict[str, dict[str, str | None]] = {}
    for key, field in (("team", "team"), ("cost_center", "cost_center")):
        rows = _sql(
            estate_settings,
            # the key as the bill spells it (user:cost-center): compared canonically
            """SELECT DISTINCT ON (a) a, v FROM (
                   SELECT sub_account_id AS a, t.value AS v, sum(billed_cost) AS c
                   FROM finops.costs, jsonb_each_text(tags) AS t
                   WHERE charge_period_start >= :s AND replace(regexp_replace(lower(t.key),
                         '^user(:|_)', ''), '-', '_') = :k
                   GROUP BY 1, 2) t
               ORDER BY a, c DESC, v""",
            k=key,
            s=last_day - timedelta(days=29),
        )
        for r in rows:
            expected.setdefault(r.a, {})[field] = r.v
    assert sum(1 for e in expected.values() if e.get("team")) >= 5  # the estate tags most
    body = client.get(f"{V1}/accounts").json()
    got = {
        i["account_id"]: {"team": i["team"], "cost_center": i["cost_center"]} for i in body["items"]
    }
    assert got == {
        a: {
            "team": expected.get(a, {}).get("team"),
            "cost_center": expected.get(a, {}).get("cost_center"),
        }
        for a in got
    }
    by_team = client.get(f"{V1}/accounts", params={"sort": "team"}).json()["items"]
    teams = [i["team"] for i in by_team if i["team"] is not None]
    assert teams == sorted(teams)


def test_paging_and_sorting(client: TestClient, account_costs: dict[str, Any]) -> None:
    ids = sorted(account_costs)
    first = client.get(f"{V1}/accounts", params={"sort": "account_id", "limit": 4}).json()
    second = client.get(
        f"{V1}/accounts", params={"sort": "account_id", "limit": 4, "offset": 4}
    ).json()
    assert [i["account_id"] for i in first["items"] + second["items"]] == ids[:8]
    assert (second["total"], second["limit"], second["offset"]) == (9, 4, 4)
    down = client.get(f"{V1}/accounts", params={"sort": "-account_id"}).json()
    assert [i["account_id"] for i in down["items"]] == ids[::-1]


def test_an_unknown_sort_column_names_the_parameter(client: TestClient) -> None:
    response = client.get(f"{V1}/accounts", params={"sort": "-password"})
    assert response.status_code == 422
    body = response.json()
    assert (body["code"], body["param"]) == ("invalid_parameter", "sort")
    (problem,) = body["detail"]  # the schema lists the columns (the sort pattern)
    assert problem["loc"] == ["query", "sort"] and "account_id|account_name" in problem["msg"]
    limit = client.get(f"{V1}/accounts", params={"limit": 1001}).json()
    assert (limit["code"], limit["param"]) == ("invalid_parameter", "limit")
    missing = client.get(f"{V1}/resources/no-such-resource").json()
    assert (missing["code"], missing["param"]) == ("not_found", None)


def test_csv_and_parquet_downloads_hold_every_row(
    client: TestClient, estate_settings: Settings
) -> None:
    (count,) = _sql(estate_settings, "SELECT count(*) AS n FROM finops.utilization_daily")
    as_csv = client.get(f"{V1}/usage", params={"format": "csv", "limit": 1})
    assert as_csv.status_code == 200
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert 'filename="usage.csv"' in as_csv.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert len(rows) == count.n > 1000  # every row, not a page
    as_parquet = client.get(f"{V1}/usage", params={"format": "parquet", "sort": "-p95"})
    table = pq.read_table(io.BytesIO(as_parquet.content))
    assert table.num_rows == count.n
    assert str(table.schema.field("day").type) == "date32[day]"
    p95 = [v for v in table.column("p95").to_pylist() if v is not None]
    assert p95 == sorted(p95, reverse=True)
    (top,) = _sql(estate_settings, "SELECT max(p95) AS m FROM finops.utilization_daily")
    assert p95[0] == top.m
    money = client.get(f"{V1}/accounts", params={"format": "parquet"})
    accounts = pq.read_table(io.BytesIO(money.content)).to_pylist()
    assert len(accounts) == 9
    assert all(isinstance(a["cost_total"], Decimal) for a in accounts)


def test_resources_carry_cost_findings_and_utilization(
    client: TestClient, estate_settings: Settings
) -> None:
    body = client.get(f"{V1}/resources", params={"limit": 1000}).json()
    (inventory,) = _sql(estate_settings, "SELECT count(*) AS n FROM finops.resources")
    assert body["total"] == inventory.n == len(body["items"])
    (open_findings,) = _sql(
        estate_settings,
        """SELECT count(*) AS n FROM finops.findings f WHERE status IN ('new', 'open')
           AND resource_id IN (SELECT resource_id FROM finops.resources)""",
    )
    assert sum(i["open_findings"] for i in body["items"]) == open_findings.n > 0
    assert any(i["cpu_p95_14d"] is not None for i in body["items"])
    instances = client.get(
        f"{V1}/resources", params={"resource_type": "AWS::EC2::Instance", "sort": "resource_id"}
    ).json()
    assert instances["items"] and all(
        i["resource_type"] == "AWS::EC2::Instance" for i in instances["items"]
    )
    ids = [i["resource_id"] for i in instances["items"]]
    assert ids == sorted(ids)


def test_resource_detail(client: TestClient, estate_settings: Settings, last_day: date) -> None:
    listed = client.get(
        f"{V1}/resources", params={"resource_type": "AWS::EC2::Instance", "sort": "-open_findings"}
    ).json()["items"][0]
    detail = client.get(f"{V1}/resources/{listed['resource_id']}").json()
    daily = _sql(
        estate_settings,
        """SELECT charge_period_start::date AS day, sum(billed_cost) AS cost FROM finops.costs
           WHERE resource_id = :r AND charge_period_start >= :s GROUP BY 1 ORDER BY 1""",
        r=listed["resource_id"],
        s=last_day - timedelta(days=29),
    )
    assert [(d["day"], Decimal(d["cost"])) for d in detail["daily_cost"]] == [
        (r.day.isoformat(), Decimal(r.cost)) for r in daily
    ]
    assert Decimal(detail["cost_30d"]) == Decimal(listed["cost_30d"]) == sum(r.cost for r in daily)
    assert detail["account_name"] == listed["account_name"]
    assert (
        len([f for f in detail["findings"] if f["status"] in ("new", "open")])
        == (listed["open_findings"])
        > 0
    )
    cpu = [u for u in detail["utilization"] if u["metric_name"] == "CPUUtilization"]
    assert cpu and {u["metric_name"] for u in detail["utilization"]} <= {
        "CPUUtilization",
        "NetworkIn",
        "NetworkOut",
    }


def test_invoices_add_up_to_the_bill(client: TestClient, estate_settings: Settings) -> None:
    body = client.get(f"{V1}/spend/invoices", params={"billing_period": "2026-10"}).json()
    (bill,) = _sql(
        estate_settings,
        """SELECT sum(billed_cost) AS billed, count(DISTINCT sub_account_id) AS accounts
           FROM finops.costs WHERE billing_period_start = '2026-10-01'""",
    )
    assert body["total"] == bill.accounts == 9
    assert sum(Decimal(i["billed_cost"]) for i in body["items"]) == bill.billed
    assert {i["billing_period"] for i in body["items"]} == {"2026-10-01"}
    assert client.get(f"{V1}/spend/invoices").json()["total"] == 18  # 2 periods × 9 accounts


def test_a_scoped_user_sees_only_their_accounts(
    client: TestClient, scoped: tuple[str, dict[str, str]], account_costs: dict[str, Any]
) -> None:
    account, headers = scoped
    accounts = client.get(f"{V1}/accounts", headers=headers).json()
    assert [i["account_id"] for i in accounts["items"]] == [account]
    assert Decimal(accounts["items"][0]["cost_total"]) == account_costs[account][1]
    resources = client.get(f"{V1}/resources", headers=headers).json()
    assert resources["total"] > 0
    assert {i["account_id"] for i in resources["items"]} == {account}
    invoices = client.get(f"{V1}/spend/invoices", headers=headers).json()
    assert {i["account_id"] for i in invoices["items"]} == {account}
    anonymous = TestClient(client.app, base_url=BASE_URL).get(f"{V1}/accounts")
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "not_authenticated")
