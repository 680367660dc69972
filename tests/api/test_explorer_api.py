"""The Explorer over HTTP on the hand-written bill of ``tests/factories/small_bill.py`` (known
totals): grouping, filters, the chart's top series and Other, the default range, downloads of
every (period, group) row, the pickers' dimensions and values, error codes naming the
parameter, and team scoping."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

from finops.auth.roles import Role
from finops.config import Settings
from finops.ingest.billing import ingest_billing
from finops.warehouse.scope import Scope
from tests.conftest import migrated_settings
from tests.factories.identity import BASE_URL, add_token, add_user, admin_headers, bearer
from tests.factories.small_bill import BILL, B, write_bill

URL = "/api/v1/explorer"
D = Decimal
EC2, RDS = "Amazon Elastic Compute Cloud", "Amazon Relational Database Service"
S3 = "Amazon Simple Storage Service"
TWO_MONTHS = {"start": "2026-01-01", "end": "2026-02-28"}


@pytest.fixture(scope="module")
def bill_settings(
    pg_server: object, admin_url: str, finops_home: Path, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    settings = migrated_settings(pg_server, admin_url, finops_home, "t_explorer_api")
    assert isinstance(settings, Settings)
    ingest_billing(write_bill(tmp_path_factory.mktemp("bill"), BILL), settings=settings)
    return settings


@pytest.fixture(scope="module")
def api(bill_settings: Settings) -> Iterator[TestClient]:
    from finops.api.main import create_app

    app = create_app(settings=bill_settings, frontend_dist=None)
    with TestClient(app, base_url=BASE_URL, headers=admin_headers(bill_settings)) as client:
        yield client


def test_monthly_by_service_with_the_top_series_and_other(api: TestClient) -> None:
    body = api.get(URL, params={**TWO_MONTHS, "group_by": "service_name", "top": 2}).json()
    assert (body["granularity"], body["metric"], body["currency"]) == (
        "monthly",
        "billed_cost",
        "USD",
    )
    assert body["periods"] == ["2026-01-01", "2026-02-01"]
    assert D(body["total"]) == D("202.9011")
    assert [(g["keys"], D(g["total"])) for g in body["groups"]] == [
        ([RDS], D("157.1234")),
        ([EC2], D("40.7777")),
        ([S3], D("5.0000")),
    ]
    assert [(s["labels"], [D(p) for p in s["points"]], s["other"]) for s in body["series"]] == [
        ([RDS], [D("7.1234"), D("150.0000")], False),
        ([EC2], [D("24.3333"), D("16.4444")], False),
        (["Other"], [D("2.5000"), D("2.5000")], True),
    ]
    assert (body["other"]["groups"], D(body["other"]["total"])) == (1, D("5.0000"))


def test_daily_by_account_and_tag_with_filters(api: TestClient) -> None:
    body = api.get(
        URL,
        params={
            **TWO_MONTHS,
            "granularity": "daily",
            "group_by": ["account_id", "tag:user_team"],
            "tag": "user_team:web",
        },
    ).json()
    assert body["filters"] == {"tag:user_team": ["web"]}
    assert [(g["keys"][1], D(g["total"])) for g in body["groups"]] == [("web", D("33.0000"))]
    (series,) = body["series"]
    assert len(series["points"]) == len(body["periods"]) == 59
    assert [D(p) for p in series["points"] if D(p)] == [D("10"), D("11"), D("12")]
    ec2_east = api.get(
        URL, params={**TWO_MONTHS, "service_name": EC2, "region_id": "us-east-1"}
    ).json()
    assert D(ec2_east["total"]) == D("36.3333")
    untagged = api.get(URL, params={**TWO_MONTHS, "tag": "user_team:"}).json()
    assert D(untagged["total"]) == D("7.1234") + D("2.5000") + D("150.0000")


def test_the_default_range_is_the_last_three_full_months(api: TestClient) -> None:
    body = api.get(URL).json()  # data ends 2026-02-02: February is not complete
    assert (body["start"], body["end"]) == ("2025-11-01", "2026-01-31")
    assert D(body["total"]) == D("33.9567")


def test_csv_and_parquet_hold_every_period_and_group(api: TestClient) -> None:
    params = {**TWO_MONTHS, "granularity": "daily", "group_by": ["account_id", "region_id"]}
    as_csv = api.get(URL, params={**params, "format": "csv"})
    assert 'filename="cost-explorer.csv"' in as_csv.headers["content-disposition"]
    lines = list(csv.reader(io.StringIO(as_csv.text)))
    assert lines[0] == ["period", "account_id", "region_id", "account_name", "cost"]
    assert len(lines) - 1 == 8  # (day, account, region) cells of the bill
    assert sum(D(line[4]) for line in lines[1:]) == D("202.9011")
    table = pq.read_table(
        io.BytesIO(api.get(URL, params={**params, "format": "parquet"}).content)
    ).to_pylist()
    assert [
        (r["period"].isoformat(), r["account_id"], r["region_id"], r["cost"]) for r in table
    ] == [(line[0], line[1], line[2], D(line[4])) for line in lines[1:]]
    tags = api.get(URL, params={**TWO_MONTHS, "group_by": "tag:user_team", "format": "csv"})
    assert tags.text.splitlines()[0] == "period,tag_user_team,cost"


def test_dimensions_and_values(api: TestClient) -> None:
    keys = [d["key"] for d in api.get(f"{URL}/dimensions").json()["dimensions"]]
    assert keys[:6] == [
        "account_id",
        "service_name",
        "service_category",
        "region_id",
        "charge_category",
        "usage_type",
    ]
    assert "tag:user_team" in keys
    team = api.get(f"{URL}/values", params={"dimension": "tag:user_team"}).json()
    assert [v["value"] for v in team["values"] if v["value"]] == ["data", "web"]
    # cost without the tag is offered too, as "(none)" (its filter value is ""), last
    assert team["values"][-1] == {"value": "", "label": "(none)"}
    assert len(team["values"]) == 3
    untagged = api.get(URL, params={**TWO_MONTHS, "tag": "user_team:"}).json()
    tagged = api.get(URL, params={**TWO_MONTHS, "tag": ["user_team:data", "user_team:web"]}).json()
    everything = api.get(URL, params=TWO_MONTHS).json()
    assert D(untagged["total"]) == D("7.1234") + D("2.5000") + D("150.0000")
    assert D(untagged["total"]) + D(tagged["total"]) == D(everything["total"])
    none = api.get(f"{URL}/values", params={"dimension": "tag:user_team", "q": "none"}).json()
    assert none["values"] == [{"value": "", "label": "(none)"}]
    assert api.get(f"{URL}/values", params={"dimension": "tag:user_team", "q": "we"}).json()[
        "values"
    ] == [{"value": "web", "label": "web"}]
    services = api.get(f"{URL}/values", params={"dimension": "service_name", "q": "storage"}).json()
    assert [v["value"] for v in services["values"]] == [S3]


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"group_by": "colour"}, "group_by"),
        ({"group_by": ["service_name", "region_id", "account_id"]}, "group_by"),
        ({"tag": "no-colon"}, "tag"),
        ({"start": "2026-02-01", "end": "2026-01-01"}, "start"),
        ({"top": "0"}, "top"),
        ({"granularity": "hourly"}, "granularity"),
    ],
)
def test_errors_name_the_parameter(api: TestClient, params: dict[str, object], param: str) -> None:
    response = api.get(URL, params=params)
    assert response.status_code == 422
    assert (response.json()["code"], response.json()["param"]) == ("invalid_parameter", param)


def test_a_scoped_user_sees_only_their_account(api: TestClient, bill_settings: Settings) -> None:
    add_user(bill_settings, "explorer-b", Role.VIEWER, scope=Scope(accounts=frozenset({B})))
    headers = bearer(add_token(bill_settings, "explorer-b"))
    body = api.get(URL, params={**TWO_MONTHS, "group_by": "account_id"}, headers=headers).json()
    assert [(g["keys"], D(g["total"])) for g in body["groups"]] == [([B], D("12.7777"))]
    values = api.get(f"{URL}/values", params={"dimension": "account_id"}, headers=headers).json()
    assert [v["value"] for v in values["values"]] == [B]
