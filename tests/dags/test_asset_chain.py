"""The DAG chain on real Airflow 3.3: a billing_ingest run that loads a period publishes the
costs Asset, and that queues the analytics DAGs scheduled on it (unpaused as the demo leaves
them); a run that loads nothing publishes nothing.

The DAGs are registered in the metadata database as the dag-processor does
(``airflow dags reserialize``), unpaused with the demo's own call, and billing_ingest runs
with ``dag.test()`` against the embedded PostgreSQL."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import psycopg
import pytest

from finops.config import Settings
from finops.db.engine import AIRFLOW_DB, libpq_url, server_url
from finops.orchestration.airflow_env import DAGS_FOLDER, migrate_metadata
from finops.orchestration.airflow_runtime import SCHEDULED_DAGS, register_dags, unpause_dags
from tests.factories.airflow import airflow_in_process
from tests.factories.cur2 import Cur2Export


def _metadata(settings: Settings, sql: str) -> list[tuple[object, ...]]:
    with psycopg.connect(libpq_url(server_url(settings, AIRFLOW_DB)), autocommit=True) as conn:
        cursor = conn.execute(sql)  # type: ignore[arg-type]
        return [tuple(r) for r in cursor.fetchall()] if cursor.description else []


def test_a_billing_load_queues_the_analytics_dags_through_the_costs_asset(
    fresh_settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    export = Cur2Export()
    for day in range(1, 4):
        export.add_usage(
            day=datetime(2026, 6, day), account="444444444444", service="AmazonEC2", cost="3.25"
        )
    source = export.write(tmp_path / "exports")

    migrate_metadata(fresh_settings)
    register_dags(fresh_settings)
    unpause_dags(fresh_settings)
    paused = dict(_metadata(fresh_settings, "SELECT dag_id, is_paused FROM dag"))
    assert {d for d in SCHEDULED_DAGS if paused.get(d) is False} == set(SCHEDULED_DAGS)
    assert paused["usage_ingest"] is True  # reads the AWS APIs: the operator's call
    _metadata(fresh_settings, "DELETE FROM asset_dag_run_queue")

    airflow_in_process(fresh_settings, monkeypatch, request)
    from airflow.dag_processing.dagbag import BundleDagBag

    dag = BundleDagBag(dag_folder=str(DAGS_FOLDER), bundle_path=DAGS_FOLDER).dags["billing_ingest"]

    run = dag.test(run_conf={"sources": [str(source)]})
    assert run.state == "success"
    queued = _metadata(
        fresh_settings,
        "SELECT q.target_dag_id, a.uri FROM asset_dag_run_queue q "
        "JOIN asset a ON a.id = q.asset_id ORDER BY 1",
    )
    # budget_check follows cost_forecast's forecasts Asset, not the bill directly
    assert queued == [
        ("anomaly_detection", "finops://warehouse/costs"),
        ("cost_forecast", "finops://warehouse/costs"),
        ("optimization", "finops://warehouse/costs"),
        ("savings_tracker", "finops://warehouse/costs"),
    ]
    events = _metadata(
        fresh_settings,
        "SELECT a.uri, e.source_dag_id, e.source_task_id FROM asset_event e "
        "JOIN asset a ON a.id = e.asset_id",
    )
    assert events == [("finops://warehouse/costs", "billing_ingest", "publish_costs")]

    # the same bill again: every period unchanged, no ingest task mapped, nothing published,
    # nothing queued
    _metadata(fresh_settings, "DELETE FROM asset_dag_run_queue")
    again = dag.test(run_conf={"sources": [str(source)]})
    assert again.state == "success"
    states = {(ti.task_id, ti.map_index): ti.state for ti in again.get_task_instances()}
    assert states == {
        ("discover_periods", -1): "success",
        ("ingest_period", -1): "skipped",
        ("publish_costs", -1): "skipped",
    }
    assert _metadata(fresh_settings, "SELECT count(*) FROM asset_dag_run_queue") == [(0,)]
    assert len(_metadata(fresh_settings, "SELECT id FROM asset_event")) == 1
