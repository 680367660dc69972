"""Commitment utilization, coverage and recommendations, the optimization lists (idle,
rightsizing, savings) and the allocation lists (cost centers, tag compliance) on the package's
estate (the commitments, waste and allocation jobs run as of its last day). Expected figures
come from plain SQL on the tables the jobs wrote (application role: no row-level security)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pyarrow.parquet as pq
from fastapi.testclient import TestClient
from sqlalchemy import text

from finops.api.queries.optimization import IDLE_TYPES, RIGHTSIZING_TYPES
from finops.config import Settings
from finops.db.engine import get_engine

V1 = "/api/v1"
D = Decimal


def _sql(settings: Settings, query: str, **params: Any) -> list[Any]:
    with get_engine(settings).connect() as conn:
        return list(conn.execute(text(query), params))


def test_monthly_utilization_per_commitment_type(
    client: TestClient, estate_settings: Settings
) -> None:
    expected = _sql(
        estate_settings,
        """SELECT date_trunc('month', day)::date AS m, commitment_type AS kind,
                  sum(committed_cost) AS c, sum(used_cost) AS u, sum(unused_cost) AS n
           FROM finops.commitment_utilization_daily GROUP BY 1, 2 ORDER BY 1, 2""",
    )
    body = client.get(f"{V1}/discounts/utilization").json()
    assert body["total"] == len(expected) >= 2
    assert [
        (i["period"], i["commitment_type"], D(i["committed_cost"]), D(i["used_cost"]))
        for i in body["items"]
    ] == [(r.m.isoformat(), r.kind, r.c, r.u) for r in expected]
    for item, row in zip(body["items"], expected, strict=True):
        assert D(item["unused_cost"]) == row.n
        assert D(item["utilization_pct"]) == (row.u * 100 / row.c).quantize(D("0.01"))
    daily = client.get(
        f"{V1}/discounts/utilization",
        params={"granularity": "daily", "commitment_type": "Savings Plan", "limit": 1000},
    ).json()
    (days,) = _sql(
        estate_settings,
        """SELECT count(DISTINCT day) AS n FROM finops.commitment_utilization_daily
           WHERE commitment_type = 'Savings Plan'""",
    )
    assert daily["total"] == days.n > 1
    assert {i["commitment_type"] for i in daily["items"]} == {"Savings Plan"}


def test_coverage_over_time(client: TestClient, estate_settings: Settings) -> None:
    expected = _sql(
        estate_settings,
        """SELECT service_name AS s, sum(eligible_list_cost) AS e, sum(covered_list_cost) AS c
           FROM finops.commitment_coverage_daily GROUP BY 1""",
    )
    body = client.get(f"{V1}/discounts/coverage", params={"sort": "-coverage_pct"}).json()
    by_service: dict[str, list[Decimal]] = {}
    for item in body["items"]:
        got = by_service.setdefault(item["service_name"], [D(0), D(0)])
        got[0] += D(item["eligible_list_cost"])
        got[1] += D(item["covered_list_cost"])
    assert by_service == {r.s: [r.e, r.c] for r in expected}
    pct = [D(i["coverage_pct"]) for i in body["items"] if i["coverage_pct"] is not None]
    assert pct == sorted(pct, reverse=True) and pct[0] == D("100.00")


def test_recommendations_of_the_latest_run(client: TestClient, estate_settings: Settings) -> None:
    expected = _sql(
        estate_settings,
        """SELECT term_years, payment_option, estimated_monthly_savings AS s
           FROM finops.savings_plan_recommendations
           WHERE as_of = (SELECT max(as_of) FROM finops.savings_plan_recommendations)""",
    )
    body = client.get(f"{V1}/discounts/recommendations").json()
    assert body["total"] == len(expected) == 6  # 2 terms × 3 payment options
    assert {
        (i["term_years"], i["payment_option"], D(i["estimated_monthly_savings"]))
        for i in body["items"]
    } == {(r.term_years, r.payment_option, r.s) for r in expected}
    assert all(D(i["monthly_commitment"]) == D(i["hourly_commitment"]) * 730 for i in body["items"])


def test_idle_and_rightsizing_lists_are_the_open_findings(
    client: TestClient, estate_settings: Settings
) -> None:
    for path, types in (("idle", IDLE_TYPES), ("rightsizing", RIGHTSIZING_TYPES)):
        expected = _sql(
            estate_settings,
            """SELECT fingerprint, estimated_monthly_savings AS s FROM finops.findings
               WHERE finding_type = ANY(:t) AND status IN ('new', 'open')""",
            t=list(types),
        )
        body = client.get(f"{V1}/optimization/{path}").json()
        assert body["total"] == len(expected) > 0, path
        assert {(i["fingerprint"], D(i["estimated_monthly_savings"])) for i in body["items"]} == {
            (r.fingerprint, r.s) for r in expected
        }
        savings = [D(i["estimated_monthly_savings"]) for i in body["items"]]
        assert savings == sorted(savings, reverse=True)
    resolved = client.get(f"{V1}/optimization/idle", params={"status": "resolved"}).json()
    assert {i["status"] for i in resolved["items"]} <= {"resolved"}


def test_savings_by_finding_type(client: TestClient, estate_settings: Settings) -> None:
    expected = _sql(
        estate_settings,
        """SELECT finding_type AS kind, count(*) AS n, sum(estimated_monthly_savings) AS s
           FROM finops.findings WHERE status IN ('new', 'open') GROUP BY 1""",
    )
    body = client.get(f"{V1}/optimization/savings").json()
    assert {
        (i["finding_type"], i["findings"], D(i["estimated_monthly_savings"])) for i in body["items"]
    } == {(r.kind, r.n, r.s) for r in expected}
    categories = {i["finding_type"]: i["category"] for i in body["items"]}
    assert categories.get("idle_instance") == "idle"
    assert categories.get("gp2_volume") == "rightsizing"
    as_csv = client.get(f"{V1}/optimization/savings", params={"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert sum(D(r["estimated_monthly_savings"]) for r in rows) == sum(r.s for r in expected)


def test_cost_centers_are_the_chargeback(client: TestClient, estate_settings: Settings) -> None:
    expected = _sql(
        estate_settings,
        """SELECT billing_period AS p, cost_center AS c, sum(cost) AS cost
           FROM finops.chargeback_monthly GROUP BY 1, 2""",
    )
    body = client.get(f"{V1}/allocation/cost-centers", params={"format": "parquet"})
    table = pq.read_table(io.BytesIO(body.content)).to_pylist()
    assert {(r["billing_period"], r["cost_center"], r["cost"]) for r in table} == {
        (r.p, r.c, r.cost) for r in expected
    }
    assert all(r["direct_cost"] + r["shared_cost"] == r["cost"] for r in table)
    october = client.get(
        f"{V1}/allocation/cost-centers", params={"billing_period": "2026-10", "limit": 2}
    ).json()
    assert october["total"] == len([r for r in expected if r.p.month == 10])
    assert len(october["items"]) == 2
    assert D(october["items"][0]["cost"]) >= D(october["items"][1]["cost"])


def test_tag_compliance_per_required_key(client: TestClient, estate_settings: Settings) -> None:
    body = client.get(
        f"{V1}/allocation/tag-compliance", params={"start": "2026-10-01", "end": "2026-10-31"}
    ).json()
    (usage,) = _sql(
        estate_settings,
        """SELECT sum(effective_cost) AS total FROM finops.costs WHERE charge_category = 'Usage'
           AND charge_period_start >= '2026-10-01' AND charge_period_start < '2026-11-01'""",
    )
    keys = [i["tag_key"] for i in body["items"]]
    assert keys == ["*", "team", "environment", "cost-center", "application"]
    for item in body["items"]:
        parts = D(item["compliant_cost"]) + D(item["missing_cost"]) + D(item["invalid_cost"])
        assert D(item["total_cost"]) == parts == usage.total
    assert (body["start"], body["end"]) == ("2026-10-01", "2026-10-31")
    every = body["items"][0]
    assert all(D(every["compliant_cost"]) <= D(i["compliant_cost"]) for i in body["items"])
    worst = client.get(
        f"{V1}/allocation/tag-compliance",
        params={"start": "2026-10-01", "end": "2026-10-31", "sort": "compliant_pct", "limit": 1},
    ).json()
    assert worst["items"][0]["tag_key"] == "*" and worst["total"] == 5
