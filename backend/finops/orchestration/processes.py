"""Start long-running processes in their own process groups and stop them all cleanly."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import IO

import structlog

from finops.errors import FinOpsError

log = structlog.get_logger(__name__)


@dataclass
class ManagedProcess:
    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path
    log_file: IO[bytes]


@dataclass
class ProcessGroup:
    """Children started with ``start`` are stopped together (SIGTERM, then SIGKILL)."""

    log_dir: Path
    processes: list[ManagedProcess] = field(default_factory=list)

    def start(self, name: str, args: list[str], *, env: dict[str, str]) -> ManagedProcess:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log_path = self.log_dir / f"{name}.log"
        log_file = log_path.open("ab")
        popen = subprocess.Popen(  # each child leads its own group: we signal the whole tree
            args, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
        )
        process = ManagedProcess(name, popen, log_path, log_file)
        self.processes.append(process)
        log.info("process.started", name=name, pid=popen.pid, log=str(log_path))
        return process

    def failed(self) -> list[ManagedProcess]:
        return [p for p in self.processes if p.popen.poll() is not None]

    def raise_if_failed(self, *, during: str = "") -> None:
        """Fail naming the first child that exited (``during`` what), with its exit status and
        the end of its log."""
        dead = self.failed()
        if dead:
            child, doing = dead[0], f" while {during}" if during else ""
            raise FinOpsError(
                f"{child.name} exited with status {child.popen.returncode}{doing}; its log "
                f"({child.log_path}) ends:\n{tail(child.log_path)}"
            )

    def stop(self, *, grace_s: float = 20.0) -> None:
        for process in self.processes:
            _signal_group(process.popen, signal.SIGTERM)
        deadline = time.monotonic() + grace_s
        for process in self.processes:
            remaining = max(0.1, deadline - time.monotonic())
            try:
                process.popen.wait(timeout=remaining)
            except subprocess.TimeoutExpired:
                log.warning("process.kill", name=process.name, pid=process.popen.pid)
            _signal_group(process.popen, signal.SIGKILL)  # stragglers in the group
            process.popen.wait()
            process.log_file.close()
        self.processes.clear()

    def wait_forever(self) -> ManagedProcess | None:
        """Block until Ctrl-C / SIGTERM (returns None) or until a child exits (returns it).

        Both signals are handled here explicitly and unblocked: a process started by a parent
        that ignored or blocked SIGINT inherits that (Python then never raises
        KeyboardInterrupt), and Ctrl-C would leave every component running."""
        stop = {"flag": False}

        def _handler(signum: int, frame: FrameType | None) -> None:
            stop["flag"] = True

        stopping = (signal.SIGINT, signal.SIGTERM)
        previous = {sig: signal.signal(sig, _handler) for sig in stopping}
        signal.pthread_sigmask(signal.SIG_UNBLOCK, stopping)
        try:
            while not stop["flag"]:
                dead = self.failed()
                if dead:
                    return dead[0]
                time.sleep(0.5)
        except KeyboardInterrupt:
            return None
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return None


def _signal_group(popen: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):  # the group is already gone
        os.killpg(popen.pid, sig)


def tail(path: Path, lines: int = 30) -> str:
    if not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def wait_http(
    url: str, group: ProcessGroup, *, name: str, timeout_s: float = 60, interval_s: float = 0.5
) -> None:
    """Poll ``url`` until it answers 200; a child of ``group`` that exits meanwhile fails it
    with the end of its log."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        group.raise_if_failed()
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(interval_s)
    raise FinOpsError(f"{name} did not answer {url} within {timeout_s:.0f} s")
