"""The Savings API against real measurements: findings fixed outside the platform and idle
instances stopped through the remediation core (moto), measured by the savings tracker from
hand-built bills (the factories of tests/analytics/savings). The list's filters, paging,
sorting and counts; one measurement with its windows, reasons and daily costs; the rollups and
the cumulative total with exact numbers; every list as CSV; no credentials refused, another
team's scope seeing nothing."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from finops.api.main import create_app
from finops.auth.roles import Role
from finops.config import Settings
from finops.db.engine import get_engine
from finops.warehouse.scope import Scope
from tests.analytics.savings.test_rollups import outside_fixes
from tests.factories.identity import add_token, add_user, admin_headers, bearer
from tests.factories.remediation import ACCOUNT
from tests.factories.savings import measurements, month_days, two_stopped_instances
from tests.factories.usage import MotoAws
from tests.remediation.conftest import RecordingClients, aws, clients, moto_endpoint

__all__ = ["aws", "clients", "moto_endpoint"]

V1 = "/api/v1/savings"
MARCH_ESTIMATE = Decimal("140.00") * 20 / 31  # 50.00 + 90.00 a month, 12 to 31 March
APRIL_ESTIMATE = Decimal("140.00") * 10 / 30  # 1 to 10 April


def _client(settings: Settings, headers: dict[str, str] | None = None) -> TestClient:
    return TestClient(
        create_app(settings=settings, frontend_dist=None),
        headers=admin_headers(settings) if headers is None else headers,
    )


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _dec(value: Any) -> Decimal:
    return Decimal(str(value))


def test_measurements_list_and_detail(fresh_settings: Settings, tmp_path: Path) -> None:
    outside_fixes(get_engine(fresh_settings), fresh_settings, tmp_path)
    client = _client(fresh_settings)
    body = client.get(f"{V1}/measurements").json()
    assert body["count"] == 2
    assert body["counts"] == {"awaiting_bills": 0, "measured": 0, "confirmed": 2}
    by_resource = {m["resource_id"]: m for m in body["data"]}
    gone, resized = by_resource["i-gone"], by_resource["i-resized"]
    # i-gone: 2.00 a day before, nothing after; × 31 (March, the after window's first month)
    assert _dec(gone["baseline_daily_effective"]) == Decimal("2.00")
    assert _dec(gone["after_daily_effective"]) == 0
    assert _dec(gone["realized_monthly_effective"]) == Decimal("62.00")
    assert _dec(gone["realized_monthly_list"]) == Decimal("62.00")
    assert _dec(gone["estimated_monthly_savings"]) == Decimal("50.00")
    # i-resized: 4.80 a day before, 2.40 after
    assert _dec(resized["realized_monthly_effective"]) == Decimal("2.40") * 31
    assert (gone["subject_kind"], gone["action"], gone["policy"]) == ("external_fix", None, None)
    assert (gone["baseline_start"], gone["baseline_end"]) == ("2026-02-25", "2026-03-10")
    assert (gone["change_day"], gone["after_start"], gone["after_end"]) == (
        "2026-03-11",
        "2026-03-12",
        "2026-04-10",
    )
    assert (gone["baseline_days"], gone["after_days"], gone["status"]) == (14, 30, "confirmed")

    sorted_ = client.get(
        f"{V1}/measurements", params={"sort": "realized_monthly_effective", "order": "asc"}
    ).json()
    assert [m["resource_id"] for m in sorted_["data"]] == ["i-gone", "i-resized"]
    paged = client.get(
        f"{V1}/measurements",
        params={"sort": "realized_monthly_effective", "order": "desc", "limit": 1, "offset": 1},
    ).json()
    assert ([m["resource_id"] for m in paged["data"]], paged["count"]) == (["i-gone"], 2)
    outside = client.get(f"{V1}/measurements", params={"action": "outside"}).json()
    assert outside["count"] == 2
    for params in ({"action": "stop_instance"}, {"status": "measured"}, {"account": "9" * 12}):
        assert client.get(f"{V1}/measurements", params=params).json()["count"] == 0
    confidence = gone["confidence"]
    assert client.get(f"{V1}/measurements", params={"confidence": confidence}).json()[
        "count"
    ] == sum(1 for m in body["data"] if m["confidence"] == confidence)

    detail = client.get(f"{V1}/measurements/{gone['id']}").json()
    assert _dec(detail["baseline_effective_cost"]) == Decimal("28.00")  # 14 × 2.00
    assert _dec(detail["after_effective_cost"]) == 0
    assert detail["days_in_month"] == 31
    assert (
        detail["resource_tags"]
        == measurements(get_engine(fresh_settings))["i-gone"]["resource_tags"]
    )
    assert "outside_platform" in [r["code"] for r in detail["reasons"]]
    assert all(r["text"] for r in detail["reasons"])
    days = detail["daily"]
    assert (days[0]["day"], days[-1]["day"], len(days)) == ("2026-02-25", "2026-04-10", 45)
    by_day = {d["day"]: d for d in days}
    assert _dec(by_day["2026-03-01"]["effective_cost"]) == Decimal("2.00")
    assert _dec(by_day["2026-03-01"]["list_cost"]) == Decimal("2.00")
    assert _dec(by_day["2026-03-01"]["usage"]) == 24
    assert sum(_dec(d["effective_cost"]) for d in days if d["day"] >= "2026-03-12") == 0
    missing = client.get(f"{V1}/measurements/987654321")
    assert missing.status_code == 404
    assert "savings measurement 987654321" in missing.json()["detail"]


def test_rollups_cumulative_and_csv(fresh_settings: Settings, tmp_path: Path) -> None:
    outside_fixes(get_engine(fresh_settings), fresh_settings, tmp_path)
    client = _client(fresh_settings)
    months = client.get(f"{V1}/rollup", params={"by": "month"}).json()
    assert (months["start"], months["end"], months["currency"]) == (
        "2026-03-01",
        "2026-04-10",
        "USD",
    )
    march, april = months["data"]
    assert (march["key"], march["subjects"], _dec(march["realized_effective"])) == (
        "2026-03",
        2,
        Decimal("88.00"),  # 20 days × (2.00 + 2.40)
    )
    assert _dec(march["estimated"]) == MARCH_ESTIMATE
    assert _dec(march["realization_rate"]) == Decimal("88.00") / MARCH_ESTIMATE
    march_spend = Decimal("31.00") + Decimal("20.00") + Decimal("52.80") + Decimal("48.00")
    assert _dec(march["spend"]) == march_spend
    assert _dec(march["share_of_spend"]) == Decimal("88.00") / (march_spend + Decimal("88.00"))
    assert (april["key"], _dec(april["realized_effective"]), _dec(april["estimated"])) == (
        "2026-04",
        Decimal("44.00"),
        APRIL_ESTIMATE,
    )
    total = months["total"]
    assert _dec(total["realized_effective"]) == Decimal("132.00")
    assert _dec(total["estimated"]) == MARCH_ESTIMATE + APRIL_ESTIMATE
    assert _dec(total["realization_rate"]) == Decimal("132.00") / (MARCH_ESTIMATE + APRIL_ESTIMATE)

    # the allocation job's rules: CC-1 is not a value the default tag policy allows, so its
    # savings go where the chargeback puts its cost (invalid-tag) unless that bucket is off
    centers = client.get(f"{V1}/rollup", params={"by": "cost_center"}).json()["data"]
    assert [(c["key"], _dec(c["realized_effective"])) for c in centers] == [
        ("invalid-tag", Decimal("60.00")),  # i-gone: 30 days × 2.00
        ("unallocated", Decimal("72.00")),  # i-resized: 30 days × 2.40
    ]
    no_bucket = fresh_settings.model_copy(update={"allocation_invalid_tag_bucket": False})
    centers = _client(no_bucket).get(f"{V1}/rollup", params={"by": "cost_center"}).json()["data"]
    assert [(c["key"], _dec(c["estimated"])) for c in centers] == [
        ("CC-1", Decimal("50.00") * 20 / 31 + Decimal("50.00") * 10 / 30),
        ("unallocated", Decimal("90.00") * 20 / 31 + Decimal("90.00") / 3),
    ]
    actions = client.get(f"{V1}/rollup", params={"by": "action"}).json()["data"]
    assert [(a["key"], a["spend"]) for a in actions] == [("outside the platform", None)]
    april_only = client.get(
        f"{V1}/rollup", params={"by": "account", "start": "2026-04-01", "end": "2026-04-10"}
    ).json()
    (account,) = april_only["data"]
    assert (account["key"], _dec(account["realized_effective"])) == (ACCOUNT, Decimal("44.00"))
    assert _dec(account["spend"]) == Decimal("10.00") + Decimal("24.00")

    # another account's savings: none, and its spend is its own bill's (none here)
    theirs = client.get(
        f"{V1}/rollup",
        params={"by": "month", "account": "9" * 12, "start": "2026-03-01", "end": "2026-04-10"},
    ).json()
    assert [(m["key"], _dec(m["realized_effective"]), m["spend"]) for m in theirs["data"]] == [
        ("2026-03", 0, "0"),
        ("2026-04", 0, "0"),
    ]

    running = client.get(f"{V1}/cumulative").json()
    assert [(m["month"], _dec(m["realized"]), _dec(m["cumulative"])) for m in running["data"]] == [
        ("2026-03", Decimal("88.00"), Decimal("88.00")),
        ("2026-04", Decimal("44.00"), Decimal("132.00")),
    ]

    listed = client.get(f"{V1}/measurements", params={"format": "csv", "limit": 1})
    assert listed.headers["content-type"].startswith("text/csv")
    assert "savings-measurements.csv" in listed.headers["content-disposition"]
    rows = _csv(listed.text)  # every matching row: no paging
    assert sorted((r["resource_id"], _dec(r["realized_monthly_effective"])) for r in rows) == [
        ("i-gone", Decimal("62.00")),
        ("i-resized", Decimal("74.40")),
    ]
    assert rows[0]["action"] == ""  # null is empty
    by_month = _csv(client.get(f"{V1}/rollup", params={"by": "month", "format": "csv"}).text)
    assert [(r["key"], _dec(r["realized_effective"]), _dec(r["estimated"])) for r in by_month] == [
        ("2026-03", Decimal("88.00"), MARCH_ESTIMATE),
        ("2026-04", Decimal("44.00"), APRIL_ESTIMATE),
    ]
    assert by_month[0]["share_of_spend"] == march["share_of_spend"]
    cumulative = _csv(client.get(f"{V1}/cumulative", params={"format": "csv"}).text)
    assert [r["cumulative"] for r in cumulative] == [m["cumulative"] for m in running["data"]]

    backwards = client.get(f"{V1}/rollup", params={"by": "month", "start": "2026-04-11"})
    assert backwards.status_code == 422
    assert "start 2026-04-11 is after end 2026-04-10" in backwards.text
    ages = client.get(f"{V1}/cumulative", params={"start": "1970-01-01", "end": "2999-12-31"})
    assert ages.status_code == 422
    assert "a savings rollup covers at most 3660 days" in ages.text


def test_no_credentials_and_another_scope(fresh_settings: Settings, tmp_path: Path) -> None:
    outside_fixes(get_engine(fresh_settings), fresh_settings, tmp_path)
    anonymous = TestClient(create_app(settings=fresh_settings, frontend_dist=None))
    for path in ("/measurements", "/measurements/1", "/rollup?by=month", "/cumulative"):
        assert anonymous.get(f"{V1}{path}").status_code == 401
    add_user(fresh_settings, "own-viewer", Role.VIEWER, scope=Scope(accounts=frozenset({ACCOUNT})))
    add_user(
        fresh_settings, "other-viewer", Role.VIEWER, scope=Scope(accounts=frozenset({"9" * 12}))
    )
    own = _client(fresh_settings, bearer(add_token(fresh_settings, "own-viewer")))
    other = _client(fresh_settings, bearer(add_token(fresh_settings, "other-viewer")))
    mine = own.get(f"{V1}/measurements").json()
    assert mine["count"] == 2
    assert other.get(f"{V1}/measurements").json() == {
        "data": [],
        "count": 0,
        "counts": {"awaiting_bills": 0, "measured": 0, "confirmed": 0},
    }
    measurement_id = mine["data"][0]["id"]
    assert own.get(f"{V1}/measurements/{measurement_id}").status_code == 200
    assert other.get(f"{V1}/measurements/{measurement_id}").status_code == 404
    window = {"by": "month", "start": "2026-03-01", "end": "2026-04-10"}
    theirs = other.get(f"{V1}/rollup", params=window).json()
    assert [_dec(m["realized_effective"]) for m in theirs["data"]] == [0, 0]
    assert [m["spend"] for m in theirs["data"]] == ["0", "0"]  # their accounts' bill: none
    assert _dec(theirs["total"]["realized_effective"]) == 0
    assert _dec(own.get(f"{V1}/rollup", params=window).json()["total"]["realized_effective"]) == (
        Decimal("132.00")
    )
    assert _csv(other.get(f"{V1}/measurements", params={"format": "csv"}).text) == []


def test_actions_by_type_and_policy(
    fresh_settings: Settings,
    aws: MotoAws,
    clients: RecordingClients,
    tmp_path: Path,
) -> None:
    engine = get_engine(fresh_settings)
    stop, second, day, last = two_stopped_instances(engine, fresh_settings, aws, clients, tmp_path)
    client = _client(fresh_settings)
    listed = client.get(
        f"{V1}/measurements",
        params={"action": "stop_instance", "sort": "estimated_monthly_savings"},
    ).json()
    assert [(m["proposal_id"], m["status"]) for m in listed["data"]] == [
        (stop.id, "measured"),  # estimate 70.00 first (descending)
        (second.id, "measured"),
    ]
    assert _dec(listed["data"][0]["realized_monthly_effective"]) == Decimal("2.40") * month_days(
        day + timedelta(days=1)
    )
    policy = f"stop-instance-{stop.resource_id[-6:].lower()}"
    assert [
        m["proposal_id"]
        for m in client.get(f"{V1}/measurements", params={"policy": policy}).json()["data"]
    ] == [stop.id]
    assert client.get(f"{V1}/measurements", params={"action": "outside"}).json()["count"] == 0
    window = {"start": day.isoformat(), "end": last.isoformat()}
    (line,) = client.get(f"{V1}/rollup", params={"by": "action", **window}).json()["data"]
    assert (line["key"], line["subjects"]) == ("stop_instance", 2)
    assert _dec(line["realized_effective"]) == (Decimal("2.40") + Decimal("1.00")) * 9
    policies = client.get(f"{V1}/rollup", params={"by": "policy", **window}).json()["data"]
    assert {p["key"]: _dec(p["realized_effective"]) for p in policies}[policy] == (
        Decimal("2.40") * 9
    )
