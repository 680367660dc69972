"""KPIs and the spend trend for a selected closed billing period or a date range, compared
with the matching previous period (never a zero "previous month" because the selection
filtered it away, never "month to date" for a month that closed)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy import text

from finops.config import Settings
from finops.db.engine import get_engine


def _cost(settings: Settings, start: date, end: date, metric: str = "billed_cost") -> Decimal:
    """Cost of the charge days [start, end] straight from the ``costs`` view."""
    with get_engine(settings).connect() as conn:
        value = conn.execute(
            text(
                f"SELECT coalesce(sum({metric}), 0) FROM finops.costs "
                "WHERE (charge_period_start AT TIME ZONE 'UTC')::date BETWEEN :s AND :e"
            ),
            {"s": start, "e": end},
        ).scalar_one()
    return Decimal(value)


def test_a_closed_month_compares_with_the_whole_previous_month(
    client: TestClient, estate_settings: Settings
) -> None:
    body = client.get("/api/v1/kpi/summary", params={"billing_period": "2026-10"}).json()
    october = _cost(estate_settings, date(2026, 10, 1), date(2026, 10, 31))
    september = _cost(estate_settings, date(2026, 9, 1), date(2026, 9, 30))
    assert september > 0
    assert body["period_kind"] == "month"
    assert body["period_label"] == "October 2026"
    assert body["complete"] is True
    assert (body["period_start"], body["period_end"]) == ("2026-10-01", "2026-10-31")
    assert (body["previous_period_start"], body["previous_period_end"]) == (
        "2026-09-01",
        "2026-09-30",
    )
    assert Decimal(body["period_cost"]) == october == Decimal(body["total_cost"])
    assert Decimal(body["previous_period_cost"]) == september
    assert Decimal(body["previous_month"]) == september != 0
    assert Decimal(body["change"]) == october - september
    assert abs(body["change_pct"] - float((october - september) / september * 100)) < 1e-6
    assert sum(Decimal(s["cost"]) for s in body["top_services"]) <= october


def test_a_date_range_compares_with_the_days_just_before(
    client: TestClient, estate_settings: Settings
) -> None:
    start, end = date(2026, 10, 8), date(2026, 10, 21)
    body = client.get(
        "/api/v1/kpi/summary",
        params={
            "start": start.isoformat(),
            "end": end.isoformat(),
            "cost_metric": "effective_cost",
        },
    ).json()
    assert body["period_kind"] == "range"
    assert body["period_label"] == "2026-10-08 to 2026-10-21"
    prev_start, prev_end = start - timedelta(days=14), start - timedelta(days=1)
    assert (body["previous_period_start"], body["previous_period_end"]) == (
        prev_start.isoformat(),
        prev_end.isoformat(),
    )
    now = _cost(estate_settings, start, end, "effective_cost")
    before = _cost(estate_settings, prev_start, prev_end, "effective_cost")
    assert Decimal(body["period_cost"]) == now > 0
    assert Decimal(body["previous_period_cost"]) == before > 0
    assert Decimal(body["change"]) == now - before

    bad = client.get("/api/v1/kpi/summary", params={"start": "2026-10-21", "end": "2026-10-08"})
    assert bad.status_code == 422 and "start" in bad.json()["detail"]
    both = client.get(
        "/api/v1/kpi/summary",
        params={"billing_period": "2026-10", "start": "2026-10-01", "end": "2026-10-05"},
    )
    assert both.status_code == 422 and "billing_period" in both.json()["detail"]


def test_the_default_is_the_latest_month_to_date(
    client: TestClient, estate_settings: Settings
) -> None:
    body = client.get("/api/v1/kpi/summary").json()
    assert body["as_of"] == "2026-10-31"
    # the data reaches October's last day: the month is complete, not "to date"
    assert body["period_kind"] == "month" and body["complete"] is True
    assert Decimal(body["previous_month"]) == _cost(
        estate_settings, date(2026, 9, 1), date(2026, 9, 30)
    )
    partial = client.get("/api/v1/kpi/summary", params={"end": "2026-10-12"}).json()
    assert partial["period_kind"] == "month_to_date" and partial["complete"] is False
    assert partial["period_label"] == "October 2026 to date (12 days)"
    assert Decimal(partial["month_to_date"]) == _cost(
        estate_settings, date(2026, 10, 1), date(2026, 10, 12)
    )
    assert Decimal(partial["previous_month_to_date"]) == _cost(
        estate_settings, date(2026, 9, 1), date(2026, 9, 12)
    )


def test_the_trend_of_a_closed_month_carries_the_previous_month(
    client: TestClient, estate_settings: Settings
) -> None:
    body = client.get("/api/v1/spend/trend", params={"billing_period": "2026-10"}).json()
    assert (body["start"], body["end"]) == ("2026-10-01", "2026-10-31")
    assert len(body["dates"]) == 31
    total = sum(Decimal(s["total"]) for s in body["series"])
    assert total == _cost(estate_settings, date(2026, 10, 1), date(2026, 10, 31))
    assert (body["previous_start"], body["previous_end"]) == ("2026-09-01", "2026-09-30")
    assert Decimal(body["previous_total"]) == _cost(
        estate_settings, date(2026, 9, 1), date(2026, 9, 30)
    )
