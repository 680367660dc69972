"""What the browser end-to-end tests share: a free port, ``finops`` run as a command, the
dashboard served by ``finops serve`` on a warehouse, and a script of ``frontend/e2e`` run in
Debian Chromium (playwright-core) against it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from finops.config import REPO_ROOT

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
