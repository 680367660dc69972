"""``finops airflow`` starts every Airflow component and Ctrl-C stops them all: no strays. While
it runs, its REST API unpauses DAGs and triggers runs as the demo asks it to."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import psutil

from finops.config import Settings
from finops.orchestration.airflow_api import AirflowApi
from finops.orchestration.airflow_env import admin_password


def _cmdline(process: psutil.Process) -> list[str]:
    """A child's command line; a short-lived child that already exited has none."""
    try:
        return process.cmdline()
    except (psutil.ZombieProcess, psutil.NoSuchProcess):
        return []


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _inherit_an_ignored_and_blocked_sigint() -> None:
    """What a parent that ignores and blocks SIGINT passes on to its children (a shell's
    background job, a test runner after some library masked it): Python then never raises
    KeyboardInterrupt, and Ctrl-C must still stop everything."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})


def test_ctrl_c_stops_every_airflow_process(finops_home: Path, pg_server: object) -> None:
    port = _free_port()
    env = dict(os.environ, FINOPS_AIRFLOW_PORT=str(port), FINOPS_HOME=str(finops_home))
    proc = subprocess.Popen(
        [sys.executable, "-m", "finops", "airflow"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=_inherit_an_ignored_and_blocked_sigint,
    )
    output: list[str] = []
    tree: list[psutil.Process] = []
    try:
        deadline = time.monotonic() + 240
        assert proc.stdout is not None
        while not any("Airflow UI:" in line for line in output):
            line = proc.stdout.readline()
            assert line or proc.poll() is None, "".join(output)[-3000:]
            output.append(line)
            assert time.monotonic() < deadline, "Airflow did not start:\n" + "".join(output)[-3000:]
        banner = next(line for line in output if "Airflow UI:" in line)
        # keep reading: a child whose pipe fills up blocks on its next write (and would never
        # finish stopping)
        threading.Thread(target=output.extend, args=(proc.stdout,), daemon=True).start()
        assert f"http://127.0.0.1:{port}" in banner and "password" in banner
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/monitor/health") as resp:
            assert resp.status == 200
        tree = psutil.Process(proc.pid).children(recursive=True)
        names = " ".join(" ".join(_cmdline(p)) for p in tree).replace("_", "-")
        for component in ("api-server", "scheduler", "dag-processor", "triggerer"):
            assert component in names
        _unpause_and_trigger_through_the_rest_api(f"http://127.0.0.1:{port}", finops_home)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            # every component too: strays on the shared metadata database would run (and fail)
            # the next tests' DAG runs
            for child in [*tree, psutil.Process(proc.pid)]:
                with contextlib.suppress(psutil.NoSuchProcess):
                    child.kill()
            raise AssertionError(
                "finops airflow did not stop:\n" + "".join(output)[-3000:]
            ) from None
    _gone, alive = psutil.wait_procs(tree, timeout=10)
    assert alive == [], f"stray processes after Ctrl-C: {[p.pid for p in alive]}"
    assert proc.returncode in (0, 1, 130)


def _unpause_and_trigger_through_the_rest_api(url: str, home: Path) -> None:
    settings = Settings(home=home)
    api = AirflowApi.login(
        url=url, username=settings.airflow_admin_user, password=admin_password(settings)
    )
    # paused, a triggered run waits queued: nothing runs under this test
    api.set_paused(("usage_ingest", "budget_check"), paused=True)
    assert api.dag("budget_check")["is_paused"] is True
    api.set_paused(("budget_check",), paused=False)
    assert api.dag("budget_check")["is_paused"] is False
    assert api.dag("usage_ingest")["is_paused"] is True
    api.set_paused(("budget_check",), paused=True)

    run_id = f"test__rest_{time.time_ns()}"
    run = api.trigger("usage_ingest", run_id=run_id, conf={"accounts": ["111111111111"]})
    assert (run["dag_run_id"], run["conf"], run["logical_date"]) == (
        run_id,
        {"accounts": ["111111111111"]},
        None,
    )
    stored = api.dag_run("usage_ingest", run_id)
    assert (stored["state"], stored["run_type"], stored["conf"]) == (
        "queued",
        "manual",
        {"accounts": ["111111111111"]},
    )
