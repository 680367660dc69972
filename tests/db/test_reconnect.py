"""The API on the embedded server: a stopped database is a 503 in the error shape on every data
endpoint, and after the server restarts on another port the same app recovers without a
restart of its own (the engine looks the port up at each new connection). ``finops db status``
reports a stopped server without starting it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from finops.api.main import create_app
from finops.config import Settings
from finops.db import signals
from finops.db.embedded import ensure_server, running_port, stop_server
from finops.db.engine import get_engine
from finops.db.migrate import upgrade
from tests.api.operations import api_operations
from tests.factories.identity import admin_headers

DATA_ENDPOINTS = (
    "/api/v1/kpi/summary",
    "/api/v1/spend/trend",
    "/api/v1/filters",
    "/api/v1/findings",
    "/api/v1/findings/summary",
    "/api/v1/allocation/chargeback?billing_period=2026-01",
    "/api/v1/anomalies",
    "/api/v1/forecasts",
    "/api/v1/budgets",
)


@pytest.fixture
def embedded_home(finops_home: Path) -> Iterator[Settings]:
    """A second embedded server of its own (under the session's home, whose folders the
    server's system user can reach when the tests run as root)."""
    settings = Settings(home=finops_home / f"reconnect-{uuid.uuid4().hex[:8]}", environment="test")
    yield settings
    stop_server(settings.pgdata_path)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_503_while_down_and_recovery_on_a_new_port(embedded_home: Settings) -> None:
    settings = embedded_home
    upgrade(get_engine(settings))
    first_port = running_port(settings.pgdata_path)
    assert first_port is not None
    app = create_app(settings=settings, frontend_dist=None)
    with TestClient(app, headers=admin_headers(settings)) as client:
        assert [client.get(u).status_code for u in DATA_ENDPOINTS][:3] == [200, 200, 200]

        assert stop_server(settings.pgdata_path)
        # the cache listener's thread sees the dropped connection a moment later; until then
        # an answer cached seconds ago may still be served (it was right when stored)
        engine = client.app.state.engine  # type: ignore[attr-defined]
        deadline = time.monotonic() + 10
        while signals.listening(engine) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not signals.listening(engine), "the cache listener did not see the server stop"
        for url in (*DATA_ENDPOINTS, "/readyz"):
            response = client.get(url)
            assert response.status_code == 503, (url, response.text)
            assert set(response.json()) == {"detail", "code", "param"}
            assert response.json()["code"] == "unavailable"
            assert (
                "unavailable" in response.json()["detail"]
                or "unreachable" in (response.json()["detail"])
            )
        created = client.post(
            "/api/v1/budgets", json={"name": "x", "period": "monthly", "amount": "1"}
        )
        assert created.status_code == 503
        operations = api_operations(client.app)  # type: ignore[arg-type]
        assert len(operations) >= 14
        for op in (o for o in operations if o.needs_warehouse):  # writes included
            response = client.request(op.method, op.url, json=op.body)
            assert response.status_code == 503, (op.method, op.url, response.text)
            assert response.json()["detail"].startswith("the warehouse is unavailable")

        new_port = _free_port()
        assert new_port != first_port
        ensure_server(settings.pgdata_path, port=new_port)
        assert running_port(settings.pgdata_path) == new_port
        statuses = {url: client.get(url).status_code for url in DATA_ENDPOINTS}
        assert statuses == {url: 404 if "chargeback" in url else 200 for url in DATA_ENDPOINTS}, (
            statuses
        )
        assert client.get("/readyz").json()["status"] == "ready"


def test_db_status_does_not_start_the_server(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if k != "FINOPS_DATABASE_URL"}
    env["FINOPS_HOME"] = str(home)
    run = subprocess.run(
        [sys.executable, "-m", "finops", "db", "status"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "not running" in " ".join(run.stdout.split())
    assert not (home / "pgdata" / "postmaster.pid").exists()
    assert running_port(home / "pgdata") is None
