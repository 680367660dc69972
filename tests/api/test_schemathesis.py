"""Schemathesis over the whole OpenAPI schema against the API served by uvicorn (as
``finops serve`` does) on the package's migrated, loaded warehouse: every check, every phase
(examples, coverage, fuzzing, stateful), at least 200 examples per operation, deterministic
generation; the run must find no failure (issue 12)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from finops.api.main import create_app
from finops.config import Settings

MAX_EXAMPLES = 200
CONFIG = Path(__file__).with_name("schemathesis.toml")


@pytest.fixture
def served(estate_settings: Settings) -> Iterator[str]:
    app = create_app(settings=estate_settings, frontend_dist=None)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_config=None, access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)


def test_the_whole_schema_holds(served: str, tmp_path: Path) -> None:
    report = tmp_path / "junit.xml"
    command = [
        str(Path(sys.executable).with_name("st")),
        "--no-color",
        "--config-file",
        str(CONFIG),
        "run",
        f"{served}/openapi.json",
        "--checks",
        "all",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--generation-deterministic",
        # PostgreSQL text holds neither NUL nor lone surrogates, and JSON text is UTF-8: such
        # strings are refused with 422 by one middleware (tests/api/test_limits.py)
        "--generation-allow-x00",
        "false",
        "--generation-codec",
        "utf-8",
        # one worker: Hypothesis describes lambdas with ast.parse, which CPython 3.11 does not
        # keep thread-safe ("AST constructor recursion depth mismatch" with two workers)
        "--workers",
        "1",
        "--request-timeout",
        "30",
        "--report",
        "junit",
        "--report-junit-path",
        str(report),
    ]
    run = subprocess.run(  # in tmp_path: Schemathesis keeps its cache in the working folder
        command, capture_output=True, text=True, check=False, timeout=900, cwd=tmp_path
    )
    (tmp_path / "st.out").write_text(run.stdout + "\n--- stderr ---\n" + run.stderr)
    failures = run.stdout.find("FAILURES")
    errors = run.stdout.find("ERRORS")
    shown = run.stdout[max(0, min(i for i in (failures, errors, len(run.stdout)) if i >= 0)) :]
    assert run.returncode == 0, shown[:15_000] + "\n--- stderr ---\n" + run.stderr[-3_000:]
    operations = sum(
        len(methods) for methods in httpx.get(f"{served}/openapi.json").json()["paths"].values()
    )
    summary = run.stdout[run.stdout.rfind("SUMMARY") :]
    assert f"Selected: {operations}/{operations}" in summary, summary
    assert f"Tested: {operations}" in summary, summary
