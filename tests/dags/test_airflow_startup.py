"""Airflow's start-up skips what has nothing to do: ``airflow db migrate`` on a metadata
database already at the installed Airflow's head revision, ``airflow dags reserialize`` when
the DAG files are those last registered and their DAGs are still in the metadata database.

A fresh FINOPS_HOME of its own (its own embedded PostgreSQL), so the first run is a real first
run whatever else this session has done."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from finops.config import Settings
from finops.db.engine import AIRFLOW_DB, libpq_url, server_url
from finops.orchestration.airflow_env import (
    DAGS_FOLDER,
    metadata_head_revision,
    metadata_revision,
    migrate_metadata,
)
from finops.orchestration.airflow_runtime import (
    dags_fingerprint,
    register_dags,
    registration_stamp_path,
)

DAG_IDS = [
    "anomaly_detection",
    "billing_ingest",
    "budget_check",
    "cost_forecast",
    "optimization",
    "remediation",
    "savings_tracker",
    "usage_ingest",
]


@pytest.fixture
def new_home() -> Iterator[Settings]:
    from finops.db.embedded import stop_server

    home = Path(tempfile.mkdtemp(prefix="finops-test-startup-"))  # as conftest's home
    settings = Settings(home=home, environment="test")
    yield settings
    stop_server(settings.pgdata_path)
    shutil.rmtree(home, ignore_errors=True)


def _metadata(settings: Settings, sql: str) -> list[tuple[object, ...]]:
    with psycopg.connect(libpq_url(server_url(settings, AIRFLOW_DB)), autocommit=True) as conn:
        cursor = conn.execute(sql)  # type: ignore[arg-type]
        return [tuple(r) for r in cursor.fetchall()] if cursor.description else []


def test_the_head_revision_is_alembics_own() -> None:
    # in a process of its own: importing Airflow here would fix its configuration for the
    # tests that set it up later in this session
    script = (
        "from airflow.utils.db import _get_alembic_config\n"
        "from alembic.script import ScriptDirectory\n"
        "print(' '.join(ScriptDirectory.from_config(_get_alembic_config()).get_heads()))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.split()[-1:] == [metadata_head_revision()]


def test_migrate_and_register_run_once_then_skip_until_something_changes(
    new_home: Settings,
) -> None:
    assert metadata_revision(new_home) is None
    assert migrate_metadata(new_home) is True
    assert metadata_revision(new_home) == metadata_head_revision()
    assert migrate_metadata(new_home) is False  # already at head: no `airflow db migrate`

    assert register_dags(new_home) is True
    stamp = json.loads(registration_stamp_path(new_home).read_text())
    assert stamp == {"fingerprint": dags_fingerprint(DAGS_FOLDER), "dag_ids": DAG_IDS}
    assert register_dags(new_home) is False  # same files, same DAGs in the database

    # a DAG gone stale in the metadata database (the dag-processor lost its file) is redone
    _metadata(new_home, "UPDATE dag SET is_stale = true WHERE dag_id = 'budget_check'")
    assert register_dags(new_home) is True
    assert _metadata(new_home, "SELECT is_stale FROM dag WHERE dag_id = 'budget_check'") == [
        (False,)
    ]
    assert register_dags(new_home) is False

    # DAG files (or the Airflow version) other than those registered are registered again
    registration_stamp_path(new_home).write_text(
        json.dumps({"fingerprint": "0" * 64, "dag_ids": DAG_IDS})
    )
    assert register_dags(new_home) is True
    assert register_dags(new_home) is False
    registration_stamp_path(new_home).write_text('{"fingerprint": ')  # cut short
    assert register_dags(new_home) is True

    # a metadata database reset to nothing is migrated and its DAGs registered again
    _metadata(new_home, "DROP SCHEMA public CASCADE")
    _metadata(new_home, "CREATE SCHEMA public")
    assert metadata_revision(new_home) is None
    assert migrate_metadata(new_home) is True
    assert register_dags(new_home) is True
    assert len(_metadata(new_home, "SELECT dag_id FROM serialized_dag")) == len(DAG_IDS)


def test_the_dags_fingerprint_follows_every_file_but_bytecode(tmp_path: Path) -> None:
    folder = tmp_path / "dags"
    (folder / "common").mkdir(parents=True)
    (folder / "a.py").write_text("A = 1\n")
    (folder / "common" / "b.py").write_text("B = 2\n")
    first = dags_fingerprint(folder)
    assert len(first) == 64
    assert dags_fingerprint(folder) == first

    (folder / "__pycache__").mkdir()
    (folder / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"\x00\x01")
    assert dags_fingerprint(folder) == first

    (folder / "common" / "b.py").write_text("B = 3\n")
    changed = dags_fingerprint(folder)
    assert changed != first
    (folder / "common" / "b.py").write_text("B = 2\n")
    assert dags_fingerprint(folder) == first

    (folder / "common" / "b.py").rename(folder / "b.py")  # same bytes, another path
    assert dags_fingerprint(folder) not in (first, changed)
