"""Usage anomalies end to end on a small generated estate (two accounts, two billing periods,
eight days of 5-minute metrics) with the generator's planted CPU pin that causes a cost spike and
a CPU blip without cost: the incidents are found with their planted start and end, the pin is
joined to the planted cost anomaly and the blip to nothing, a rerun rewrites the same rows, and
the API lists them and shows the pin on the cost anomaly's detail."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from finops.config import Settings
from tests.conftest import create_database
from tests.factories.identity import BASE_URL, log_in_admin

RUN_DATE = date(2026, 9, 30)
METRICS = ("CPUUtilization",)  # the planted incidents are CPU; one metric keeps the test short


@dataclass(frozen=True)
class UsageEstate:
    settings: Settings
    pins: list[dict[str, Any]]  # ground truth: the pin with a cost anomaly, then the blip
    spike_day: date


@pytest.fixture(scope="module")
def usage_estate(
    pg_server: object, admin_url: str, finops_home: Path, tmp_path_factory: pytest.TempPathFactory
) -> UsageEstate:
    from finops.analytics.anomalies.job import run_anomaly_detection
    from finops.analytics.anomalies.usage_job import run_usage_anomaly_detection
    from finops.db.engine import get_engine
    from finops.db.migrate import upgrade
    from finops.generator import GenerateOptions, generate
    from finops.ingest.billing import ingest_billing
    from finops.jobs.inventory import run_inventory_ingest
    from finops.jobs.usage import run_usage_ingest

    out = tmp_path_factory.mktemp("usage-anomalies")
    result = generate(
        GenerateOptions(
            out_dir=out, start=date(2026, 8, 1), end=date(2026, 10, 1), accounts=2,
            utilization_days=8, usage_anomalies=True,
        )
    )  # fmt: skip
    truth = json.loads(result.ground_truth_path.read_text())
    name = f"t_usage_{uuid.uuid4().hex[:10]}"
    create_database(admin_url, name)
    settings = Settings(
        home=finops_home,
        database_url=pg_server.url(name),  # type: ignore[attr-defined]
        environment="test",
    )
    upgrade(get_engine(settings))
    ingest_billing(str(out / "cur2"), settings=settings)
    run_usage_ingest(str(out / "cloudwatch"), settings=settings)
    run_inventory_ingest(str(out / "config"), settings=settings)
    run_anomaly_detection(run_date=RUN_DATE, report_days=14, settings=settings)
    run_usage_anomaly_detection(run_date=RUN_DATE, metrics=METRICS, settings=settings)
    (spike,) = [s for s in truth["situations"] if s["details"].get("planted") == "usage"]
    return UsageEstate(settings, truth["usage_anomalies"], date.fromisoformat(spike["start"]))


def _incidents(settings: Settings) -> dict[str, Any]:
    from finops.db.engine import get_engine
    from finops.warehouse.tables import usage_incidents

    with get_engine(settings).connect() as conn:
        rows = conn.execute(select(usage_incidents).order_by(usage_incidents.c.fingerprint))
        return {r.fingerprint: r._asdict() for r in rows}


def _cost_anomaly(settings: Settings, fingerprint: str) -> dict[str, Any]:
    from finops.db.engine import get_engine
    from finops.warehouse.tables import anomaly_incidents as a

    with get_engine(settings).connect() as conn:
        row = conn.execute(select(a).where(a.c.fingerprint == fingerprint)).one()
        return dict(row._asdict())


def _by_resource(incidents: dict[str, Any], resource_id: str) -> list[dict[str, Any]]:
    return [i for i in incidents.values() if i["resource_id"] == resource_id]


def test_the_planted_pin_is_found_and_explains_the_planted_cost_anomaly(
    usage_estate: UsageEstate,
) -> None:
    pin, blip = usage_estate.pins
    assert pin["anomaly_id"] is not None and blip["anomaly_id"] is None
    incidents = _incidents(usage_estate.settings)
    (found,) = _by_resource(incidents, pin["resource_id"])
    assert found["metric_name"] == "CPUUtilization"
    assert found["started_at"] == datetime.fromisoformat(pin["start"])
    assert found["ended_at"] == datetime.fromisoformat(pin["end"])
    assert (found["direction"], found["pattern"], found["peak_value"]) == ("up", "pinned", 100.0)
    assert 20 < found["expected_value"] < 80 and found["peak_score"] > 5
    assert found["points"] == 30 * 4  # 30 hours of 15-minute steps
    # the cost detector saw the egress spike (its data transfer usage type, the resource among
    # the scopes that saw it) on the planted days; the pin is joined to it
    cost = _cost_anomaly(usage_estate.settings, found["cost_anomaly"])
    assert (cost["first_day"], cost["last_day"]) == (usage_estate.spike_day, date(2026, 9, 29))
    assert cost["root_cause"][0]["value"] == pin["resource_id"]
    assert cost["root_cause"][0]["share"] == 1.0
    resources = [r["scope"] for r in cost["related_scopes"] if r["scope_kind"] == "resource"]
    assert {"resource": pin["resource_id"]} in resources
    assert [i["cost_anomaly"] for i in incidents.values() if i["cost_anomaly"]] == [
        cost["fingerprint"]
    ]


def test_a_blip_without_cost_is_stored_and_joined_to_nothing(usage_estate: UsageEstate) -> None:
    _, blip = usage_estate.pins
    (found,) = _by_resource(_incidents(usage_estate.settings), blip["resource_id"])
    assert found["started_at"] == datetime.fromisoformat(blip["start"])
    assert found["ended_at"] == datetime.fromisoformat(blip["end"])
    assert found["pattern"] == "pinned" and found["cost_anomaly"] is None


def test_a_rerun_rewrites_the_same_incidents(usage_estate: UsageEstate) -> None:
    from finops.analytics.anomalies.usage_job import run_usage_anomaly_detection

    before = _incidents(usage_estate.settings)
    run = run_usage_anomaly_detection(
        run_date=RUN_DATE, metrics=METRICS, settings=usage_estate.settings
    )
    after = _incidents(usage_estate.settings)
    assert (run.removed, len(run.incidents)) == (0, len(before))
    ignore = {"run_id"}
    assert {k: {c: v for c, v in r.items() if c not in ignore} for k, r in after.items()} == {
        k: {c: v for c, v in r.items() if c not in ignore} for k, r in before.items()
    }


@pytest.fixture(scope="module")
def client(usage_estate: UsageEstate) -> Iterator[TestClient]:
    from finops.api.main import create_app

    app = create_app(settings=usage_estate.settings, frontend_dist=None)
    with TestClient(app, base_url=BASE_URL) as test_client:
        yield log_in_admin(test_client, usage_estate.settings)


def test_the_api_lists_usage_incidents_and_shows_them_on_the_anomaly(
    usage_estate: UsageEstate, client: TestClient
) -> None:
    pin, blip = usage_estate.pins
    every = client.get("/api/v1/anomalies/usage", params={"limit": 1})
    assert every.status_code == 200
    total = every.json()["count"]
    assert total == len(_incidents(usage_estate.settings)) >= 2
    assert len(every.json()["data"]) == 1
    joined = client.get("/api/v1/anomalies/usage", params={"explains": "true"}).json()
    assert [i["resource_id"] for i in joined["data"]] == [pin["resource_id"]]
    one = client.get("/api/v1/anomalies/usage", params={"resource_id": blip["resource_id"]})
    assert [i["cost_anomaly"] for i in one.json()["data"]] == [None]
    fingerprint = joined["data"][0]["cost_anomaly"]
    detail = client.get(f"/api/v1/anomalies/{fingerprint}").json()
    (usage,) = detail["usage_incidents"]
    assert usage["resource_id"] == pin["resource_id"] and usage["pattern"] == "pinned"
    # the sparkline: the hourly averages from a day before to a day after the incident
    values = {p["ts"]: p["value"] for p in usage["series"]}
    start, end = datetime.fromisoformat(pin["start"]), datetime.fromisoformat(pin["end"])
    inside = [v for t, v in values.items() if start <= datetime.fromisoformat(t) < end]
    assert inside == [100.0] * 30
    assert len(values) == 24 + 30 + 24
    assert all(v < 100.0 for t, v in values.items() if datetime.fromisoformat(t) >= end)
