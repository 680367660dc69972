"""The job-run ledger: every analytics job rerun on unchanged inputs is skipped, recorded as
skipped with the reason, and leaves its output untouched; a changed input (a new billing load)
reruns it; ``force`` recomputes regardless.

On its own warehouse holding the generated estate (billing, utilization, inventory)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from finops.analytics.manage import create_budget
from finops.config import Settings
from finops.db.engine import get_engine
from finops.db.migrate import upgrade
from finops.ingest.billing import ingest_billing
from finops.jobs import (
    allocation,
    anomalies,
    budgets,
    commitments,
    forecasts,
    kpis,
    rightsizing,
    waste,
)
from finops.jobs.inventory import run_inventory_ingest
from finops.jobs.ledger import JobSkipped
from finops.jobs.usage import run_usage_ingest
from tests.analytics.optimization.conftest import AS_OF
from tests.conftest import create_database
from tests.factories.cur2 import Cur2Export

# each job's output: the rows a rerun would rewrite (the xmin of a rewritten row changes)
OUTPUTS: dict[str, str] = {
    "rightsizing": "SELECT xmin::text, run_id FROM finops.finding_runs WHERE job = 'rightsizing'",
    "waste": "SELECT xmin::text, run_id FROM finops.finding_runs WHERE job = 'waste'",
    "commitments": "SELECT xmin::text, day::text FROM finops.commitment_utilization_daily",
    "allocation": "SELECT xmin::text, cost_center FROM finops.chargeback_monthly",
    "kpis": "SELECT xmin::text, day::text FROM finops.cost_rollup_daily",
    "anomalies": "SELECT xmin::text, fingerprint FROM finops.anomaly_incidents",
    "forecasts": "SELECT xmin::text, run_id FROM finops.forecast_runs",
    "budgets": "SELECT xmin::text, run_id FROM finops.budget_evaluations",
}


def _jobs(settings: Settings, force: bool = False) -> dict[str, Callable[[], object]]:
    options = {"run_date": AS_OF, "settings": settings, "force": force}
    return {
        "rightsizing": lambda: rightsizing.run_rightsizing(**options),
        "waste": lambda: waste.run_waste(**options),
        "commitments": lambda: commitments.run_commitments(**options),
        "allocation": lambda: allocation.run_allocation(**options),
        "kpis": lambda: kpis.run_kpis(**options),
        "anomalies": lambda: anomalies.run_anomalies(**options),
        "forecasts": lambda: forecasts.run_forecasts_job(**options),
        "budgets": lambda: budgets.run_budgets(**options),
    }


def _outputs(settings: Settings) -> dict[str, list[tuple[object, ...]]]:
    with get_engine(settings).connect() as conn:
        return {
            job: sorted(tuple(r) for r in conn.execute(text(sql))) for job, sql in OUTPUTS.items()
        }


def _ledger(settings: Settings) -> list[tuple[str, str, str | None]]:
    with get_engine(settings).connect() as conn:
        return [
            (str(r[0]), str(r[1]), r[2])
            for r in conn.execute(
                text("SELECT job, status, reason FROM finops.job_runs ORDER BY id")
            )
        ]


@pytest.fixture
def loaded(pg_server: object, admin_url: str, finops_home: Path, estate_dir: Path) -> Settings:
    name = f"t_runs_{uuid.uuid4().hex[:10]}"
    create_database(admin_url, name)
    settings = Settings(
        home=finops_home,
        database_url=pg_server.url(name),  # type: ignore[attr-defined]
        environment="test",
    )
    upgrade(get_engine(settings))
    ingest_billing(str(estate_dir / "cur2"), settings=settings)
    run_usage_ingest(str(estate_dir / "cloudwatch"), settings=settings)
    run_inventory_ingest(str(estate_dir / "config"), settings=settings)
    create_budget(name="whole bill", amount="50000", period="monthly", settings=settings)
    return settings


def test_unchanged_inputs_skip_every_job_and_a_new_load_reruns_it(
    loaded: Settings, tmp_path: Path
) -> None:
    jobs = _jobs(loaded)
    for name, job in jobs.items():
        assert not isinstance(job(), JobSkipped), name
    first_outputs = _outputs(loaded)
    assert all(first_outputs[job] for job in OUTPUTS), {
        j: len(rows) for j, rows in first_outputs.items()
    }
    assert [(j, s, r) for j, s, r in _ledger(loaded)] == [
        (name, "succeeded", "first run") for name in jobs
    ]

    # nothing changed: every job is skipped, says why, and its output is untouched
    for name, job in jobs.items():
        result = job()
        assert isinstance(result, JobSkipped), name
        assert result.reason.startswith("inputs unchanged since run "), result.reason
    assert _outputs(loaded) == first_outputs
    skipped = _ledger(loaded)[len(jobs) :]
    assert [(j, s) for j, s, _ in skipped] == [(name, "skipped") for name in jobs]
    assert all(r and "inputs unchanged" in r for _, _, r in skipped)

    # a new billing load (a bill for another payer in the next period) changes every job's input
    export = Cur2Export(payer="999999999999")
    export.add_usage(
        day=datetime(2026, 11, 1), account="999999999999", service="AmazonS3", cost="12.34"
    )
    ingest_billing(str(export.write(tmp_path / "late-bill")), settings=loaded)
    for name, job in jobs.items():
        assert not isinstance(job(), JobSkipped), name
    rerun = _ledger(loaded)[2 * len(jobs) :]
    assert rerun == [(name, "succeeded", "inputs changed") for name in jobs]
    after = _outputs(loaded)
    for job in OUTPUTS:
        assert after[job] != first_outputs[job], f"{job} did not rewrite its output"


def test_force_recomputes_unchanged_inputs(loaded: Settings) -> None:
    run = _jobs(loaded)["commitments"]
    forced = _jobs(loaded, force=True)["commitments"]
    assert not isinstance(run(), JobSkipped)
    before = _outputs(loaded)["commitments"]
    assert isinstance(run(), JobSkipped)
    assert not isinstance(forced(), JobSkipped)
    assert _outputs(loaded)["commitments"] != before
    assert [(s, r) for _, s, r in _ledger(loaded)][-3:] == [
        ("succeeded", "first run"),
        ("skipped", _ledger(loaded)[-2][2]),
        ("succeeded", "forced"),
    ]


def test_runs_with_other_parameters_do_not_undo_a_skip(loaded: Settings) -> None:
    """The daily 14-day anomaly run and the demo's whole-history run each compare with the
    last run of their own parameters: alternating them recomputes nothing twice."""

    def detect(report_days: int) -> object:
        return anomalies.run_anomalies(run_date=AS_OF, report_days=report_days, settings=loaded)

    assert not isinstance(detect(14), JobSkipped)
    assert not isinstance(detect(90), JobSkipped)
    assert isinstance(detect(14), JobSkipped)
    assert isinstance(detect(90), JobSkipped)
    assert [s for _, s, _ in _ledger(loaded)] == ["succeeded", "succeeded", "skipped", "skipped"]
