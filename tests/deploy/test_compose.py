"""``docker-compose.yml`` and the ``Dockerfile``, which cannot run here (no Docker): the Compose
file validates against the Compose specification's JSON schema (vendored from
compose-spec/compose-spec ``schema/compose-spec.json`` into tests/schemas/), names the whole
stack, starts it in dependency order on healthchecks, and mounts only files the repository has."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from finops.config import REPO_ROOT

SCHEMAS = Path(__file__).parents[1] / "schemas"
STACK = {
    "postgres",
    "redis",
    "vault",
    "vault-bootstrap",
    "airflow-init",
    "airflow-api-server",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
    "airflow-worker",
    "finops-api",
    "statsd-exporter",
    "postgres-exporter",
    "node-exporter",
    "prometheus",
    "alertmanager",
    "loki",
    "promtail",
    "grafana",
}


def _compose() -> dict[str, Any]:
    loaded = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def test_compose_file_is_valid_against_the_compose_specification() -> None:
    schema = json.loads((SCHEMAS / "compose-spec.json").read_text())
    validator = jsonschema.Draft7Validator(schema)
    errors = sorted(validator.iter_errors(_compose()), key=lambda e: list(e.absolute_path))
    assert [f"{list(e.absolute_path)}: {e.message}" for e in errors] == []
    # the vendored schema is the real one: it refuses what Compose refuses
    broken = _compose()
    broken["services"]["redis"]["depends_on"] = {"postgres": {"condition": "when_ready"}}
    assert len(list(validator.iter_errors(broken))) == 1


def test_the_stack_starts_in_dependency_order_on_healthchecks() -> None:
    services = _compose()["services"]
    assert set(services) == STACK
    waits = 0
    for name, service in services.items():
        for target, condition in service.get("depends_on", {}).items():
            assert target in services, f"{name} depends on unknown {target}"
            if condition["condition"] == "service_healthy":
                assert "healthcheck" in services[target], f"{name} waits on {target}'s health"
                waits += 1
            elif condition["condition"] == "service_completed_successfully":
                assert services[target]["restart"] == "no"
    assert waits >= 20
    # every long-running component but the exporters and promtail has a healthcheck
    without = {n for n, s in services.items() if "healthcheck" not in s}
    assert without == {
        "vault-bootstrap",
        "airflow-init",
        "postgres-exporter",
        "node-exporter",
        "promtail",
    }
    airflow = {n: s for n, s in services.items() if n.startswith("airflow-")}
    executors = {s["environment"]["AIRFLOW__CORE__EXECUTOR"] for s in airflow.values()}
    assert executors == {"airflow.providers.celery.executors.celery_executor.CeleryExecutor"}
    assert services["airflow-worker"]["deploy"]["replicas"] == 2
    assert services["airflow-worker"]["command"] == ["airflow", "celery", "worker"]


def test_every_mounted_file_is_in_the_repository() -> None:
    mounts = [
        volume.split(":")[0]
        for service in _compose()["services"].values()
        for volume in service.get("volumes", [])
        if volume.startswith("./")
    ]
    assert len(mounts) == 11
    missing = [m for m in mounts if not (REPO_ROOT / m).exists()]
    assert missing == []


def test_dockerfile_builds_the_dashboard_then_runs_python_as_a_user() -> None:
    text = (REPO_ROOT / "Dockerfile").read_text()
    stages = re.findall(r"^FROM (\S+) AS (\S+)$", text, re.MULTILINE)
    assert [name for _, name in stages] == ["dashboard", "platform"]
    assert stages[0][0].startswith("node:20") and stages[1][0].startswith("python:3.11")
    assert "COPY --from=dashboard /src/frontend/dist frontend/dist" in text
    assert "uv sync --frozen --no-dev" in text
    users = re.findall(r"^USER (\S+)$", text, re.MULTILINE)
    assert users == ["finops"]
    copied = re.findall(r"^COPY (?!--from)(.+) \S+$", text, re.MULTILINE)
    sources = [s for line in copied for s in line.split()]
    assert [s for s in sources if not (REPO_ROOT / s).exists()] == []


def test_airflow_reads_its_metadata_url_from_vault() -> None:
    """No Airflow service has the metadata database URL in its environment: they read it from
    Vault (``sql_alchemy_conn_secret``, the config path ``finops airflow`` uses), where
    vault-bootstrap writes it; the DAGs' AWS connection is ``finops_aws``."""
    from finops.orchestration.airflow_env import AIRFLOW_CONFIG_PATH

    compose = _compose()
    env = compose["x-airflow"]["environment"]
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_SECRET"] == "sql_alchemy_conn"
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC_SECRET"] == "sql_alchemy_conn"
    assert json.loads(env["AIRFLOW__SECRETS__BACKEND_KWARGS"])["config_path"] == (
        AIRFLOW_CONFIG_PATH
    )
    assert env["FINOPS_AIRFLOW_AWS_CONN_ID"] == "finops_aws"
    for name, service in compose["services"].items():
        values = " ".join(str(v) for v in (service.get("environment") or {}).values())
        assert "@postgres:5432/airflow" not in values, name
    (bootstrap,) = compose["services"]["vault-bootstrap"]["command"]
    assert f"{AIRFLOW_CONFIG_PATH}/sql_alchemy_conn" in bootstrap
