"""A real ``dag.test()`` run of usage_ingest against moto and the embedded PostgreSQL: through
the default credential chain (no Airflow AWS connection), and through the Airflow connection
``finops_aws`` (``AIRFLOW_CONN_FINOPS_AWS``, the amazon provider's AwsBaseHook) as the only way
to reach moto."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest

from finops.config import Settings
from finops.db.engine import AIRFLOW_DB, libpq_url, server_url
from finops.orchestration.airflow_env import DAGS_FOLDER
from tests.factories.airflow import airflow_in_process
from tests.factories.usage import MotoAws, put_records, run_instance
from tests.ingest.usage.conftest import rows

ACCOUNT = "333333333333"
REGION = "eu-west-1"
NOWHERE = "http://127.0.0.1:9"  # nothing listens: a call that misses the connection fails


def plant(moto: MotoAws) -> str:
    """One instance in ACCOUNT/REGION with four 5-minute CPU points on 2026-09-29."""
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
    return instance


def run_usage_dag(settings: Settings, regions: list[str]) -> Any:
    from airflow.dag_processing.dagbag import BundleDagBag

    dag = BundleDagBag(dag_folder=str(DAGS_FOLDER), bundle_path=DAGS_FOLDER).get_dag("usage_ingest")
    assert dag is not None
    return dag.test(
        logical_date=datetime(2026, 9, 30, tzinfo=UTC),
        run_conf={"accounts": [ACCOUNT], "regions": regions},
    )


def assert_loaded(settings: Settings, instance: str) -> None:
    assert rows(
        settings,
        "SELECT resource_id, day, stat, avg, max, sample_count FROM utilization_daily "
        "ORDER BY stat",
    ) == [
        (instance, datetime(2026, 9, 29).date(), "Average", 2.0, 2.0, 4),
        (instance, datetime(2026, 9, 29).date(), "Maximum", 4.0, 4.0, 4),
    ]
    listed = rows(
        settings,
        "SELECT region, first_seen FROM resources WHERE resource_id = :rid",
        rid=instance,
    )
    assert listed == [(REGION, datetime(2026, 9, 29).date())]


def test_usage_ingest_dag_maps_one_task_per_account_region(
    moto: MotoAws,
    fresh_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    instance = plant(moto)
    monkeypatch.delenv("AIRFLOW_CONN_FINOPS_AWS", raising=False)
    airflow_in_process(fresh_settings, monkeypatch, request)
    run = run_usage_dag(fresh_settings, [REGION, "us-east-1"])
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
    assert_loaded(fresh_settings, instance)
    assert os.environ.get("AWS_ENDPOINT_URL") == moto.endpoint


def test_usage_ingest_dag_reads_aws_through_the_airflow_connection(
    moto: MotoAws,
    fresh_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    """The process's own AWS settings lead nowhere (AWS_ENDPOINT_URL on a closed port, one
    attempt per call): the points and the inventory reach the warehouse only because every
    task's session comes from the connection, whose endpoint_url is moto's."""
    instance = plant(moto)
    monkeypatch.setenv("AWS_ENDPOINT_URL", NOWHERE)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "env-key-not-used")
    monkeypatch.setenv("FINOPS_AWS_MAX_ATTEMPTS", "1")
    connection = {
        "conn_type": "aws",
        "login": "conn-access-key",
        "password": "conn-secret-key",
        "extra": {"endpoint_url": moto.endpoint, "region_name": "us-east-1"},
    }
    monkeypatch.setenv("AIRFLOW_CONN_FINOPS_AWS", json.dumps(connection))
    airflow_in_process(fresh_settings, monkeypatch, request)
    run = run_usage_dag(fresh_settings, [REGION])
    assert run.state == "success"
    states = {(ti.task_id, ti.map_index): ti.state for ti in run.get_task_instances()}
    assert states["ingest_unit", 0] == "success"
    assert len(states) == 4  # one account x one region
    assert_loaded(fresh_settings, instance)
    assert rows(
        fresh_settings, "SELECT count(*) FROM finops.usage_ingest_log WHERE status <> 'succeeded'"
    ) == [(0,)]
