"""The demo refuses a port something listens on, but not one whose last connections are only
in TIME_WAIT (a second ``finops demo`` right after the first: Airflow and uvicorn bind with
SO_REUSEADDR and would start fine)."""

from __future__ import annotations

import socket

import pytest

from finops.errors import FinOpsError
from finops.orchestration.demo import _require_free_port


def _listener() -> socket.socket:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen()
    return server


def test_a_listening_port_is_refused() -> None:
    with _listener() as server:
        port = server.getsockname()[1]
        with pytest.raises(FinOpsError, match=f"port {port} for Airflow is in use"):
            _require_free_port(port, "Airflow")


def test_a_port_left_in_time_wait_is_free() -> None:
    server = _listener()
    port = server.getsockname()[1]
    client = socket.create_connection(("127.0.0.1", port))
    accepted, _ = server.accept()
    accepted.close()  # the server side closes first: its end of the connection waits in TIME_WAIT
    client.recv(1)
    client.close()
    server.close()
    # what a bind without SO_REUSEADDR meets
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as plain, pytest.raises(OSError):
        plain.bind(("127.0.0.1", port))
    _require_free_port(port, "Airflow")
