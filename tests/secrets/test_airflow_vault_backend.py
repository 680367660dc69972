"""Airflow reads its connections and variables from Vault: the configuration that
``airflow_env`` adds under ``FINOPS_SECRETS_PROVIDER=vault`` loads
``apache-airflow-providers-hashicorp``'s VaultBackend, which reads them from the
Vault-compatible KV v2 server in tests/secrets/fake_vault.py (no Vault binary installs here)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from finops.config import Settings
from finops.orchestration.airflow_env import VAULT_BACKEND, vault_backend_env
from tests.secrets.conftest import Vault

LOAD_BACKEND = """
import json
from airflow.configuration import initialize_secrets_backends
backend = next(b for b in initialize_secrets_backends() if type(b).__name__ == "VaultBackend")
conn = backend.get_connection("finops_aws")
print(json.dumps({
    "class": type(backend).__module__ + "." + type(backend).__name__,
    "conn_type": conn.conn_type,
    "login": conn.login,
    "password": conn.password,
    "region": conn.extra_dejson["region_name"],
    "lag": backend.get_variable("billing_period_lag_days"),
    "absent": backend.get_variable("no_such_variable"),
}))
"""


def approle_settings(vault: Vault, tmp_path: Path, secret_id: str) -> Settings:
    return Settings(
        home=tmp_path,
        secrets_provider="vault",
        vault_addr=vault.url,
        vault_auth_method="approle",
        vault_role_id="airflow-role-id",
        vault_secret_id=secret_id,
    )


def test_airflow_loads_the_vault_backend_from_the_environment(vault: Vault, tmp_path: Path) -> None:
    env = vault_backend_env(approle_settings(vault, tmp_path, "airflow-secret-id"))
    assert env["AIRFLOW__SECRETS__BACKEND"] == VAULT_BACKEND
    assert env["FINOPS_SECRETS_PROVIDER"] == "vault"
    assert env["FINOPS_VAULT_ROLE_ID"] == "airflow-role-id"
    kwargs = json.loads(env["AIRFLOW__SECRETS__BACKEND_KWARGS"])
    assert kwargs["connections_path"] == "finops/airflow/connections"
    assert kwargs["auth_type"] == "approle"
    result = subprocess.run(
        [sys.executable, "-c", LOAD_BACKEND],
        env=os.environ | env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded == {
        "class": VAULT_BACKEND,
        "conn_type": "aws",
        "login": "AKIAFAKE",
        "password": "fake-secret",
        "region": "eu-west-1",
        "lag": "3",
        "absent": None,
    }
    assert vault.state.count("POST", "auth/approle/login") == 1


AWS_SESSION = """
import json
from finops.orchestration.aws_connection import connection_session
base = connection_session()
credentials = base.session.get_credentials()
print(json.dumps({
    "access_key": credentials.access_key,
    "secret_key": credentials.secret_key,
    "region": base.session.region_name,
    "endpoint_url": base.endpoint_url,
    "origin": base.origin,
}))
"""


def test_the_dags_aws_session_comes_from_the_connection_in_vault(
    vault: Vault, tmp_path: Path
) -> None:
    """``finops_aws`` is in Vault only (finops/airflow/connections/finops_aws): the session the
    DAG tasks get (finops.orchestration.aws_connection, the amazon provider's AwsBaseHook)
    carries its credentials, region and endpoint."""
    env = os.environ | vault_backend_env(approle_settings(vault, tmp_path, "airflow-secret-id"))
    env.pop("AIRFLOW_CONN_FINOPS_AWS", None)
    result = subprocess.run(
        [sys.executable, "-c", AWS_SESSION],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "access_key": "AKIAFAKE",
        "secret_key": "fake-secret",
        "region": "eu-west-1",
        "endpoint_url": "http://127.0.0.1:4566",
        "origin": "Airflow connection finops_aws",
    }
    assert vault.state.count("GET", "secret/data/finops/airflow/connections/finops_aws") >= 1


def test_the_backend_is_refused_outside_the_airflow_paths(vault: Vault, tmp_path: Path) -> None:
    """Airflow's AppRole reads finops/airflow/ only: the platform's database secret is denied,
    and a wrong secret id fails the login."""
    from airflow.providers.hashicorp._internal_client.vault_client import _VaultClient
    from airflow.providers.hashicorp.secrets.vault import VaultBackend
    from hvac.exceptions import InvalidRequest, VaultError

    kwargs = json.loads(
        vault_backend_env(approle_settings(vault, tmp_path, "airflow-secret-id"))[
            "AIRFLOW__SECRETS__BACKEND_KWARGS"
        ]
    )
    backend = VaultBackend(**kwargs)
    assert backend.get_variable("billing_period_lag_days") == "3"
    client: _VaultClient = backend.vault_client
    with pytest.raises(VaultError, match="Vault Authentication Error"):
        client.get_secret("finops/shared/db")
    wrong = json.loads(
        vault_backend_env(approle_settings(vault, tmp_path, "wrong"))[
            "AIRFLOW__SECRETS__BACKEND_KWARGS"
        ]
    )
    with pytest.raises(InvalidRequest, match="invalid role or secret ID"):
        VaultBackend(**wrong).get_variable("billing_period_lag_days")


def test_airflow_tasks_get_the_reference_not_the_database_url(
    vault: Vault, fresh_settings: Settings, tmp_path: Path
) -> None:
    """The warehouse URL comes from Vault; Airflow's processes (and so its tasks) receive the
    reference and the Vault settings, and resolve the URL themselves."""
    from finops.config import resolve_secrets
    from finops.orchestration.airflow_env import airflow_env

    assert fresh_settings.database_url is not None
    url = fresh_settings.database_url.get_secret_value()
    vault.state.data["finops/shared/db"] = {"url": url}
    settings = resolve_secrets(
        Settings(
            home=fresh_settings.home,
            environment="test",
            database_url="vault:finops/shared/db#url",
            secrets_provider="vault",
            vault_addr=vault.url,
            vault_token=vault.api_token,
        )
    )
    assert settings.database_url is not None
    assert settings.database_url.get_secret_value() == url
    env = airflow_env(settings, base={})
    assert env["FINOPS_DATABASE_URL"] == "vault:finops/shared/db#url"
    assert env["FINOPS_SECRETS_PROVIDER"] == "vault"
    assert env["FINOPS_VAULT_ADDR"] == vault.url
    assert env["AIRFLOW__SECRETS__BACKEND"] == VAULT_BACKEND
    assert url not in env.values()


READ_METADATA_URL = """
import json
from sqlalchemy import text
from airflow import settings
from airflow.configuration import conf
from airflow.providers.celery.executors.default_celery import get_default_celery_config
with settings.engine.connect() as conn:
    database = conn.execute(text("SELECT current_database()")).scalar()
print(json.dumps({
    "sql_alchemy_conn": settings.SQL_ALCHEMY_CONN,
    "sql_alchemy_conn_async": conf.get("database", "sql_alchemy_conn_async"),
    "result_backend": get_default_celery_config(conf)["result_backend"],
    "database": database,
}))
"""


def test_airflow_reads_its_metadata_database_url_from_vault(
    vault: Vault, fresh_settings: Settings
) -> None:
    """FINOPS_AIRFLOW_DATABASE_URL=vault:finops/airflow/config/sql_alchemy_conn#value: Airflow's
    processes get ``sql_alchemy_conn_secret`` (no URL in their environment) and read the URL
    through the VaultBackend; the engine it builds reaches the metadata database."""
    from finops.config import resolve_secrets
    from finops.db.engine import AIRFLOW_DB, ensure_database
    from finops.orchestration.airflow_env import airflow_env

    url = ensure_database(fresh_settings, AIRFLOW_DB)
    vault.state.data["finops/airflow/config/sql_alchemy_conn"] = {"value": url}
    settings = resolve_secrets(
        Settings(
            home=fresh_settings.home,
            environment="test",
            database_url=fresh_settings.database_url,
            airflow_database_url="vault:finops/airflow/config/sql_alchemy_conn#value",
            airflow_executor="celery",
            secrets_provider="vault",
            vault_addr=vault.url,
            vault_auth_method="approle",
            vault_role_id="airflow-role-id",
            vault_secret_id="airflow-secret-id",
        )
    )
    env = airflow_env(settings, base={})
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_SECRET"] == "sql_alchemy_conn"
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC_SECRET"] == "sql_alchemy_conn"
    assert json.loads(env["AIRFLOW__SECRETS__BACKEND_KWARGS"])["config_path"] == (
        "finops/airflow/config"
    )
    assert [name for name, value in env.items() if url in value] == []  # in no variable
    assert "AIRFLOW__CELERY__RESULT_BACKEND" not in env
    process_env = {
        k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW__DATABASE__")
    } | env
    result = subprocess.run(
        [sys.executable, "-c", READ_METADATA_URL],
        env=process_env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "sql_alchemy_conn": url,
        "sql_alchemy_conn_async": url,
        "result_backend": f"db+{url}",
        "database": "airflow",
    }
    reads = vault.state.count("GET", "secret/data/finops/airflow/config/sql_alchemy_conn")
    assert reads >= 2  # finops airflow's own resolution, then Airflow's


def test_a_metadata_url_reference_outside_the_config_path_is_refused(
    vault: Vault, fresh_settings: Settings
) -> None:
    from finops.config import resolve_secrets
    from finops.errors import ConfigurationError
    from finops.orchestration.airflow_env import airflow_env

    vault.state.data["finops/airflow/variables/metadata"] = {"url": "postgresql://x@y/airflow"}
    settings = resolve_secrets(
        Settings(
            home=fresh_settings.home,
            environment="test",
            database_url=fresh_settings.database_url,
            airflow_database_url="vault:finops/airflow/variables/metadata#url",
            secrets_provider="vault",
            vault_addr=vault.url,
            vault_auth_method="approle",
            vault_role_id="airflow-role-id",
            vault_secret_id="airflow-secret-id",
        )
    )
    with pytest.raises(
        ConfigurationError, match=r"FINOPS_AIRFLOW_DATABASE_URL: .*config/<key>#value"
    ):
        airflow_env(settings, base={})
