"""The run date of a DAG run is resolved once and passed to every task (real Airflow 3.3,
``dag.test()`` against the embedded PostgreSQL).

The optimization DAG's five jobs all run as of the date its first task resolved. Here its
allocation task fails on its first try (the tag policy file it is configured with is not
there yet); while it waits for its retry a later bill lands (the warehouse's latest charge day
moves on) and the file appears. The retry, and the KPI task after it, still run as of the date
the run started with: no task of the run sees the later day."""

from __future__ import annotations

import threading
import time
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import text

from finops.config import Settings
from finops.db.engine import AIRFLOW_DB, get_engine, libpq_url, server_url
from finops.ingest.billing import ingest_billing
from finops.jobs.run_date import latest_charge_day
from finops.orchestration.airflow_env import DAGS_FOLDER
from tests.factories.airflow import airflow_in_process
from tests.factories.cur2 import Cur2Export

JOBS = ("rightsizing", "waste", "commitments", "allocation", "kpis")


def _bill(tmp_path: Path, name: str, days: range) -> str:
    export = Cur2Export()
    for day in days:
        export.add_usage(
            day=datetime(2026, 6, day), account="777777777777", service="AmazonEC2", cost="4.5"
        )
    return str(export.write(tmp_path / name))


def _job_runs(settings: Settings) -> list[tuple[str, date, str, str]]:
    with get_engine(settings).connect() as conn:
        return [
            (str(r[0]), r[1], str(r[2]), str(r[3]))
            for r in conn.execute(
                text("SELECT job, as_of, run_id, status FROM finops.job_runs ORDER BY id")
            )
        ]


def _metadata(settings: Settings, sql: str, *args: object) -> list[tuple[Any, ...]]:
    with psycopg.connect(libpq_url(server_url(settings, AIRFLOW_DB)), autocommit=True) as conn:
        return [tuple(r) for r in conn.execute(sql, args).fetchall()]  # type: ignore[arg-type]


def _land_during_retry(
    settings: Settings, *, bill: str, policy: Path, done: list[str]
) -> threading.Thread:
    """Once the allocation task waits for its retry: load ``bill`` and write the tag policy."""

    def land() -> None:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            state = _metadata(
                settings,
                "SELECT state FROM task_instance WHERE dag_id = 'optimization' "
                "AND task_id = 'allocation'",
            )
            if state == [("up_for_retry",)]:
                ingest_billing(bill, settings=settings)
                policy.write_bytes(
                    resources.files("finops.analytics.allocation")
                    .joinpath("default_tag_policy.json")
                    .read_bytes()
                )
                done.append("landed")
                return
            time.sleep(0.5)

    thread = threading.Thread(target=land, daemon=True)
    thread.start()
    return thread


def test_every_task_of_a_run_gets_the_date_resolved_once_and_a_retry_keeps_it(
    fresh_settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    ingest_billing(_bill(tmp_path, "june", range(1, 4)), settings=fresh_settings)
    assert latest_charge_day(fresh_settings) == date(2026, 6, 3)
    policy = tmp_path / "tag_policy.json"  # not there yet: allocation's first try fails

    monkeypatch.setenv("FINOPS_ALLOCATION_TAG_POLICY", str(policy))
    airflow_in_process(fresh_settings, monkeypatch, request)
    from airflow.dag_processing.dagbag import BundleDagBag

    dag = BundleDagBag(dag_folder=str(DAGS_FOLDER), bundle_path=DAGS_FOLDER).dags["optimization"]

    landed: list[str] = []
    lander = _land_during_retry(
        fresh_settings, bill=_bill(tmp_path, "june-late", range(4, 6)), policy=policy, done=landed
    )
    run = dag.test()
    lander.join(timeout=5)
    assert landed == ["landed"]
    assert latest_charge_day(fresh_settings) == date(2026, 6, 5)  # the later bill is in

    assert run.state == "success"
    tries = {ti.task_id: (ti.state, ti.try_number) for ti in run.get_task_instances()}
    assert tries == {
        "resolve_run_date": ("success", 1),
        "rightsizing": ("success", 1),
        "waste": ("success", 1),
        "commitments": ("success", 1),
        "allocation": ("success", 2),
        "kpis": ("success", 1),
    }
    xcoms = dict(
        _metadata(
            fresh_settings,
            "SELECT task_id, value FROM xcom WHERE dag_id = 'optimization' AND run_id = %s "
            "AND key = 'return_value'",
            run.run_id,
        )
    )
    assert xcoms["resolve_run_date"] == "2026-06-03"
    assert {job: (xcoms[job]["job"], xcoms[job]["run_date"]) for job in JOBS} == {
        job: (job, "2026-06-03") for job in JOBS
    }
    # the ledger: every job of the run, the failed first try and its retry, as of one day
    ledger = _job_runs(fresh_settings)
    assert sorted(ledger) == sorted(
        [
            *((job, date(2026, 6, 3), run.run_id, "succeeded") for job in JOBS),
            ("allocation", date(2026, 6, 3), run.run_id, "failed"),
        ]
    )
    assert ledger[-2:] == [
        ("allocation", date(2026, 6, 3), run.run_id, "succeeded"),
        ("kpis", date(2026, 6, 3), run.run_id, "succeeded"),
    ]
