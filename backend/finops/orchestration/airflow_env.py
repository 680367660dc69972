"""The environment every Airflow process of the platform runs with.

Airflow's metadata lives in its own database (``airflow``) on the same PostgreSQL server as the
warehouse (embedded by default); LocalExecutor, or CeleryExecutor with
``FINOPS_AIRFLOW_EXECUTOR=celery`` (:func:`executor_env`); DAGs from the repository's ``dags/``
folder; StatsD metrics with ``FINOPS_AIRFLOW_STATSD_HOST`` (:func:`statsd_env`).
With ``FINOPS_SECRETS_PROVIDER=vault`` Airflow reads its connections and variables from Vault
(``apache-airflow-providers-hashicorp``'s ``VaultBackend``, see :func:`vault_backend_env`) and the
tasks receive the platform's secret references, never the values read from them; with
``FINOPS_AIRFLOW_DATABASE_URL=vault:finops/airflow/config/<key>#value`` Airflow reads its metadata
database URL from Vault too (``sql_alchemy_conn_secret``, :func:`metadata_env`).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import psycopg

from finops.config import REPO_ROOT, Settings
from finops.db.engine import AIRFLOW_DB, ensure_database, libpq_url
from finops.errors import ConfigurationError
from finops.secrets import SecretReference

DAGS_FOLDER = REPO_ROOT / "dags"


def airflow_env(settings: Settings, *, base: dict[str, str] | None = None) -> dict[str, str]:
    """Environment variables for Airflow processes (and for tasks, which inherit them)."""
    env = dict(os.environ if base is None else base)
    home = settings.airflow_home_path
    url = metadata_url(settings)
    env.update(
        {
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_FOLDER),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__PARALLELISM": "4",
            # a DAG runs on schedule once the operator unpauses it (the demo unpauses its own)
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{settings.airflow_admin_user}:admin",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(passwords_file(settings)),
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(settings.airflow_port),
            "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{settings.airflow_port}",
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{settings.airflow_port}/execution/",
            "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(settings.log_path / "airflow"),
            "AIRFLOW__SCHEDULER__MIN_FILE_PROCESS_INTERVAL": "30",
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "30",
            "AIRFLOW__WEBSERVER__WARN_DEPLOYMENT_EXPOSURE": "False",
            # the platform's own settings reach the tasks unchanged
            "FINOPS_HOME": str(settings.home),
        }
    )
    env.update(metadata_env(settings, url))
    env.update(executor_env(settings, metadata_url=url))
    env.update(statsd_env(settings))
    if settings.database_url is not None:
        reference = settings.secret_references.get("database_url")
        env["FINOPS_DATABASE_URL"] = reference or settings.database_url.get_secret_value()
    if settings.billing_sources:
        env["FINOPS_BILLING_SOURCES"] = json.dumps(settings.billing_sources)
    if settings.secrets_provider == "vault":
        env.update(vault_backend_env(settings))
    return env


def metadata_url(settings: Settings) -> str:
    """Airflow's metadata database: ``FINOPS_AIRFLOW_DATABASE_URL``, else the ``airflow``
    database beside the warehouse (created when missing)."""
    if settings.airflow_database_url is not None:
        return settings.airflow_database_url.get_secret_value()
    return ensure_database(settings, AIRFLOW_DB)


def metadata_secret_key(settings: Settings) -> str | None:
    """The ``[secrets]`` config key Airflow reads its metadata database URL from, when
    ``FINOPS_AIRFLOW_DATABASE_URL`` is a Vault reference (it must name the ``value`` of a secret
    under ``finops/airflow/config/``, where the VaultBackend's ``get_config`` looks)."""
    text = settings.secret_references.get("airflow_database_url")
    if text is None:
        return None
    reference = SecretReference.parse(text, setting="FINOPS_AIRFLOW_DATABASE_URL")
    parent, _, key = reference.path.rpartition("/")
    if parent != AIRFLOW_CONFIG_PATH or reference.key != "value":
        raise ConfigurationError(
            f"FINOPS_AIRFLOW_DATABASE_URL: {text!r} must be "
            f"vault:{AIRFLOW_CONFIG_PATH}/<key>#value (Airflow's VaultBackend reads config "
            "values from there)"
        )
    return key


def metadata_env(settings: Settings, url: str) -> dict[str, str]:
    """Where Airflow's processes find their metadata database: the URL itself, or, when it
    comes from Vault, the key of the secret (``sql_alchemy_conn_secret``): Airflow reads it
    through its secrets backend and the URL is in no process's environment."""
    key = metadata_secret_key(settings)
    if key is None:
        # psycopg 3 serves the async engine too (Airflow would otherwise want asyncpg)
        return {
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": url,
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC": url,
        }
    return {
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_SECRET": key,
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC_SECRET": key,
    }


CELERY_EXECUTOR = "airflow.providers.celery.executors.celery_executor.CeleryExecutor"


def executor_env(settings: Settings, *, metadata_url: str) -> dict[str, str]:
    """LocalExecutor, or CeleryExecutor: tasks queued on the Redis broker, their states in a
    result backend on the metadata database (``db+postgresql+psycopg://``, Airflow >= 3.2; when
    the metadata URL comes from Vault the celery provider derives it from ``sql_alchemy_conn``)."""
    if settings.airflow_executor == "local":
        return {"AIRFLOW__CORE__EXECUTOR": "LocalExecutor"}
    env = {
        "AIRFLOW__CORE__EXECUTOR": CELERY_EXECUTOR,
        "AIRFLOW__CELERY__BROKER_URL": settings.airflow_celery_broker_url,
        "AIRFLOW__CELERY__WORKER_CONCURRENCY": str(settings.airflow_celery_concurrency),
    }
    if metadata_secret_key(settings) is None:
        env["AIRFLOW__CELERY__RESULT_BACKEND"] = f"db+{metadata_url}"
    return env


def statsd_env(settings: Settings) -> dict[str, str]:
    """Airflow's StatsD output to ``FINOPS_AIRFLOW_STATSD_HOST`` (the statsd-exporter, whose
    mapping in ``monitoring/statsd-exporter/`` turns it into Prometheus metrics); unset: off."""
    if settings.airflow_statsd_host is None:
        return {"AIRFLOW__METRICS__STATSD_ON": "False"}
    return {
        "AIRFLOW__METRICS__STATSD_ON": "True",
        "AIRFLOW__METRICS__STATSD_HOST": settings.airflow_statsd_host,
        "AIRFLOW__METRICS__STATSD_PORT": str(settings.airflow_statsd_port),
        "AIRFLOW__METRICS__STATSD_PREFIX": "airflow",
    }


VAULT_BACKEND = "airflow.providers.hashicorp.secrets.vault.VaultBackend"
AIRFLOW_CONNECTIONS_PATH = "finops/airflow/connections"
AIRFLOW_VARIABLES_PATH = "finops/airflow/variables"
AIRFLOW_CONFIG_PATH = "finops/airflow/config"


def vault_backend_kwargs(settings: Settings) -> dict[str, object]:
    """``[secrets] backend_kwargs`` of Airflow's VaultBackend: connections and variables under
    ``finops/airflow/`` of the KV v2 mount, and config values (``*_secret`` options such as the
    metadata database URL) under ``finops/airflow/config``, logged in the way the platform
    logs in."""
    vault = settings.vault_config()
    if vault is None:
        raise ConfigurationError("FINOPS_SECRETS_PROVIDER=vault needs FINOPS_VAULT_ADDR")
    kwargs: dict[str, object] = {
        "connections_path": AIRFLOW_CONNECTIONS_PATH,
        "variables_path": AIRFLOW_VARIABLES_PATH,
        "config_path": AIRFLOW_CONFIG_PATH,
        "url": vault.url,
        "mount_point": vault.mount,
        "kv_engine_version": 2,
        "auth_type": vault.auth_method,
    }
    if vault.auth_method == "token":
        kwargs["token"] = vault.token
    elif vault.auth_method == "approle":
        kwargs |= {"role_id": vault.role_id, "secret_id": vault.secret_id}
    else:
        kwargs |= {
            "kubernetes_role": vault.kubernetes_role,
            "kubernetes_jwt_path": str(vault.kubernetes_jwt_path),
        }
    if vault.auth_mount:
        kwargs["auth_mount_point"] = vault.auth_mount
    if vault.namespace:
        kwargs["namespace"] = vault.namespace
    if vault.verify is not True:
        kwargs["verify"] = vault.verify
    return kwargs


def vault_backend_env(settings: Settings) -> dict[str, str]:
    """The environment that makes Airflow read connections and variables from Vault, and lets
    the tasks resolve the platform's own references (``FINOPS_SECRETS_PROVIDER``,
    ``FINOPS_VAULT_*``)."""
    env = {
        "AIRFLOW__SECRETS__BACKEND": VAULT_BACKEND,
        "AIRFLOW__SECRETS__BACKEND_KWARGS": json.dumps(vault_backend_kwargs(settings)),
    }
    for name in type(settings).model_fields:
        if name == "secrets_provider" or name.startswith("vault_"):
            value = getattr(settings, name)
            if value is not None:
                plain = value.get_secret_value() if hasattr(value, "get_secret_value") else value
                env[f"FINOPS_{name.upper()}"] = str(plain)
    return env


def passwords_file(settings: Settings) -> Path:
    return settings.airflow_home_path / "simple_auth_manager_passwords.json"


def admin_password(settings: Settings) -> str:
    """The Airflow UI admin password, generated once and kept under the Airflow home."""
    path = passwords_file(settings)
    if path.exists():
        stored = json.loads(path.read_text())
        if settings.airflow_admin_user in stored:
            return str(stored[settings.airflow_admin_user])
    path.parent.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(12)
    path.write_text(json.dumps({settings.airflow_admin_user: password}))
    path.chmod(0o600)
    return password


def airflow_executable() -> str:
    candidate = Path(sys.executable).with_name("airflow")
    if not candidate.exists():
        raise ConfigurationError(f"the airflow command is not installed next to {sys.executable}")
    return str(candidate)


_REVISION = re.compile(r"""^revision(?::[^=\n]+)?\s*=\s*["']([0-9a-f]+)["']""", re.MULTILINE)
_DOWN_REVISION = re.compile(
    r"""^down_revision(?::[^=\n]+)?\s*=\s*["']([0-9a-f]+)["']""", re.MULTILINE
)


def metadata_head_revision() -> str:
    """The head of the installed Airflow's metadata migrations, read from its migration files
    (importing Airflow to ask alembic costs seconds): the one revision no other revises."""
    spec = importlib.util.find_spec("airflow")
    if spec is None or spec.origin is None:
        raise ConfigurationError(f"Airflow is not installed for {sys.executable}")
    versions = Path(spec.origin).parent / "migrations" / "versions"
    revisions: set[str] = set()
    revised: set[str] = set()
    for path in versions.glob("*.py"):
        source = path.read_text()
        revisions.update(_REVISION.findall(source))
        revised.update(_DOWN_REVISION.findall(source))
    heads = revisions - revised
    if len(heads) != 1:
        raise ConfigurationError(
            f"expected one head among Airflow's migrations in {versions}, found {sorted(heads)}"
        )
    return heads.pop()


def metadata_revision(settings: Settings) -> str | None:
    """The revision Airflow's metadata database is at (None before its first migration)."""
    url = libpq_url(metadata_url(settings))
    with psycopg.connect(url, autocommit=True) as conn:
        exists = conn.execute("SELECT to_regclass('public.alembic_version')").fetchone()
        if exists is None or exists[0] is None:
            return None
        row = conn.execute("SELECT version_num FROM public.alembic_version").fetchone()
    return None if row is None else str(row[0])


def migrate_metadata(settings: Settings) -> bool:
    """Create or upgrade Airflow's metadata database; a database already at the installed
    Airflow's head revision is left alone (``airflow db migrate`` would import Airflow only to
    find nothing to do). Returns whether ``airflow db migrate`` ran."""
    admin_password(settings)
    if metadata_revision(settings) == metadata_head_revision():
        return False
    env = airflow_env(settings)
    result = subprocess.run(
        [airflow_executable(), "db", "migrate"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise ConfigurationError(
            f"airflow db migrate failed:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
        )
    return True
