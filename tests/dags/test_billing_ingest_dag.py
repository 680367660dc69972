"""A real ``dag.test()`` run of billing_ingest against the embedded PostgreSQL."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text

from finops.config import Settings
from finops.db.engine import get_engine
from finops.orchestration.airflow_env import DAGS_FOLDER
from tests.factories.airflow import airflow_in_process
from tests.factories.cur2 import Cur2Export


def test_billing_ingest_dag_run_lands_rows(
    fresh_settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    export = Cur2Export()
    for day in range(1, 4):
        export.add_usage(
            day=datetime(2026, 4, day),
            account="555555555555",
            service="AmazonEC2",
            cost="2.50",
            hours=4,
        )
        export.add_usage(
            day=datetime(2026, 5, day),
            account="555555555555",
            service="AmazonS3",
            cost="0.10",
            hours=1,
        )
    source = export.write(tmp_path / "exports")

    airflow_in_process(fresh_settings, monkeypatch, request)
    from airflow.dag_processing.dagbag import BundleDagBag

    dag = BundleDagBag(dag_folder=str(DAGS_FOLDER), bundle_path=DAGS_FOLDER).get_dag(
        "billing_ingest"
    )
    assert dag is not None
    run = dag.test(run_conf={"sources": [str(source)]})
    assert run.state == "success"

    states = {(ti.task_id, ti.map_index): ti.state for ti in run.get_task_instances()}
    assert states == {
        ("discover_periods", -1): "success",
        ("ingest_period", 0): "success",
        ("ingest_period", 1): "success",
        ("publish_costs", -1): "success",
    }
    # the Airflow UI names each mapped ingest task by the billing period it loads
    names = {
        ti.map_index: ti.rendered_map_index
        for ti in run.get_task_instances()
        if ti.task_id == "ingest_period"
    }
    assert names == {0: "2026-04", 1: "2026-05"}
    with get_engine(fresh_settings).connect() as conn:
        count, total = conn.execute(text("SELECT count(*), sum(billed_cost) FROM costs")).one()
    assert count == 6
    assert total == export.total() == Decimal("7.8")
