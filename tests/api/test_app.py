"""The API against a real warehouse: KPI arithmetic on hand-built data with known answers."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from finops.api.main import create_app
from finops.config import Settings
from finops.ingest.billing import ingest_billing
from tests.factories.cur2 import Cur2Export
from tests.factories.identity import admin_headers


@pytest.fixture
def client(fresh_settings: Settings, tmp_path: Path) -> TestClient:
    export = Cur2Export()
    # September: 30 days of 10.00 EC2 in account A; October 1-10: 12.00 EC2 in A, 1.00 S3 in B
    for day in range(1, 31):
        export.add_usage(
            day=datetime(2026, 9, day),
            account="100000000001",
            service="AmazonEC2",
            cost="10.00",
            hours=2,
        )
    for day in range(1, 11):
        export.add_usage(
            day=datetime(2026, 10, day),
            account="100000000001",
            service="AmazonEC2",
            cost="12.00",
            hours=2,
        )
        export.add_usage(
            day=datetime(2026, 10, day),
            account="100000000002",
            service="AmazonS3",
            cost="1.00",
            hours=1,
        )
    ingest_billing(str(export.write(tmp_path)), settings=fresh_settings)
    app = create_app(settings=fresh_settings, frontend_dist=None)
    return TestClient(app, headers=admin_headers(fresh_settings))


def test_kpi_summary(client: TestClient) -> None:
    body = client.get("/api/v1/kpi/summary").json()
    assert body["as_of"] == "2026-10-10"
    assert Decimal(body["total_cost"]) == Decimal("430")  # 300 + 120 + 10
    assert Decimal(body["month_to_date"]) == Decimal("130")
    assert Decimal(body["previous_month_to_date"]) == Decimal("100")  # Sep 1-10
    assert Decimal(body["previous_month"]) == Decimal("300")
    assert Decimal(body["mom_change"]) == Decimal("30")
    assert body["mom_change_pct"] == pytest.approx(30.0)
    services = [(s["service_name"], Decimal(s["cost"])) for s in body["top_services"]]
    assert services == [
        ("Amazon Elastic Compute Cloud", Decimal("420")),
        ("Amazon Simple Storage Service", Decimal("10")),
    ]


def test_kpi_filters(client: TestClient) -> None:
    body = client.get(
        "/api/v1/kpi/summary", params={"billing_period": "2026-10", "account_id": "100000000002"}
    ).json()
    assert Decimal(body["total_cost"]) == Decimal("10")
    bad = client.get("/api/v1/kpi/summary", params={"billing_period": "Oct 2026"})
    assert bad.status_code == 422 and "YYYY-MM" in bad.json()["detail"]
    bad_metric = client.get("/api/v1/kpi/summary", params={"cost_metric": "blended"})
    assert bad_metric.status_code == 422


def test_spend_trend_by_account(client: TestClient) -> None:
    body = client.get(
        "/api/v1/spend/trend",
        params={"dimension": "sub_account_id", "start": "2026-09-29", "end": "2026-10-02"},
    ).json()
    assert body["dates"] == ["2026-09-29", "2026-09-30", "2026-10-01", "2026-10-02"]
    series = {s["key"]: [Decimal(p) for p in s["points"]] for s in body["series"]}
    assert series["100000000001"] == [Decimal(10), Decimal(10), Decimal(12), Decimal(12)]
    assert series["100000000002"] == [Decimal(0), Decimal(0), Decimal(1), Decimal(1)]
    top1 = client.get("/api/v1/spend/trend", params={"dimension": "service_name", "top": 1}).json()
    assert [s["key"] for s in top1["series"]] == ["Amazon Elastic Compute Cloud", "Other"]
    reversed_range = client.get(
        "/api/v1/spend/trend", params={"start": "2026-10-02", "end": "2026-10-01"}
    )
    assert reversed_range.status_code == 422


def test_filters_health_and_metrics(client: TestClient) -> None:
    filters = client.get("/api/v1/filters").json()
    assert filters["billing_periods"] == ["2026-10", "2026-09"]
    assert [a["account_id"] for a in filters["accounts"]] == ["100000000001", "100000000002"]
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["schema_revision"]
    response = client.get("/api/v1/kpi/summary", headers={"x-request-id": "abc123"})
    assert response.headers["x-request-id"] == "abc123"
    metrics = client.get("/metrics").text
    assert (
        'finops_http_requests_total{method="GET",route="/api/v1/kpi/summary",status="200"}'
        in metrics
    )
    assert "finops_db_pool_connections" in metrics
