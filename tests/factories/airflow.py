"""Airflow inside the test process, for ``dag.test()`` runs on the session's embedded PostgreSQL.

Airflow reads its configuration and builds its ORM once, when something first imports it: a
test that imported Airflow before any DAG test set the metadata database (the DAG integrity
test parsing the DAG files, the Vault backend tests loading the hashicorp provider) left it on
its default SQLite file, and a later ``dag.test()`` failed with "no such table: dag".
:func:`airflow_in_process` sets the environment the platform gives Airflow and then points the
already-imported Airflow at that database, so no DAG test depends on the order tests run in.
"""

from __future__ import annotations

import sys

import pytest

from finops.config import Settings, get_settings
from finops.orchestration.airflow_env import airflow_env, migrate_metadata


def airflow_in_process(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> dict[str, str]:
    """Migrate Airflow's metadata database, set ``airflow_env(settings)`` in this process (the
    task code reads ``FINOPS_*`` as a worker would) and configure Airflow's ORM from it;
    ``get_settings`` is re-read now and after the test. Returns the environment set."""
    migrate_metadata(settings)
    env = airflow_env(settings, base={})
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    configure_airflow_orm()
    get_settings.cache_clear()
    request.addfinalizer(get_settings.cache_clear)
    return env


def configure_airflow_orm() -> str:
    """Point an Airflow imported earlier at the metadata database the environment names now
    (a first import reads the environment itself); returns that database's URL."""
    if "airflow.settings" not in sys.modules:
        from airflow import settings as airflow_settings  # the import configures it
    else:
        from airflow import settings as airflow_settings
        from airflow.configuration import conf

        if conf.get("database", "sql_alchemy_conn") != airflow_settings.SQL_ALCHEMY_CONN:
            airflow_settings.dispose_orm()
            airflow_settings.configure_vars()
            airflow_settings.configure_orm()
    return str(airflow_settings.SQL_ALCHEMY_CONN)
