"""Every DAG imports cleanly, is tagged, retries, and does no connection work at parse time."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from finops.orchestration.airflow_env import DAGS_FOLDER


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    """Record (and refuse) every socket connection attempted while DAG files are parsed."""
    attempts: list[object] = []

    def refuse(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise OSError(f"DAG parsing tried to connect to {address}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    yield attempts


def _dag_files() -> list[Path]:
    return sorted(p for p in DAGS_FOLDER.glob("*.py") if not p.name.startswith("_"))


def test_every_dag_is_sound(no_network: list[object]) -> None:
    from airflow.dag_processing.dagbag import BundleDagBag

    bag = BundleDagBag(dag_folder=str(DAGS_FOLDER), bundle_path=DAGS_FOLDER)
    assert bag.import_errors == {}
    assert no_network == [], "DAG files must not open connections at parse time"
    assert len(bag.dags) >= len(_dag_files()) >= 1
    for dag_id, dag in bag.dags.items():
        assert dag.tags, f"{dag_id} has no tags"
        for task in dag.tasks:
            assert task.retries >= 2, f"{dag_id}.{task.task_id} retries {task.retries} < 2"


def test_dag_files_do_not_import_finops_at_top_level() -> None:
    for path in _dag_files():
        top_level = [
            line for line in path.read_text().splitlines() if line.startswith(("import ", "from "))
        ]
        assert not [line for line in top_level if "finops" in line], path.name
