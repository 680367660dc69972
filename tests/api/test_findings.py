"""``/api/v1/findings`` and ``/findings/summary`` on a generated estate after the waste and
tagging jobs: every figure checked against the ``findings`` view queried directly."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text

from finops.config import Settings
from finops.db.engine import get_engine


def _view(settings: Settings, where: str = "true", **params: Any) -> list[Any]:
    with get_engine(settings).connect() as conn:
        return list(
            conn.execute(
                text(
                    "SELECT fingerprint, finding_type, account_id, status, "
                    f"estimated_monthly_savings FROM finops.findings WHERE {where}"
                ),
                params,
            )
        )


def _all_pages(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    while True:
        body = client.get(
            "/api/v1/findings", params={**params, "limit": 7, "offset": len(rows)}
        ).json()
        rows += body["data"]
        if not body["data"]:
            return rows


def test_lists_every_finding_by_savings_with_totals(
    client: TestClient, estate_settings: Settings
) -> None:
    view = _view(estate_settings)
    assert len(view) >= 20
    body = client.get("/api/v1/findings", params={"limit": 500}).json()
    assert body["count"] == len(view)
    assert body["currency"] == "USD"
    total = sum((r.estimated_monthly_savings for r in view), Decimal(0))
    assert Decimal(body["total_estimated_monthly_savings"]) == total > 0
    savings = [Decimal(f["estimated_monthly_savings"]) for f in body["data"]]
    assert savings == sorted(savings, reverse=True)
    assert {f["fingerprint"] for f in body["data"]} == {r.fingerprint for r in view}
    top = body["data"][0]
    assert top["resource_id"] and top["account_id"] and top["details"]
    assert Decimal(top["cost_30d"]) > 0
    # pages of 7 are the same rows in the same order, with the count of the whole
    assert _all_pages(client) == body["data"]
    page = client.get("/api/v1/findings", params={"limit": 3, "offset": 3}).json()
    assert page["count"] == len(view) and page["data"] == body["data"][3:6]


def test_filters_by_type_account_and_status(client: TestClient, estate_settings: Settings) -> None:
    gp2 = client.get("/api/v1/findings", params={"finding_type": "gp2_volume"}).json()
    expected = _view(estate_settings, "finding_type = 'gp2_volume'")
    assert gp2["count"] == len(expected) > 0
    assert {f["finding_type"] for f in gp2["data"]} == {"gp2_volume"}
    assert Decimal(gp2["total_estimated_monthly_savings"]) == sum(
        (r.estimated_monthly_savings for r in expected), Decimal(0)
    )

    account = _view(estate_settings)[0].account_id
    by_account = client.get("/api/v1/findings", params={"account_id": account}).json()
    assert by_account["count"] == len(_view(estate_settings, "account_id = :a", a=account))
    assert {f["account_id"] for f in by_account["data"]} == {account}

    statuses = {r.status for r in _view(estate_settings)}
    assert statuses == {"new", "open", "resolved"}
    active = client.get("/api/v1/findings", params=[("status", "new"), ("status", "open")]).json()
    assert active["count"] == len(_view(estate_settings, "status IN ('new', 'open')"))
    assert {f["status"] for f in active["data"]} <= {"new", "open"}

    nothing = client.get(
        "/api/v1/findings", params={"finding_type": "idle_rds", "account_id": "000000000000"}
    ).json()
    assert nothing == {
        "data": [],
        "count": 0,
        "currency": "USD",
        "total_estimated_monthly_savings": "0",
        "total_commitment_waste": "0",
    }


def test_one_finding_by_its_fingerprint(client: TestClient, estate_settings: Settings) -> None:
    """What the dashboard's per-finding URL (/optimization?finding=...) asks for."""
    rows = _view(estate_settings)
    wanted = sorted(r.fingerprint for r in rows)[:2]
    one = client.get("/api/v1/findings", params={"fingerprint": wanted[0]}).json()
    assert [f["fingerprint"] for f in one["data"]] == [wanted[0]]
    assert one["count"] == 1
    (row,) = [r for r in rows if r.fingerprint == wanted[0]]
    assert Decimal(one["total_estimated_monthly_savings"]) == row.estimated_monthly_savings
    two = client.get("/api/v1/findings", params=[("fingerprint", f) for f in wanted]).json()
    assert sorted(f["fingerprint"] for f in two["data"]) == wanted
    none = client.get("/api/v1/findings", params={"fingerprint": "no-such-finding"}).json()
    assert (none["count"], none["data"]) == (0, [])


def test_rejects_bad_parameters_with_clear_messages(client: TestClient) -> None:
    bad_type = client.get("/api/v1/findings", params={"finding_type": "idle"})
    assert bad_type.status_code == 422
    [issue] = bad_type.json()["detail"]
    assert issue["loc"] == ["query", "finding_type"] and "idle_instance" in issue["msg"]
    bad_status = client.get("/api/v1/findings", params={"status": "closed"})
    assert bad_status.status_code == 422
    assert bad_status.json()["detail"][0]["loc"] == ["query", "status", 0]
    for params in ({"limit": 0}, {"limit": 501}, {"offset": -1}, {"account_id": ""}):
        response = client.get("/api/v1/findings", params=params)
        assert response.status_code == 422, params
        assert response.json()["detail"][0]["loc"][1] == next(iter(params))


def test_summary_per_type_adds_up_to_the_list(
    client: TestClient, estate_settings: Settings
) -> None:
    summary = client.get("/api/v1/findings/summary").json()
    assert summary["as_of"] == "2026-10-31"
    assert summary["currency"] == "USD"
    view = _view(estate_settings)
    assert summary["count"] == len(view)
    by_type = {t["finding_type"]: t for t in summary["by_type"]}
    for finding_type, row in by_type.items():
        rows = [r for r in view if r.finding_type == finding_type]
        assert row["count"] == len(rows)
        assert Decimal(row["estimated_monthly_savings"]) == sum(
            (r.estimated_monthly_savings for r in rows), Decimal(0)
        )
    assert {"idle_instance", "gp2_volume", "old_snapshot", "untagged_resource"} <= set(by_type)
    savings = [Decimal(t["estimated_monthly_savings"]) for t in summary["by_type"]]
    assert savings == sorted(savings, reverse=True)
    assert Decimal(summary["total_estimated_monthly_savings"]) == sum(savings)

    active = client.get("/api/v1/findings/summary", params={"status": "new"}).json()
    assert active["count"] == len(_view(estate_settings, "status = 'new'"))
    assert client.get("/api/v1/findings/summary", params={"status": "gone"}).status_code == 422


def test_commitment_waste_is_its_own_figure_never_savings(
    client: TestClient, estate_settings: Settings
) -> None:
    with get_engine(estate_settings).connect() as conn:
        rows = conn.execute(
            text(
                "SELECT finding_type, estimated_monthly_savings, commitment_waste, "
                "on_demand_monthly_savings FROM finops.findings"
            )
        ).all()
    waste = sum((r.commitment_waste for r in rows), Decimal(0))
    actionable = sum((r.estimated_monthly_savings for r in rows), Decimal(0))
    on_demand = sum((r.on_demand_monthly_savings or Decimal(0) for r in rows), Decimal(0))
    assert waste > 0 and actionable > 0
    assert {r.finding_type for r in rows if r.commitment_waste} <= {
        "underused_reservation",
        "underused_savings_plan",
    }
    summary = client.get("/api/v1/findings/summary").json()
    assert Decimal(summary["total_estimated_monthly_savings"]) == actionable
    assert Decimal(summary["total_commitment_waste"]) == waste
    assert Decimal(summary["total_on_demand_monthly_savings"]) == on_demand
    assert "effective" in summary["savings_basis"] and "commitment" in summary["savings_basis"]
    assert "commitment" in summary["commitment_waste_advice"]
    by_type = {t["finding_type"]: t for t in summary["by_type"]}
    for kind in ("underused_reservation", "underused_savings_plan"):
        if kind in by_type:
            assert Decimal(by_type[kind]["estimated_monthly_savings"]) == 0
            assert Decimal(by_type[kind]["commitment_waste"]) > 0
    listing = client.get("/api/v1/findings", params={"limit": 500}).json()
    assert Decimal(listing["total_estimated_monthly_savings"]) == actionable
    assert Decimal(listing["total_commitment_waste"]) == waste
    for f in listing["data"]:
        assert f["savings_method"] in {
            "effective_cost_30d",
            "effective_rate_difference_30d",
            "commitment_waste_30d",
            "none",
        }
        if f["savings_method"] == "effective_cost_30d":
            assert Decimal(f["estimated_monthly_savings"]) <= Decimal(f["cost_30d"]) + Decimal(
                "0.01"
            )
