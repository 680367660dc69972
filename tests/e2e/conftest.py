"""What the browser end-to-end tests share: a free port, ``finops`` run as a command, the
dashboard served by ``finops serve`` on a warehouse, a script of ``frontend/e2e`` run in
Debian Chromium (playwright-core) against it, and one served generated estate for the pages
that only read (``served_estate``)."""

from __future__ import annotations

import csv
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from finops.config import REPO_ROOT, Settings

FRONTEND = REPO_ROOT / "frontend"
ARTIFACTS = REPO_ROOT / "test-artifacts"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def finops(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m finops ARGS`` with ``env``; the caller checks the return code."""
    return subprocess.run(
        [sys.executable, "-m", "finops", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def browser(script: str, *, base_url: str, timeout: int = 180, **env: str) -> str:
    """Runs ``frontend/e2e/<script>`` (Chromium through playwright-core) against ``base_url``
    with ``env``; asserts it passed and returns what it printed."""
    ARTIFACTS.mkdir(exist_ok=True)
    node = shutil.which("node")
    assert node, "node is required for the browser e2e"
    run = subprocess.run(
        [node, str(FRONTEND / "e2e" / script)],
        env=dict(os.environ, BASE_URL=base_url, E2E_ARTIFACTS_DIR=str(ARTIFACTS), **env),
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
        cwd=FRONTEND,
    )
    assert run.returncode == 0, f"{run.stdout}\n{run.stderr}"
    return run.stdout


def require_dist() -> None:
    if not (FRONTEND / "dist" / "index.html").exists():
        pytest.fail("frontend/dist is not built: run `make frontend` (make test does it)")


@contextmanager
def serve(env: dict[str, str], log_dir: Path) -> Iterator[str]:
    """``finops serve`` on a free port with ``env`` (its log in ``log_dir``), once it answers
    /readyz; yields its base URL and stops it afterwards."""
    port = free_port()
    log_path = log_dir / "serve.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "finops", "serve", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base_url}/readyz", timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError):
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"finops serve did not come up:\n{log_path.read_text()[-3000:]}")
                time.sleep(0.3)
        yield base_url
    finally:
        server.terminate()
        server.wait(timeout=30)


@dataclass(frozen=True)
class ServedEstate:
    """A small generated estate with its jobs run, served by ``finops serve`` for the page
    tests that only read it (Resources, Commitments): one warehouse and one server for all."""

    settings: Settings
    env: dict[str, str]
    base_url: str
    login: str  # "username:password" of a viewer


ESTATE_START, ESTATE_END, ESTATE_AS_OF = date(2026, 9, 1), date(2026, 11, 1), date(2026, 10, 31)


@pytest.fixture(scope="package")
def served_estate(
    pg_server: object, admin_url: str, finops_home: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServedEstate]:
    """Two months of the generator's estate (three days of metrics) with inventory, usage, the
    waste and commitments jobs, and a viewer; served once for the package's page tests."""
    from finops.auth.roles import Role
    from finops.auth.users import create_user
    from finops.db.engine import get_engine, server_url
    from finops.db.migrate import upgrade
    from finops.generator import GenerateOptions, generate
    from finops.ingest.billing import ingest_billing
    from finops.jobs.commitments import run_commitments
    from finops.jobs.inventory import run_inventory_ingest
    from finops.jobs.usage import run_usage_ingest
    from finops.jobs.waste import run_waste
    from tests.conftest import create_database

    require_dist()
    out = tmp_path_factory.mktemp("served-estate")
    generate(GenerateOptions(out_dir=out, start=ESTATE_START, end=ESTATE_END, utilization_days=3))
    name = f"t_e2e_{uuid.uuid4().hex[:10]}"
    create_database(admin_url, name)
    settings = Settings(
        home=finops_home,
        database_url=pg_server.url(name),  # type: ignore[attr-defined]
        environment="test",
    )
    upgrade(get_engine(settings))
    ingest_billing(str(out / "cur2"), settings=settings)
    run_usage_ingest(str(out / "cloudwatch"), settings=settings)
    run_inventory_ingest(str(out / "config"), settings=settings)
    run_waste(run_date=ESTATE_AS_OF, settings=settings)
    run_commitments(run_date=ESTATE_AS_OF, settings=settings)
    viewer = ("e2e-estate-viewer", "viewer-e2e-Passw0rd")
    with get_engine(settings).begin() as conn:
        create_user(conn, username=viewer[0], role=Role.VIEWER, password=viewer[1])
    env = dict(os.environ, FINOPS_DATABASE_URL=server_url(settings))
    with serve(env, out) as base_url:
        yield ServedEstate(settings, env, base_url, f"{viewer[0]}:{viewer[1]}")


def sql_rows(env: dict[str, str], statement: str) -> list[dict[str, str]]:
    """``finops sql STATEMENT --format csv`` as dicts."""
    result = finops(env, "sql", statement, "--format", "csv")
    assert result.returncode == 0, result.stderr
    return list(csv.DictReader(result.stdout.splitlines()))


def dollars(value: Decimal) -> str:
    """How the dashboard shows a USD amount: cents rounded half up, thousands separated."""
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value).quantize(Decimal('0.01'), ROUND_HALF_UP):,}"


def printed(stdout: str) -> dict[str, str]:
    """The script's "name: value" lines."""
    return dict(line.split(": ", 1) for line in stdout.splitlines() if ": " in line)
