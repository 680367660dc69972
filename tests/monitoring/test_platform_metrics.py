"""The platform's own signals on ``/metrics`` (finops.platform_metrics), read from a warehouse
holding a small bill: freshness per source, loads, rows, a reconciliation failure, job outcomes,
budget burn, and the families that stay at zero while nothing is open or awaiting."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from finops.analytics.budgets.model import Budget, save_budget
from finops.config import Settings
from finops.db.engine import get_engine
from finops.errors import FinOpsError
from finops.ingest.billing import ingest_billing
from finops.ingest.billing.load import RECONCILIATION_MISMATCH
from finops.jobs.budgets import run_budgets
from finops.jobs.ledger import run_unless_unchanged
from finops.jobs.savings import run_savings
from finops.platform_metrics import METRICS, PlatformMetrics
from tests.factories.cur2 import Cur2Export
from tests.factories.remediation import (
    ACCOUNT,
    idle_policy_folder,
    moto_aws,
    plant_findings,
    propose_idle,
)
from tests.factories.savings import DailyBill

FIRST_DAY = date(2026, 10, 30)
DAYS = 4  # two days in October, two in November: two billing periods
DAILY = Decimal("10.00")
NOW = datetime(2026, 11, 3, 6, 0, tzinfo=UTC)  # 30 hours after the newest charge day began


def small_bill(root: Path) -> Path:
    export = Cur2Export()
    for k in range(DAYS):
        day = FIRST_DAY + timedelta(days=k)
        export.add_usage(
            day=datetime(day.year, day.month, day.day),
            account="222222222222",
            service="AmazonEC2",
            cost=str(DAILY),
            resource_id="i-web-0001",
        )
    return export.write(root)


def samples(registry_text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(registry_text)
        for s in family.samples
    }


def failing(run_id: str) -> None:
    raise FinOpsError("the warehouse refused the job's write (test)")


def test_platform_metrics_describe_a_small_bill(fresh_settings: Settings, tmp_path: Path) -> None:
    settings = fresh_settings
    ingest_billing(str(small_bill(tmp_path / "cur2")), settings=settings)
    engine = get_engine(settings)
    with engine.begin() as conn:
        source_id, loaded, finished = conn.execute(
            text(
                "SELECT source_id, sum(rows_loaded), max(finished_at) FROM finops.ingest_log "
                "GROUP BY 1"
            )
        ).one()
        # the November period's reload failed to reconcile (as finops.ingest.billing.load logs it)
        conn.execute(
            text(
                "INSERT INTO finops.ingest_log (run_id, source_id, source_format, billing_period,"
                " status, files, started_at, finished_at, error) VALUES (:r, :s, 'cur2', "
                "'2026-11-01', 'failed', '[]', now(), now(), :e)"
            ),
            {"r": uuid.uuid4().hex, "s": source_id, "e": f"{source_id} {RECONCILIATION_MISMATCH}"},
        )
        save_budget(conn, Budget(name="platform", scope={}, period="monthly", amount=Decimal(40)))
    run_budgets(run_date=date(2026, 11, 2), settings=settings)
    for _ in range(2):  # a job failing twice in a row, recorded by the ledger
        with pytest.raises(FinOpsError):
            run_unless_unchanged(
                "kpis", as_of=date(2026, 11, 2), compute=failing, settings=settings
            )

    collector = PlatformMetrics(engine=lambda: engine, now=lambda: NOW)
    from prometheus_client import CollectorRegistry, generate_latest

    registry = CollectorRegistry(auto_describe=False)
    registry.register(collector)
    got = samples(generate_latest(registry).decode())
    src = (("source_format", "cur2"), ("source_id", source_id))
    assert got[("finops_warehouse_up", ())] == 1.0
    assert got[("finops_billing_data_age_hours", src)] == 30.0
    since_load = (NOW - finished).total_seconds() / 3600  # the load ran today, NOW is earlier
    assert got[("finops_billing_last_load_age_hours", src)] == since_load
    assert got[("finops_billing_last_load_failed", src)] == 1.0
    assert (
        got[("finops_billing_loads_total", (("source_id", source_id), ("status", "succeeded")))]
        == 2
    )
    assert (
        got[("finops_billing_loads_total", (("source_id", source_id), ("status", "failed")))] == 1
    )
    assert got[("finops_billing_rows_loaded_total", (("source_id", source_id),))] == loaded == DAYS
    assert got[("finops_billing_reconciliation_failures_total", (("source_id", source_id),))] == 1
    assert got[("finops_billing_unreconciled_periods", (("source_id", source_id),))] == 1
    budgets = (("job", "budgets"), ("status", "succeeded"))
    assert got[("finops_job_runs_total", budgets)] == 1
    assert got[("finops_job_runs_total", (("job", "kpis"), ("status", "failed")))] == 2
    assert got[("finops_job_consecutive_failures", (("job", "kpis"),))] == 2
    assert got[("finops_job_consecutive_failures", (("job", "budgets"),))] == 0
    assert got[("finops_job_duration_seconds_total", budgets)] > 0
    assert ("finops_job_last_success_timestamp_seconds", (("job", "kpis"),)) not in got
    burn = (("budget", "platform"), ("currency", "USD"), ("period", "monthly"))
    assert got[("finops_budget_burn_ratio", burn)] == float(2 * DAILY / 40)  # two November days
    for severity in ("low", "medium", "high"):
        assert got[("finops_anomalies_open", (("severity", severity),))] == 0
    assert got[("finops_remediation_awaiting_approval", ())] == 0
    assert got[("finops_remediation_awaiting_savings_monthly", ())] == 0
    names = {name for name, _ in got}
    assert {n.removesuffix("_total") for n in METRICS} <= {
        n.removesuffix("_total") for n in names
    } | {
        "finops_remediation_awaiting_approval_oldest_age_hours",
        "finops_remediation_proposals",
        "finops_savings_realized_monthly",
        "finops_savings_estimated_monthly",
        "finops_savings_subjects",
        "finops_budget_forecast_ratio",
    }


def test_the_api_serves_them_and_reads_the_warehouse_once_per_cache_period(
    fresh_settings: Settings, tmp_path: Path
) -> None:
    from finops.api.main import create_app

    ingest_billing(str(small_bill(tmp_path / "cur2")), settings=fresh_settings)
    settings = fresh_settings.model_copy(update={"metrics_cache_s": 3600.0})
    with TestClient(create_app(settings=settings, frontend_dist=None)) as client:
        first = client.get("/metrics")
        assert first.status_code == 200
        got = samples(first.text)
        assert got[("finops_warehouse_up", ())] == 1.0
        loads = [k for k in got if k[0] == "finops_billing_loads_total"]
        assert len(loads) == 1 and got[loads[0]] == 2
        cached = samples(client.get("/metrics").text)
        read = ("finops_platform_metrics_read_seconds", ())
        assert cached[read] == got[read] > 0  # within the cache period: the same read


def test_approvals_waiting_and_realized_savings(fresh_settings: Settings, tmp_path: Path) -> None:
    """Two idle instances proposed for stopping (moto, the idle policy) wait for approval; an
    instance gone after its finding is measured by the savings job (the bill of
    tests/analytics/savings/test_job.py: 62.00 a month realized against 50.00 estimated)."""
    engine = get_engine(fresh_settings)
    with moto_aws() as aws:
        settings = fresh_settings.model_copy(
            update={
                "aws_endpoint_url": aws.endpoint,
                "remediation_policy_dir": idle_policy_folder(tmp_path / "policies"),
            }
        )
        assert len(propose_idle(settings, aws, accounts={ACCOUNT: 2})) == 2
    plant_findings(engine, "i-gone", as_of=date(2026, 3, 10), savings="50.00")
    plant_findings(engine, "i-other", as_of=date(2026, 3, 11), savings="5.00")
    bill = DailyBill(first=date(2026, 2, 20), last=date(2026, 3, 25))
    bill.put("i-gone", bill.first, date(2026, 3, 10), cost="2.00", usage=24)
    bill.load(fresh_settings, tmp_path, until=date(2026, 3, 20))
    run_savings(run_date=date(2026, 3, 25), settings=fresh_settings)

    from prometheus_client import CollectorRegistry, generate_latest

    registry = CollectorRegistry(auto_describe=False)
    registry.register(PlatformMetrics(engine=lambda: engine))
    got = samples(generate_latest(registry).decode())
    assert got[("finops_remediation_awaiting_approval", ())] == 2
    assert got[("finops_remediation_proposals", (("status", "proposed"),))] == 2
    assert got[("finops_remediation_awaiting_savings_monthly", ())] == 2 * 70.08
    assert 0 <= got[("finops_remediation_awaiting_approval_oldest_age_hours", ())] < 1
    measured = (("currency", "USD"), ("status", "measured"))
    assert got[("finops_savings_realized_monthly", measured)] == 62.0
    assert got[("finops_savings_estimated_monthly", measured)] == 50.0
    assert got[("finops_savings_subjects", (("status", "measured"),))] == 1
