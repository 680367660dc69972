"""``/api/v1/forecasts`` on the cost-intelligence export after two runs of the forecast job: the
latest run of every scope, its points, accuracy and projections as stored, the actual cost
around the run date as in the ``costs`` view, and the filters."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text

from finops.api.main import create_app
from finops.config import Settings
from finops.db.engine import get_engine
from tests.api.conftest import IntelEstate
from tests.factories.cost_intelligence import ACCOUNT_A, ACCOUNT_B, END
from tests.factories.identity import admin_headers

RDS = "Amazon Relational Database Service"


def _runs(estate: IntelEstate) -> dict[tuple[str, date], Any]:
    with get_engine(estate.settings).connect() as conn:
        rows = conn.execute(text("SELECT * FROM finops.forecast_runs"))
        return {(r.scope_key, r.run_date): r for r in rows}


def _points(estate: IntelEstate, scope_key: str, run_date: date, horizon: int) -> list[Any]:
    with get_engine(estate.settings).connect() as conn:
        return list(
            conn.execute(
                text(
                    "SELECT day, horizon_day, yhat, lower80, upper80, lower95, upper95 "
                    "FROM finops.forecasts f JOIN finops.forecast_runs r "
                    "ON r.run_date = f.run_date AND r.scope = f.scope "
                    "AND r.cost_metric = f.cost_metric "
                    "WHERE r.scope_key = :k AND f.run_date = :d AND f.horizon_day <= :h "
                    "ORDER BY day"
                ),
                {"k": scope_key, "d": run_date, "h": horizon},
            )
        )


def _daily_costs(estate: IntelEstate, start: date, end: date, account: str | None) -> list[Any]:
    with get_engine(estate.settings).connect() as conn:
        return [
            (d.isoformat(), c)
            for d, c in conn.execute(
                text(
                    "SELECT (charge_period_start AT TIME ZONE 'UTC')::date AS day, "
                    "sum(billed_cost) FROM costs "
                    "WHERE (charge_period_start AT TIME ZONE 'UTC')::date BETWEEN :s AND :e "
                    "AND (CAST(:a AS text) IS NULL OR sub_account_id = :a) GROUP BY 1 ORDER BY 1"
                ),
                {"s": start, "e": end, "a": account},
            )
        ]


def test_latest_forecast_of_every_scope_as_stored(
    intel_client: TestClient, intel_estate: IntelEstate
) -> None:
    week_before, last = intel_estate.forecast_dates
    response = intel_client.get("/api/v1/forecasts")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["currency"] == "USD" and body["horizon"] == 30
    shown = [(f["scope_kind"], f["run_date"]) for f in body["data"]]
    # total and accounts from the last run; services were only forecast the week before
    assert shown == [
        ("total", str(last)),
        ("account", str(last)),
        ("account", str(last)),
        ("service", str(week_before)),
        ("service", str(week_before)),
        ("service", str(week_before)),
    ]
    assert body["count"] == 6
    assert [f["scope"] for f in body["data"][:3]] == [
        {},
        {"account": ACCOUNT_A},
        {"account": ACCOUNT_B},
    ]

    runs = _runs(intel_estate)
    for forecast in body["data"]:
        run = runs[(forecast["scope_key"], date.fromisoformat(forecast["run_date"]))]
        assert forecast["model"] == run.model and forecast["cost_metric"] == "billed_cost"
        assert forecast["backtest_mase"] == run.backtest_mase
        assert forecast["backtest_smape"] == run.backtest_smape
        assert forecast["weights"] == run.weights and sum(run.weights.values()) > 0
        assert forecast["backtest_folds"] == 2 and forecast["horizon_days"] == 180
        month, quarter = forecast["month_end"], forecast["quarter_end"]
        assert (month["period_start"], month["period_end"]) == ("2026-03-01", "2026-03-31")
        assert (quarter["period_start"], quarter["period_end"]) == ("2026-01-01", "2026-03-31")
        assert Decimal(month["to_date"]) == run.month_to_date
        assert Decimal(month["projection"]) == run.month_end_projection
        assert Decimal(month["lower80"]) == run.month_end_lower80
        assert Decimal(month["upper80"]) == run.month_end_upper80
        assert Decimal(quarter["projection"]) == run.quarter_end_projection
        assert Decimal(quarter["to_date"]) == run.quarter_to_date

        stored = _points(intel_estate, run.scope_key, run.run_date, 30)
        assert len(forecast["points"]) == len(stored) == 30
        for point, row in zip(forecast["points"], stored, strict=True):
            assert point["day"] == row.day.isoformat() and point["horizon_day"] == row.horizon_day
            values = [Decimal(point[k]) for k in ("lower95", "lower80", "yhat", "upper80")]
            assert values == [row.lower95, row.lower80, row.yhat, row.upper80]
            assert Decimal(point["upper95"]) == row.upper95
            assert values == sorted(values) and values[-1] <= Decimal(point["upper95"])
        assert forecast["points"][0]["day"] == str(run.run_date + timedelta(days=1))

    total = body["data"][0]
    march = _daily_costs(intel_estate, date(2026, 3, 1), END, None)
    assert abs(Decimal(total["month_end"]["to_date"]) - sum(c for _, c in march)) <= Decimal("0.01")


def test_actual_cost_around_the_run_date(
    intel_client: TestClient, intel_estate: IntelEstate
) -> None:
    week_before, last = intel_estate.forecast_dates
    body = intel_client.get("/api/v1/forecasts", params={"history_days": 7}).json()
    total = body["data"][0]
    expected = _daily_costs(intel_estate, last - timedelta(days=6), last, None)
    assert [(a["day"], Decimal(a["cost"])) for a in total["actuals"]] == expected
    account_b = body["data"][2]
    expected_b = _daily_costs(intel_estate, last - timedelta(days=6), last, ACCOUNT_B)
    assert [(a["day"], Decimal(a["cost"])) for a in account_b["actuals"]] == expected_b
    # a week-old forecast is followed by a week of actual cost to compare it with
    service = body["data"][3]
    assert [a["day"] for a in service["actuals"]] == [
        str(week_before + timedelta(days=k)) for k in range(-6, 8)
    ]
    only_after = intel_client.get("/api/v1/forecasts", params={"history_days": 0}).json()
    assert only_after["data"][0]["actuals"] == []
    assert len(only_after["data"][3]["actuals"]) == 7


def test_filters_and_horizon(intel_client: TestClient, intel_estate: IntelEstate) -> None:
    week_before, last = intel_estate.forecast_dates
    accounts = intel_client.get("/api/v1/forecasts", params={"scope_kind": "account"}).json()
    scopes = [f["scope"] for f in accounts["data"]]
    assert scopes == [{"account": ACCOUNT_A}, {"account": ACCOUNT_B}]

    one = intel_client.get(
        "/api/v1/forecasts", params={"scope_kind": "account", "scope": ACCOUNT_B, "horizon": 90}
    ).json()
    assert one["count"] == 1 and one["horizon"] == 90
    (forecast,) = one["data"]
    assert forecast["scope"] == {"account": ACCOUNT_B} and forecast["run_date"] == str(last)
    assert len(forecast["points"]) == 90
    assert forecast["points"][-1]["day"] == str(last + timedelta(days=90))

    rds = intel_client.get(
        "/api/v1/forecasts", params={"scope_kind": "service", "scope": RDS}
    ).json()
    assert [(f["scope"], f["run_date"]) for f in rds["data"]] == [
        ({"service": RDS}, str(week_before))
    ]
    nowhere = intel_client.get(
        "/api/v1/forecasts", params={"scope_kind": "account", "scope": "999999999999"}
    ).json()
    assert nowhere["count"] == 0 and nowhere["data"] == []

    for params, message in (
        ({"scope": ACCOUNT_A}, "scope_kind"),
        ({"scope_kind": "total", "scope": ACCOUNT_A}, "scope_kind"),
        ({"cost_metric": "list_cost"}, "cost_metric"),
    ):
        bad = intel_client.get("/api/v1/forecasts", params=params)
        assert bad.status_code == 422 and message in bad.json()["detail"], params
    assert intel_client.get("/api/v1/forecasts", params={"horizon": 181}).status_code == 422
    assert intel_client.get("/api/v1/forecasts", params={"scope_kind": "region"}).status_code == 422
    effective = intel_client.get("/api/v1/forecasts", params={"cost_metric": "effective_cost"})
    assert effective.json()["count"] == 0


def test_an_empty_warehouse_has_no_forecasts_anomalies_or_budgets(
    fresh_settings: Settings,
) -> None:
    app = create_app(settings=fresh_settings, frontend_dist=None)
    with TestClient(app, headers=admin_headers(fresh_settings)) as client:
        forecasts = client.get("/api/v1/forecasts").json()
        assert (forecasts["count"], forecasts["data"], forecasts["currency"]) == (0, [], "USD")
        anomalies = client.get("/api/v1/anomalies").json()
        assert (anomalies["count"], anomalies["data"]) == (0, [])
        assert client.get("/api/v1/budgets").json() == {"data": [], "count": 0}


def test_the_forecast_as_of_an_earlier_day(
    intel_client: TestClient, intel_estate: IntelEstate
) -> None:
    """``as_of`` shows the forecasts made on or before a day (a closed period's last day):
    what was projected then, not the latest run."""
    week_before, last = intel_estate.forecast_dates
    body = intel_client.get(
        "/api/v1/forecasts", params={"as_of": str(week_before), "scope_kind": "total"}
    ).json()
    assert [f["run_date"] for f in body["data"]] == [str(week_before)]
    run = _runs(intel_estate)[(body["data"][0]["scope_key"], week_before)]
    assert Decimal(body["data"][0]["month_end"]["projection"]) == run.month_end_projection
    assert body["data"][0]["points"][0]["day"] == str(week_before + timedelta(days=1))
    between = intel_client.get(
        "/api/v1/forecasts", params={"as_of": str(last - timedelta(days=1))}
    ).json()
    assert {f["run_date"] for f in between["data"]} == {str(week_before)}
    before_any = intel_client.get(
        "/api/v1/forecasts", params={"as_of": str(week_before - timedelta(days=1))}
    ).json()
    assert before_any["data"] == [] and before_any["count"] == 0
