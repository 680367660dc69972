"""``helm/finops``, which cannot be rendered here (no helm binary installs in the test
environment, and the official Airflow chart it depends on would be fetched from
airflow.apache.org): values.yaml validates against values.schema.json and the schema refuses
what it should, every ``.Values`` path a template reads is in values.yaml, every CronJob runs a
real ``finops`` command, and the Airflow dependency runs CeleryExecutor on the platform's image
with the DAGs the Dockerfile bakes in."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import jsonschema
import yaml
from typer.testing import CliRunner

from finops.cli import app
from finops.config import REPO_ROOT

CHART = REPO_ROOT / "helm" / "finops"


def _values() -> dict[str, Any]:
    loaded = yaml.safe_load((CHART / "values.yaml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def _validator() -> jsonschema.Draft7Validator:
    schema = json.loads((CHART / "values.schema.json").read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def _errors(values: dict[str, Any]) -> list[str]:
    return sorted(f"{list(e.absolute_path)}: {e.message}" for e in _validator().iter_errors(values))


def test_values_validate_against_the_values_schema() -> None:
    assert _errors(_values()) == []


def test_the_schema_refuses_broken_values() -> None:
    cases: list[tuple[str, Any, str]] = [
        ("api.replicas", 0, "['api', 'replicas']: 0 is less than the minimum of 1"),
        ("airflow.executor", "LocalExecutor", "['airflow', 'executor']: 'LocalExecutor' is not"),
        ("cronJobs.0.schedule", "daily", "['cronJobs', 0, 'schedule']: 'daily' does not match"),
        ("vault.address", "vault:8200", "['vault', 'address']: 'vault:8200' does not match"),
        ("api.resources.limits.memory", "1GB", "['api', 'resources', 'limits', 'memory']"),
    ]
    for path, value, expected in cases:
        values = copy.deepcopy(_values())
        *parents, last = path.split(".")
        node: Any = values
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[last] = value
        errors = _errors(values)
        assert len(errors) == 1 and errors[0].startswith(expected), (path, errors)
    missing = copy.deepcopy(_values())
    del missing["vault"]["address"]
    assert _errors(missing) == ["['vault']: 'address' is a required property"]
    unknown = _values() | {"replica": 3}
    assert len(_errors(unknown)) == 1


def _value_paths(node: Any, prefix: str = "") -> set[str]:
    paths = {prefix} if prefix else set()
    if isinstance(node, dict):
        for key, child in node.items():
            paths |= _value_paths(child, f"{prefix}.{key}" if prefix else key)
    return paths


def test_templates_read_only_values_that_exist() -> None:
    known = _value_paths(_values())
    read: set[str] = set()
    templates = sorted((CHART / "templates").glob("*"))
    assert [t.name for t in templates] == [
        "_helpers.tpl",
        "api-deployment.yaml",
        "api-service.yaml",
        "cronjobs.yaml",
        "migrate-job.yaml",
        "serviceaccounts.yaml",
        "servicemonitor.yaml",
    ]
    for template in templates:
        source = template.read_text()
        assert source.count("{{") == source.count("}}"), template.name
        read |= set(re.findall(r"\.Values\.([A-Za-z0-9_.]+)", source))
    assert sorted(read - known) == []
    assert len(read) == 25


def test_every_cronjob_runs_a_real_finops_command() -> None:
    runner = CliRunner()
    jobs = _values()["cronJobs"]
    assert [job["name"] for job in jobs] == ["kpis", "savings"]
    for job in jobs:
        result = runner.invoke(app, [*job["args"], "--help"])
        assert result.exit_code == 0, (job, result.output)


def test_airflow_runs_celery_on_the_platform_image_and_its_dags() -> None:
    chart = yaml.safe_load((CHART / "Chart.yaml").read_text())
    (dependency,) = chart["dependencies"]
    assert (dependency["name"], dependency["repository"]) == (
        "airflow",
        "https://airflow.apache.org",
    )
    assert dependency["condition"] == "airflow.enabled"
    assert not (CHART / "charts").exists()  # fetched by `helm dependency update`, never vendored
    values = _values()
    airflow = values["airflow"]
    assert airflow["executor"] == "CeleryExecutor" and airflow["workers"]["replicas"] == 2
    image = (values["image"]["repository"], values["image"]["tag"])
    assert (
        airflow["images"]["airflow"]["repository"],
        airflow["images"]["airflow"]["tag"],
    ) == image
    assert (airflow["defaultAirflowRepository"], airflow["defaultAirflowTag"]) == image
    dockerfile = (REPO_ROOT / "Dockerfile").read_text()
    assert "WORKDIR /app" in dockerfile and "COPY dags/ dags/" in dockerfile
    assert airflow["config"]["core"]["dags_folder"] == "/app/dags"
    assert json.loads(airflow["config"]["secrets"]["backend_kwargs"])["kv_engine_version"] == 2
    pyproject = (REPO_ROOT / "pyproject.toml").read_text()
    pinned = re.search(r'"apache-airflow\[statsd\]==([0-9.]+)"', pyproject)
    assert pinned and airflow["airflowVersion"] == pinned.group(1)


def test_airflow_reads_its_metadata_url_and_aws_connection_from_vault() -> None:
    """The chart's Airflow takes its metadata database URL from Vault (``sql_alchemy_conn_secret``
    under the config path ``finops airflow`` uses) with the chart's own Secret variables off
    (they would win), and its DAGs take AWS sessions from the ``finops_aws`` connection."""
    from finops.orchestration.airflow_env import AIRFLOW_CONFIG_PATH, AIRFLOW_CONNECTIONS_PATH

    airflow = _values()["airflow"]
    kwargs = json.loads(airflow["config"]["secrets"]["backend_kwargs"])
    assert (kwargs["config_path"], kwargs["connections_path"]) == (
        AIRFLOW_CONFIG_PATH,
        AIRFLOW_CONNECTIONS_PATH,
    )
    assert airflow["config"]["database"] == {
        "sql_alchemy_conn_secret": "sql_alchemy_conn",
        "sql_alchemy_conn_async_secret": "sql_alchemy_conn",
    }
    off = airflow["enableBuiltInSecretEnvVars"]
    assert off["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] is False
    assert off["AIRFLOW_CONN_AIRFLOW_DB"] is False
    assert off["AIRFLOW__CELERY__RESULT_BACKEND"] is False
    env = {e["name"]: e["value"] for e in airflow["env"]}
    assert env["FINOPS_AIRFLOW_AWS_CONN_ID"] == "finops_aws"
