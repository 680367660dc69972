"""The ``savings_tracker`` DAG run by real Airflow 3.3 (``dag.test()``): its task measures as
of the run date resolved once (the bill's last day), through the job ledger, so a second run
with the same bill is skipped."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import text

from finops.config import Settings
from finops.db.engine import AIRFLOW_DB, get_engine, libpq_url, server_url
from finops.orchestration.airflow_env import DAGS_FOLDER
from tests.factories.airflow import airflow_in_process
from tests.factories.remediation import plant_findings
from tests.factories.savings import DailyBill

SEEN, RESOLVED, LAST = date(2026, 3, 10), date(2026, 3, 11), date(2026, 3, 25)


def _xcoms(settings: Settings, run_id: str) -> dict[str, Any]:
    with psycopg.connect(libpq_url(server_url(settings, AIRFLOW_DB)), autocommit=True) as conn:
        rows = conn.execute(
            "SELECT task_id, value FROM xcom WHERE dag_id = 'savings_tracker' AND run_id = %s "
            "AND key = 'return_value'",
            (run_id,),
        ).fetchall()
    return {str(task): value for task, value in rows}


def test_the_dag_measures_as_of_the_bills_last_day_once(
    fresh_settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    engine = get_engine(fresh_settings)
    plant_findings(engine, "i-gone", as_of=SEEN, savings="50.00")
    plant_findings(engine, as_of=RESOLVED)
    bill = DailyBill(first=date(2026, 2, 20), last=LAST)
    bill.put("i-gone", bill.first, SEEN, cost="2.00", usage=24)
    bill.load(fresh_settings, tmp_path)

    airflow_in_process(fresh_settings, monkeypatch, request)
    from airflow.dag_processing.dagbag import BundleDagBag

    # close Airflow's pooled connections while the database still runs (not at interpreter
    # exit), and leave its ORM configured: later tests in the process load DAGs through it
    request.addfinalizer(_reset_airflow_orm)
    dag = BundleDagBag(dag_folder=str(DAGS_FOLDER), bundle_path=DAGS_FOLDER).dags["savings_tracker"]
    run = dag.test()
    assert run.state == "success"
    xcoms = _xcoms(fresh_settings, run.run_id)
    assert xcoms["resolve_run_date"] == "2026-03-25"
    assert xcoms["measure_savings"] == {
        "job": "savings",
        "run_date": "2026-03-25",
        "subjects": 1,
        "by_status": {"awaiting_bills": 0, "measured": 1, "confirmed": 0},
        "written": 1,
    }
    again = dag.test()
    assert again.state == "success"
    skipped = _xcoms(fresh_settings, again.run_id)["measure_savings"]
    assert skipped["run_date"] == "2026-03-25" and "skipped" in skipped
    with engine.connect() as conn:
        ledger = conn.execute(
            text("SELECT run_id, status FROM finops.job_runs WHERE job = 'savings' ORDER BY id")
        ).all()
        realized = conn.execute(
            text("SELECT realized_monthly_effective FROM finops.savings_measurements")
        ).scalar_one()
    assert ledger == [(run.run_id, "succeeded"), (again.run_id, "skipped")]
    assert realized == 2 * 31


def _reset_airflow_orm() -> None:
    from airflow import settings as airflow_settings

    airflow_settings.dispose_orm()
    airflow_settings.configure_orm()
