"""A real ``dag.test()`` run of usage_ingest against moto and the embedded PostgreSQL."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import psycopg
import pytest

from finops.config import Settings
from finops.db.engine import AIRFLOW_DB, libpq_url, server_url
from finops.orchestration.airflow_env import DAGS_FOLDER, airflow_env, migrate_metadata
from tests.factories.usage import MotoAws, put_records, run_instance
from tests.ingest.usage.conftest import rows

ACCOUNT = "333333333333"
REGION = "eu-west-1"


def test_usage_ingest_dag_maps_one_task_per_account_region(
    moto: MotoAws, fresh_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    instance = run_instance(moto.client("ec2", REGION, ACCOUNT), tags={"team": "data"})
    put_records(
        moto,
        [
            {
                "account_id": ACCOUNT,
                "region": REGION,
                "namespace": "AWS/EC2",
                "metric_name": "CPUUtilization",
                "dimensions": {"InstanceId": instance},
                "timestamp": 1790640000000 + i * 300_000,  # 2026-09-29T00:00Z
                "value": {"min": 1.0, "max": 4.0, "sum": 10.0, "count": 5.0},
                "unit": "Percent",
            }
            for i in range(4)
        ],
    )
    migrate_metadata(fresh_settings)
    for key, value in airflow_env(fresh_settings).items():
        monkeypatch.setenv(key, value)

    from airflow.dag_processing.dagbag import BundleDagBag

    from finops.config import get_settings

    get_settings.cache_clear()
    dag = BundleDagBag(dag_folder=str(DAGS_FOLDER), bundle_path=DAGS_FOLDER).get_dag("usage_ingest")
    assert dag is not None
    run = dag.test(
        logical_date=datetime(2026, 9, 30, tzinfo=UTC),
        run_conf={"accounts": [ACCOUNT], "regions": [REGION, "us-east-1"]},
    )
    get_settings.cache_clear()
    assert run.state == "success"
    states = {(ti.task_id, ti.map_index): ti.state for ti in run.get_task_instances()}
    assert states == {
        ("resolve_interval_day", -1): "success",
        ("plan_units", -1): "success",
        ("ingest_unit", 0): "success",
        ("ingest_unit", 1): "success",
        ("publish_usage", -1): "success",
    }
    # the run's date, resolved once from its data interval: the day every unit loaded (below)
    with psycopg.connect(libpq_url(server_url(fresh_settings, AIRFLOW_DB))) as conn:
        resolved = conn.execute(
            "SELECT value FROM xcom WHERE dag_id = 'usage_ingest' AND run_id = %s "
            "AND task_id = 'resolve_interval_day' AND key = 'return_value'",
            (run.run_id,),
        ).fetchall()
    assert resolved == [("2026-09-29",)]
    assert rows(
        fresh_settings,
        "SELECT resource_id, day, stat, avg, max, sample_count FROM utilization_daily "
        "ORDER BY stat",
    ) == [
        (instance, datetime(2026, 9, 29).date(), "Average", 2.0, 2.0, 4),
        (instance, datetime(2026, 9, 29).date(), "Maximum", 4.0, 4.0, 4),
    ]
    listed = rows(
        fresh_settings,
        "SELECT region, first_seen FROM resources WHERE resource_id = :rid",
        rid=instance,
    )
    assert listed == [(REGION, datetime(2026, 9, 29).date())]
    assert os.environ.get("AWS_ENDPOINT_URL") == moto.endpoint
