"""Run Airflow for the operator: api-server, scheduler, dag-processor and triggerer."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

import psycopg

from finops.config import Settings
from finops.db.engine import AIRFLOW_DB, libpq_url, server_url
from finops.errors import ConfigurationError, FinOpsError
from finops.orchestration.airflow_env import (
    admin_password,
    airflow_env,
    airflow_executable,
    migrate_metadata,
)
from finops.orchestration.processes import ProcessGroup, tail

COMPONENTS = ("api-server", "scheduler", "dag-processor", "triggerer")
# The DAGs that run on their own once Airflow is up: billing_ingest daily, and the analytics
# chained on its Assets (costs -> anomaly_detection, cost_forecast -> budget_check, and
# optimization). usage_ingest reads the AWS APIs of the accounts in FINOPS_AWS_*; it is left
# for the operator to unpause where those are reachable (the demo has no AWS account and loads
# the estate's utilization files itself).
SCHEDULED_DAGS = (
    "billing_ingest",
    "anomaly_detection",
    "cost_forecast",
    "budget_check",
    "optimization",
)


@dataclass(frozen=True)
class AirflowAccess:
    url: str
    username: str
    password: str


def start_airflow(settings: Settings, group: ProcessGroup) -> AirflowAccess:
    """Migrate the metadata database, register the DAGs, start every component, wait for the UI."""
    migrate_metadata(settings)
    env = airflow_env(settings)
    register_dags(settings)
    executable = airflow_executable()
    for component in COMPONENTS:
        args = [executable, component]
        if component == "api-server":
            args += ["--host", "127.0.0.1", "--port", str(settings.airflow_port)]
        group.start(f"airflow-{component}", args, env=env)
    url = f"http://127.0.0.1:{settings.airflow_port}"
    _wait_healthy(url, group)
    return AirflowAccess(url, settings.airflow_admin_user, admin_password(settings))


def register_dags(settings: Settings) -> None:
    """Parse the DAG folder into the metadata database now (the dag-processor would, later):
    DAGs, their Asset references and schedules are known before anything is unpaused."""
    _run_airflow(["dags", "reserialize"], airflow_env(settings))


def _run_airflow(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(
        [airflow_executable(), *args], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise ConfigurationError(
            f"airflow {' '.join(args)} failed:\n{result.stdout[-1500:]}\n{result.stderr[-2500:]}"
        )
    return result.stdout


def _wait_healthy(url: str, group: ProcessGroup, *, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        dead = group.failed()
        if dead:
            raise FinOpsError(
                f"{dead[0].name} exited with status {dead[0].popen.returncode}; its log "
                f"({dead[0].log_path}) ends:\n{tail(dead[0].log_path)}"
            )
        try:
            with urllib.request.urlopen(f"{url}/api/v2/monitor/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(1)
    raise FinOpsError(f"the Airflow api-server did not answer on {url} within {timeout_s:.0f} s")


def unpause_dags(settings: Settings, dag_ids: tuple[str, ...] = SCHEDULED_DAGS) -> None:
    """Unpause ``dag_ids`` (DAGs are paused at creation) in one Airflow command. A cron DAG's
    first scheduled run is its next slot, so unpausing starts nothing by itself."""
    pattern = "^(" + "|".join(dag_ids) + ")$"
    _run_airflow(
        ["dags", "unpause", pattern, "--treat-dag-id-as-regex", "--yes"], airflow_env(settings)
    )


def trigger_dag(
    settings: Settings, dag_id: str, *, run_id: str, conf: dict[str, object] | None = None
) -> None:
    """Start a run of ``dag_id`` (unpaused by :func:`unpause_dags`)."""
    _run_airflow(
        ["dags", "trigger", dag_id, "--run-id", run_id, "--conf", json.dumps(conf or {})],
        airflow_env(settings),
    )


def wait_for_run(
    settings: Settings, dag_id: str, run_id: str, *, group: ProcessGroup, timeout_s: float = 900
) -> str:
    """Poll the metadata database until the run finishes; returns its final state."""
    url = libpq_url(server_url(settings, AIRFLOW_DB))
    deadline = time.monotonic() + timeout_s
    state = "queued"
    while time.monotonic() < deadline:
        dead = group.failed()
        if dead:
            raise FinOpsError(
                f"{dead[0].name} exited while {dag_id} ran; log {dead[0].log_path}:"
                f"\n{tail(dead[0].log_path)}"
            )
        with psycopg.connect(url, autocommit=True) as conn:
            row = conn.execute(
                "SELECT state FROM dag_run WHERE dag_id = %s AND run_id = %s", (dag_id, run_id)
            ).fetchone()
        state = str(row[0]) if row else "missing"
        if state in ("success", "failed"):
            return state
        time.sleep(2)
    raise FinOpsError(f"{dag_id} run {run_id} still {state} after {timeout_s:.0f} s")
