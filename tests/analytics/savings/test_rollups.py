"""Rollups of measured savings: realized vs estimated by month, account, cost center and (for
actions carried out through the remediation core) action type and policy; cumulative realized
savings; the realization rate; savings as a share of spend; the KPI summary's realized savings
this month and to date (the API's ``/kpi/summary``)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from finops.analytics.allocation.chargeback import parse_rules
from finops.analytics.savings.rollups import OUTSIDE, cumulative, realized_to_date, rollup
from finops.api.main import create_app
from finops.config import Settings
from tests.factories.identity import admin_headers
from tests.factories.remediation import ACCOUNT, plant_findings
from tests.factories.savings import DailyBill, measure_all, two_stopped_instances
from tests.factories.usage import MotoAws
from tests.remediation.conftest import RecordingClients

SEEN, RESOLVED, LAST = date(2026, 3, 10), date(2026, 3, 11), date(2026, 4, 10)
RULES = parse_rules({"cost_center_tag": "cost-center"})


def outside_fixes(engine: Engine, settings: Settings, tmp_path: Path) -> None:
    """Two findings fixed outside the platform on 11 March: i-gone (2.00 a day, estimate
    50.00, cost center CC-1) deleted, i-resized (4.80 -> 2.40 a day, estimate 90.00, untagged)
    resized; measured as of 10 April (30 days after: confirmed)."""
    plant_findings(engine, "i-gone", as_of=SEEN, savings="50.00")
    plant_findings(engine, "i-resized", as_of=SEEN, savings="90.00", job="rightsizing")
    plant_findings(engine, as_of=RESOLVED)
    plant_findings(engine, as_of=RESOLVED, job="rightsizing")
    bill = DailyBill(first=date(2026, 2, 20), last=LAST)
    bill.put("i-gone", bill.first, SEEN, cost="2.00", usage=24, tags={"cost_center": "CC-1"})
    bill.put(
        "i-resized", bill.first, RESOLVED, cost="4.80", usage=24, usage_type="BoxUsage:m5.2xlarge"
    )
    bill.put(
        "i-resized",
        RESOLVED + timedelta(days=1),
        LAST,
        cost="2.40",
        usage=24,
        usage_type="BoxUsage:m5.large",
    )
    bill.load(settings, tmp_path)
    assert measure_all(engine, LAST) == 2


def test_rollups_by_month_account_and_cost_center(
    engine: Engine, fresh_settings: Settings, tmp_path: Path
) -> None:
    outside_fixes(engine, fresh_settings, tmp_path)
    march_estimate = Decimal("140.00") * 20 / 31  # 12 to 31 March
    april_estimate = Decimal("140.00") * 10 / 30  # 1 to 10 April
    march_spend = Decimal("31.00") + Decimal("20.00") + Decimal("52.80") + Decimal("48.00")
    april_spend = Decimal("10.00") + Decimal("24.00")
    with engine.connect() as conn:
        months = rollup(conn, by="month", start=date(2026, 3, 1), end=LAST)
        accounts = rollup(conn, by="account", start=date(2026, 3, 1), end=LAST)
        centers = rollup(conn, by="cost_center", start=date(2026, 3, 1), end=LAST, rules=RULES)
        actions = rollup(conn, by="action", start=date(2026, 3, 1), end=LAST)
        running = cumulative(conn, start=date(2026, 3, 1), end=LAST)
        kpi = realized_to_date(conn, as_of=LAST)
    march, april = months
    assert (march.key, march.subjects) == ("2026-03", 2)
    assert march.realized_effective == Decimal("88.00") == march.realized_list  # 20 × 4.40
    assert march.estimated == march_estimate
    assert march.realization_rate == Decimal("88.00") / march_estimate
    assert march.spend == march_spend
    assert march.share_of_spend == Decimal("88.00") / (march_spend + Decimal("88.00"))
    assert (april.key, april.realized_effective, april.estimated) == (
        "2026-04",
        Decimal("44.00"),
        april_estimate,
    )
    assert april.share_of_spend == Decimal("44.00") / (april_spend + Decimal("44.00"))
    (account,) = accounts
    assert (account.key, account.realized_effective) == (ACCOUNT, Decimal("132.00"))
    assert account.spend == march_spend + april_spend
    assert [(c.key, c.realized_effective, c.estimated) for c in centers] == [
        ("CC-1", Decimal("60.00"), Decimal("50.00") * 20 / 31 + Decimal("50.00") * 10 / 30),
        ("unallocated", Decimal("72.00"), Decimal("90.00") * 20 / 31 + Decimal("90.00") / 3),
    ]
    assert [(a.key, a.spend) for a in actions] == [(OUTSIDE, None)]
    assert running == [
        ("2026-03", Decimal("88.00"), Decimal("88.00")),
        ("2026-04", Decimal("44.00"), Decimal("132.00")),
    ]
    assert kpi == (Decimal("44.00"), Decimal("132.00"))

    client = TestClient(
        create_app(settings=fresh_settings, frontend_dist=None),
        headers=admin_headers(fresh_settings),
    )
    body = client.get("/api/v1/kpi/summary").json()
    assert body["as_of"] == "2026-04-10"
    assert Decimal(body["realized_savings_month"]) == Decimal("44.00")
    assert Decimal(body["realized_savings_to_date"]) == Decimal("132.00")
    march_body = client.get("/api/v1/kpi/summary", params={"billing_period": "2026-03"}).json()
    assert Decimal(march_body["realized_savings_month"]) == Decimal("88.00")
    assert Decimal(march_body["realized_savings_to_date"]) == Decimal("88.00")
    other = client.get("/api/v1/kpi/summary", params={"account_id": "999999999999"}).json()
    assert Decimal(other["realized_savings_to_date"]) == 0


def test_rollups_by_action_type_and_policy(
    engine: Engine,
    fresh_settings: Settings,
    aws: MotoAws,
    clients: RecordingClients,
    tmp_path: Path,
) -> None:
    stop, second, day, last = two_stopped_instances(engine, fresh_settings, aws, clients, tmp_path)
    with engine.connect() as conn:
        actions = rollup(conn, by="action", start=day, end=last)
        policies = rollup(conn, by="policy", start=day, end=last)
    (line,) = actions
    assert (line.key, line.subjects) == ("stop_instance", 2)
    assert line.realized_effective == (Decimal("2.40") + Decimal("1.00")) * 9  # day+1 .. day+9
    assert line.spend is None and line.share_of_spend is None
    names = sorted(p.key for p in policies)
    assert names == sorted(
        f"stop-instance-{r[-6:].lower()}" for r in (stop.resource_id, second.resource_id)
    )
    by_policy = {p.key: p.realized_effective for p in policies}
    assert by_policy[f"stop-instance-{stop.resource_id[-6:].lower()}"] == Decimal("2.40") * 9
