"""``/api/v1/budgets``: budgets created through the API, evaluated by the real budget check on the
cost-intelligence export (actual from the ``costs`` view, forecast from the stored forecast),
alerts, validation errors naming the field, deletion; each change in the audit log."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from finops.analytics.budgets.job import run_budget_check
from finops.db.engine import get_engine
from tests.api.conftest import IntelEstate
from tests.factories.cost_intelligence import ACCOUNT_B, END

CENT = Decimal("0.01")


def _scalar(estate: IntelEstate, sql: str, **params: Any) -> Any:
    with get_engine(estate.settings).connect() as conn:
        return conn.execute(text(sql), params).scalar_one()


def _audit(estate: IntelEstate, action: str) -> list[Any]:
    """Budget changes made through the API (the logged-in admin is the actor), as `finops
    budgets create|delete` audits them."""
    with get_engine(estate.settings).connect() as conn:
        return list(
            conn.execute(
                text(
                    "SELECT actor, subject, run_id, request_id, details FROM finops.audit_log "
                    "WHERE action = :a AND actor = 'user:admin' ORDER BY id"
                ),
                {"a": action},
            )
        )


@pytest.fixture
def clean_budgets(intel_client: TestClient) -> Iterator[None]:
    """Each test starts and ends without budgets (the warehouse is shared by the package)."""
    yield
    for budget in intel_client.get("/api/v1/budgets").json()["data"]:
        assert intel_client.delete(f"/api/v1/budgets/{budget['id']}").status_code == 204


def _create(client: TestClient, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/api/v1/budgets", json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


@pytest.mark.usefixtures("clean_budgets")
def test_created_budgets_are_evaluated_with_actual_forecast_and_alerts(
    intel_client: TestClient, intel_estate: IntelEstate
) -> None:
    total = _create(
        intel_client,
        {"name": "Whole bill", "period": "monthly", "amount": "1000.00"},
    )
    assert (total["scope_kind"], total["scope"], total["amount"]) == ("total", {}, "1000.00")
    assert [(t["kind"], t["percent"]) for t in total["thresholds"]] == [
        ("actual", "80"),
        ("actual", "100"),
        ("forecast", "100"),
    ]
    assert total["evaluation"] is None and total["alerts"] == []
    data = _create(
        intel_client,
        {
            "name": "Data team",
            "scope": {"account": ACCOUNT_B},
            "period": "quarterly",
            "amount": 1_000_000,
            "thresholds": [{"kind": "forecast", "percent": "50"}],
            "channels": {"email": ["finops@example.com"]},
        },
    )
    assert data["scope_kind"] == "account" and data["channel_targets"] == {"email": 1}
    assert data["period"] == "quarterly" and data["amount"] == "1000000.00"

    run_budget_check(run_date=END, settings=intel_estate.settings)

    body = intel_client.get("/api/v1/budgets").json()
    assert body["count"] == 2
    assert [b["name"] for b in body["data"]] == ["Data team", "Whole bill"]
    shown = {b["name"]: b for b in body["data"]}

    whole = shown["Whole bill"]["evaluation"]
    march_actual = _scalar(
        intel_estate,
        "SELECT sum(billed_cost) FROM costs WHERE charge_period_start >= '2026-03-01T00:00Z' "
        "AND charge_period_start < '2026-03-30T00:00Z'",
    )
    # the rest of March (two days) from the forecast job's run on the same day
    rest = _scalar(
        intel_estate,
        "SELECT sum(yhat) FROM forecasts WHERE scope_kind = 'total' AND run_date = :d "
        "AND day <= '2026-03-31'",
        d=END,
    )
    actual = march_actual.quantize(CENT, ROUND_HALF_UP)
    assert (whole["period_start"], whole["period_end"], whole["run_date"]) == (
        "2026-03-01",
        "2026-03-31",
        str(END),
    )
    assert Decimal(whole["actual"]) == actual
    assert whole["forecast_model"] == "cost_forecast"
    assert Decimal(whole["forecast"]) == actual + rest
    assert Decimal(whole["actual_pct"]) == (100 * actual / 1000).quantize(CENT, ROUND_HALF_UP)
    assert Decimal(whole["forecast_pct"]) == (100 * (actual + rest) / 1000).quantize(
        CENT, ROUND_HALF_UP
    )
    # several thousand dollars against 1,000: every threshold fired, once, on the run date
    alerts = shown["Whole bill"]["alerts"]
    assert [(a["threshold_kind"], a["threshold_percent"]) for a in alerts] == [
        ("actual", "80.00"),
        ("actual", "100.00"),
        ("forecast", "100.00"),
    ]
    assert {a["crossed_on"] for a in alerts} == {str(END)}
    assert {Decimal(a["actual"]) for a in alerts} == {actual}

    quarter = shown["Data team"]["evaluation"]
    quarter_actual = _scalar(
        intel_estate,
        "SELECT sum(billed_cost) FROM costs WHERE sub_account_id = :a "
        "AND charge_period_start < '2026-03-30T00:00Z'",
        a=ACCOUNT_B,
    )
    assert quarter["period_start"] == "2026-01-01" and quarter["period_end"] == "2026-03-31"
    assert Decimal(quarter["actual"]) == quarter_actual.quantize(CENT, ROUND_HALF_UP)
    assert Decimal(quarter["forecast"]) >= Decimal(quarter["actual"])
    assert shown["Data team"]["alerts"] == []

    created = _audit(intel_estate, "budget.save")[-2:]
    assert [(a.subject, a.details["id"]) for a in created] == [
        ("Whole bill", total["id"]),
        ("Data team", data["id"]),
    ]
    assert all(a.request_id == a.run_id and len(a.request_id) == 32 for a in created)
    assert created[1].details["scope"] == {"account": ACCOUNT_B}
    assert created[1].details["thresholds"] == [{"kind": "forecast", "percent": "50"}]


@pytest.mark.usefixtures("clean_budgets")
def test_invalid_budgets_are_refused_naming_the_field(
    intel_client: TestClient, intel_estate: IntelEstate
) -> None:
    audit_before = len(_audit(intel_estate, "budget.save"))

    def refused(body: dict[str, Any], status: int = 422) -> Any:
        response = intel_client.post("/api/v1/budgets", json=body)
        assert response.status_code == status, response.text
        return response.json()["detail"]

    valid = {"name": "Checked", "period": "monthly", "amount": "100"}
    # Budget.validate's rules, every field at fault named at once
    detail = refused({**valid, "amount": "0"})
    assert [d["loc"] for d in detail] == [["body", "amount"]]
    assert "amount must be positive" in detail[0]["msg"]
    detail = refused(
        {
            **valid,
            "scope": {"project": "apollo"},
            "channels": {"slack": ["#finops"]},
            "thresholds": [{"kind": "actual", "percent": "-5"}],
        }
    )
    # the request schema names the scope dimensions and channels (docs: issue 12)
    assert [d["loc"][:2] for d in detail] == [
        ["body", "scope"],
        ["body", "thresholds"],
        ["body", "channels"],
    ]
    assert detail[0]["loc"][2] == "project" and "pattern" in detail[0]["msg"]
    assert "percent must be positive" in detail[1]["msg"]
    assert detail[2]["loc"][2] == "slack" and detail[2]["type"] == "extra_forbidden"
    detail = refused({**valid, "cost_metric": "list_cost"})
    assert [d["loc"] for d in detail] == [["body", "cost_metric"]]
    # the request's shape, checked before
    assert refused({**valid, "period": "weekly"})[0]["loc"] == ["body", "period"]
    assert refused({**valid, "amount": "10.001"})[0]["loc"] == ["body", "amount"]
    assert refused({**valid, "name": "  "})[0]["loc"] == ["body", "name"]
    assert refused({"name": "No amount", "period": "monthly"})[0]["loc"] == ["body", "amount"]

    _create(intel_client, valid)
    duplicate = refused({**valid, "amount": "200"}, status=409)
    assert "a budget named 'Checked' exists already" in duplicate
    budgets = intel_client.get("/api/v1/budgets").json()
    assert [(b["name"], b["amount"]) for b in budgets["data"]] == [("Checked", "100.00")]
    assert len(_audit(intel_estate, "budget.save")) == audit_before + 1


@pytest.mark.usefixtures("clean_budgets")
def test_deleting_a_budget_removes_its_evaluations_and_alerts(
    intel_client: TestClient, intel_estate: IntelEstate
) -> None:
    budget = _create(intel_client, {"name": "Short lived", "period": "annual", "amount": "10"})
    run_budget_check(run_date=END, settings=intel_estate.settings)
    budget_id = budget["id"]
    counts = (
        "SELECT (SELECT count(*) FROM finops.budget_evaluations WHERE budget_id = :i) + "
        "(SELECT count(*) FROM finops.budget_alerts WHERE budget_id = :i)"
    )
    assert _scalar(intel_estate, counts, i=budget_id) > 1
    (shown,) = intel_client.get("/api/v1/budgets").json()["data"]
    assert shown["evaluation"]["period_start"] == str(date(2026, 1, 1))

    url = f"/api/v1/budgets/{budget_id}"
    response = intel_client.delete(url, headers={"x-request-id": "del-1"})
    assert response.status_code == 204 and response.content == b""
    assert intel_client.get("/api/v1/budgets").json() == {"data": [], "count": 0}
    assert _scalar(intel_estate, counts, i=budget_id) == 0
    deleted = _audit(intel_estate, "budget.delete")[-1]
    assert (deleted.actor, deleted.subject, deleted.run_id, deleted.request_id) == (
        "user:admin",
        "Short lived",
        "del-1",
        "del-1",
    )
    assert deleted.details == {"id": budget_id}

    again = intel_client.delete(url)
    assert again.status_code == 404 and f"no budget with id {budget_id}" in again.json()["detail"]
    assert intel_client.delete("/api/v1/budgets/0").status_code == 422
