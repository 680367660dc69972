"""``/api/v1/allocation/chargeback``: cost centers that add up to the bill, to the cent, with
shares that add up to exactly 100% and the unallocated remainder always shown."""

from __future__ import annotations

from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from finops.api.routes.allocation import shares_to_hundred
from finops.config import Settings
from finops.db.engine import get_engine


def _bill_total(settings: Settings, period: str) -> Decimal:
    with get_engine(settings).connect() as conn:
        total = conn.execute(
            text(
                "SELECT sum(effective_cost) FROM finops.costs "
                "WHERE billing_period_start = CAST(:p AS date)"
            ),
            {"p": f"{period}-01"},
        ).scalar_one()
    return Decimal(total).quantize(Decimal("0.01"))


@pytest.mark.parametrize("period", ["2026-10", "2026-09"])
def test_cost_centers_add_up_to_the_bill(
    client: TestClient, estate_settings: Settings, period: str
) -> None:
    body = client.get("/api/v1/allocation/chargeback", params={"billing_period": period}).json()
    assert body["billing_period"] == period
    assert body["billing_periods"] == ["2026-10", "2026-09"]
    assert body["currency"] == "USD"
    bill = _bill_total(estate_settings, period)
    assert Decimal(body["total"]) == bill > 0
    rows = body["data"]
    assert body["count"] == len(rows) >= 3
    assert sum(Decimal(r["cost"]) for r in rows) == bill
    assert sum(Decimal(r["share_pct"]) for r in rows) == Decimal("100.00")
    for row in rows:
        assert Decimal(row["cost"]) == Decimal(row["direct_cost"]) + Decimal(row["shared_cost"])
        assert Decimal(row["cost"]) == sum(Decimal(a["cost"]) for a in row["allocations"])
        exact = Decimal(row["cost"]) * 100 / bill
        assert abs(Decimal(row["share_pct"]) - exact) < Decimal("0.01")
    invalid = rows[-2]
    assert invalid["cost_center"] == "invalid-tag"
    assert Decimal(body["invalid_tag"]) == Decimal(invalid["cost"]) > 0
    assert body["invalid_tag_share_pct"] == invalid["share_pct"]
    # largest-remainder rounding moves a line by at most a cent
    forbidden = _forbidden_cost(estate_settings, period)
    assert abs(Decimal(invalid["direct_cost"]) - forbidden) <= Decimal("0.01")
    assert "CC-9999" in body["invalid_tag_values"]
    assert not {r["cost_center"] for r in rows} & set(body["invalid_tag_values"])
    unallocated = rows[-1]
    assert unallocated["cost_center"] == "unallocated"
    assert Decimal(body["unallocated"]) == Decimal(unallocated["cost"])
    assert body["unallocated_share_pct"] == unallocated["share_pct"]
    costs = [Decimal(r["cost"]) for r in rows[:-2]]
    assert costs == sorted(costs, reverse=True)
    assert any(a["allocation"].startswith("shared:") for a in rows[0]["allocations"])


def _forbidden_cost(settings: Settings, period: str) -> Decimal:
    """Direct cost of the rows whose cost-center tag carries a value the default tag policy
    does not allow (tag keys spelt as billed: user_cost_center, cost-center, ...)."""
    from finops.analytics.allocation.tagging import canonical_key, load_tag_policy

    allowed = set(load_tag_policy().allowed["cost-center"])
    total = Decimal(0)
    with get_engine(settings).connect() as conn:
        rows = conn.execute(
            text(
                "SELECT tags, effective_cost FROM finops.costs "
                "WHERE billing_period_start = CAST(:p AS date) AND charge_category = 'Usage' "
                "AND tags IS NOT NULL"
            ),
            {"p": f"{period}-01"},
        ).all()
    for tags, cost in rows:
        values = [v for k, v in tags.items() if canonical_key(k) == canonical_key("cost-center")]
        if values and values[0] and values[0] not in allowed:
            total += Decimal(cost)
    return total.quantize(Decimal("0.01"))


def test_each_cost_center_is_compared_with_the_month_before(client: TestClient) -> None:
    october = client.get("/api/v1/allocation/chargeback", params={"billing_period": "2026-10"})
    september = client.get("/api/v1/allocation/chargeback", params={"billing_period": "2026-09"})
    body, before = october.json(), september.json()
    assert body["previous_billing_period"] == "2026-09"
    assert Decimal(body["previous_total"]) == Decimal(before["total"]) > 0
    previous = {r["cost_center"]: Decimal(r["cost"]) for r in before["data"]}
    for row in body["data"]:
        assert Decimal(row["previous_cost"]) == previous.get(row["cost_center"], Decimal(0))
    assert before["previous_billing_period"] is None and before["previous_total"] is None


def test_default_period_is_the_latest_report(client: TestClient) -> None:
    body = client.get("/api/v1/allocation/chargeback").json()
    assert body["billing_period"] == "2026-10"


def test_missing_and_malformed_periods(client: TestClient) -> None:
    missing = client.get("/api/v1/allocation/chargeback", params={"billing_period": "2026-08"})
    assert missing.status_code == 404
    assert "2026-08" in missing.json()["detail"]
    assert "finops run allocation" in missing.json()["detail"]
    for bad in ("2026-13", "Oct 2026", "2026-1"):
        response = client.get("/api/v1/allocation/chargeback", params={"billing_period": bad})
        assert response.status_code == 422, bad
        assert "billing_period must look like YYYY-MM" in response.json()["detail"]


def test_an_empty_warehouse_says_to_run_the_job(fresh_settings: Settings) -> None:
    from finops.api.main import create_app
    from tests.factories.identity import admin_headers

    app = create_app(settings=fresh_settings, frontend_dist=None)
    client = TestClient(app, headers=admin_headers(fresh_settings))
    response = client.get("/api/v1/allocation/chargeback")
    assert response.status_code == 404
    assert "finops run allocation" in response.json()["detail"]
    findings = client.get("/api/v1/findings").json()
    assert findings["count"] == 0 and findings["data"] == []
    summary = client.get("/api/v1/findings/summary").json()
    assert summary["by_type"] == [] and summary["as_of"] is None


def test_shares_round_to_exactly_one_hundred() -> None:
    thirds = shares_to_hundred({"a": Decimal(1), "b": Decimal(1), "c": Decimal(1)})
    assert thirds == {"a": Decimal("33.34"), "b": Decimal("33.33"), "c": Decimal("33.33")}
    with_credit = shares_to_hundred({"a": Decimal(2), "b": Decimal(2), "c": Decimal(-1)})
    assert with_credit == {"a": Decimal("66.67"), "b": Decimal("66.66"), "c": Decimal("-33.33")}
    assert shares_to_hundred({"a": Decimal(0)}) == {"a": Decimal("0.00")}
