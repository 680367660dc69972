"""Run Airflow for the operator: api-server, scheduler, dag-processor and triggerer, and with
``FINOPS_AIRFLOW_EXECUTOR=celery`` its Celery workers."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

from finops.config import Settings
from finops.db.engine import libpq_url
from finops.errors import ConfigurationError, FinOpsError
from finops.orchestration.airflow_env import (
    DAGS_FOLDER,
    admin_password,
    airflow_env,
    airflow_executable,
    metadata_url,
    migrate_metadata,
)
from finops.orchestration.processes import ProcessGroup, wait_http

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
    "savings_tracker",
)


@dataclass(frozen=True)
class AirflowAccess:
    url: str
    username: str
    password: str


def start_airflow(settings: Settings, group: ProcessGroup) -> AirflowAccess:
    """Migrate the metadata database, register the DAGs, start every component, wait for the UI.

    Each step that has nothing to do is skipped (a metadata database at Airflow's head
    revision, DAG files unchanged since they were registered). The api-server and the
    scheduler start while the DAGs are registered; the dag-processor after, so that it and
    ``dags reserialize`` never write the same DAGs at once, and with the triggerer once the
    api-server answers (fewer Airflow imports contend for the CPU while it starts)."""
    migrate_metadata(settings)
    env = airflow_env(settings)
    port = str(settings.airflow_port)
    url = f"http://127.0.0.1:{port}"
    _start_component(group, "api-server", env, "--host", "127.0.0.1", "--port", port)
    _start_component(group, "scheduler", env)
    register_dags(settings)
    wait_http(
        f"{url}/api/v2/monitor/health",
        group,
        name="the Airflow api-server",
        timeout_s=120,
        interval_s=0.25,
    )
    _start_component(group, "dag-processor", env)
    _start_component(group, "triggerer", env)
    if settings.airflow_executor == "celery":
        start_celery_workers(settings, group, env)
    return AirflowAccess(url, settings.airflow_admin_user, admin_password(settings))


def _start_component(
    group: ProcessGroup, component: str, env: dict[str, str], *args: str, name: str = ""
) -> None:
    process_name = f"airflow-{name or component}"
    group.start(process_name, [airflow_executable(), component, *args], env=env)


WORKER_NAME_VAR = "FINOPS_AIRFLOW_WORKER_NAME"


def start_celery_workers(settings: Settings, group: ProcessGroup, env: dict[str, str]) -> None:
    """``FINOPS_AIRFLOW_CELERY_WORKERS`` Celery workers on the broker of ``env``, named
    ``worker-1``, ``worker-2``, … (``worker-1@<host>`` to Celery). Each records its name as the
    hostname of the task instances it runs (:func:`worker_hostname`), so that the Airflow UI
    tells the workers of one machine apart. They serve no logs: on this machine the api-server
    reads the task logs from the shared log folder."""
    for number in range(1, settings.airflow_celery_workers + 1):
        name = f"worker-{number}"
        worker_env = env | {
            WORKER_NAME_VAR: name,
            "AIRFLOW__CORE__HOSTNAME_CALLABLE": f"{__name__}.worker_hostname",
        }
        args = ["--celery-hostname", f"{name}@%h", "--skip-serve-logs"]
        _start_component(group, "celery", worker_env, "worker", *args, name=f"celery-{name}")


def worker_hostname() -> str:
    """Airflow's ``hostname_callable`` in a Celery worker started by :func:`start_celery_workers`:
    ``<worker name>@<host>``."""
    return f"{os.environ[WORKER_NAME_VAR]}@{socket.getfqdn()}"


def register_dags(settings: Settings) -> bool:
    """Parse the DAG folder into the metadata database now (the dag-processor would, later):
    DAGs, their Asset references and schedules are known before anything is unpaused.

    Skipped when the DAG files and the Airflow version are those of the last registration
    and every DAG it registered is still in the metadata database, serialized and not stale.
    Returns whether ``airflow dags reserialize`` ran."""
    stamp_path = registration_stamp_path(settings)
    fingerprint = dags_fingerprint(DAGS_FOLDER)
    if _registration_current(settings, stamp_path, fingerprint):
        return False
    _run_airflow(["dags", "reserialize"], airflow_env(settings))
    stamp = {"fingerprint": fingerprint, "dag_ids": sorted(_registered_dag_ids(settings))}
    stamp_path.parent.mkdir(parents=True, exist_ok=True)
    stamp_path.write_text(json.dumps(stamp, indent=1))
    return True


def registration_stamp_path(settings: Settings) -> Path:
    return settings.airflow_home_path / "finops_dags_registered.json"


def dags_fingerprint(folder: Path) -> str:
    """A digest of the installed Airflow's version and every file under ``folder`` (the DAGs
    import nothing from outside it at parse time)."""
    digest = hashlib.sha256(importlib.metadata.version("apache-airflow").encode())
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if "__pycache__" in path.parts:
            continue
        digest.update(b"\0" + str(path.relative_to(folder)).encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _registration_current(settings: Settings, stamp_path: Path, fingerprint: str) -> bool:
    try:
        stamp = json.loads(stamp_path.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return False  # never registered here, or a stamp cut short: register again
    if not isinstance(stamp, dict) or stamp.get("fingerprint") != fingerprint:
        return False
    if not stamp.get("dag_ids"):
        return False
    return set(stamp["dag_ids"]) <= _registered_dag_ids(settings)


def _registered_dag_ids(settings: Settings) -> set[str]:
    """DAGs in the metadata database that are serialized and not stale."""
    with psycopg.connect(libpq_url(metadata_url(settings)), autocommit=True) as conn:
        rows = conn.execute(
            "SELECT d.dag_id FROM dag d WHERE NOT d.is_stale AND EXISTS "
            "(SELECT 1 FROM serialized_dag s WHERE s.dag_id = d.dag_id)"
        ).fetchall()
    return {str(row[0]) for row in rows}


def _run_airflow(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(
        [airflow_executable(), *args], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise ConfigurationError(
            f"airflow {' '.join(args)} failed:\n{result.stdout[-1500:]}\n{result.stderr[-2500:]}"
        )
    return result.stdout


def unpause_dags(settings: Settings, dag_ids: tuple[str, ...] = SCHEDULED_DAGS) -> None:
    """Unpause ``dag_ids`` (DAGs are paused at creation) in one Airflow command, for when no
    api-server runs (with one, :class:`~finops.orchestration.airflow_api.AirflowApi` is
    quicker). A cron DAG's first scheduled run is its next slot, so unpausing starts nothing
    by itself."""
    pattern = "^(" + "|".join(dag_ids) + ")$"
    _run_airflow(
        ["dags", "unpause", pattern, "--treat-dag-id-as-regex", "--yes"], airflow_env(settings)
    )


def wait_for_run(
    settings: Settings, dag_id: str, run_id: str, *, group: ProcessGroup, timeout_s: float = 900
) -> str:
    """Poll the metadata database until the run finishes; returns its final state."""
    url = libpq_url(metadata_url(settings))
    deadline = time.monotonic() + timeout_s
    state = "queued"
    with psycopg.connect(url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            group.raise_if_failed(during=f"{dag_id} ran")
            row = conn.execute(
                "SELECT state FROM dag_run WHERE dag_id = %s AND run_id = %s", (dag_id, run_id)
            ).fetchone()
            state = str(row[0]) if row else "missing"
            if state in ("success", "failed"):
                return state
            time.sleep(0.5)
    raise FinOpsError(f"{dag_id} run {run_id} still {state} after {timeout_s:.0f} s")
