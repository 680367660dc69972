"""The cache listener (``finops.db.signals.Listener``) against a database that is not there: it
retries with a growing delay and says so once, not once a second for as long as it is down."""

from __future__ import annotations

import socket
import time

from sqlalchemy import create_engine
from structlog.testing import capture_logs

from finops.db import signals


def test_the_retry_delay_doubles_up_to_its_cap() -> None:
    assert [signals.retry_delay(n) for n in (1, 2, 3, 4, 5, 6, 7, 20)] == [
        1.0,
        2.0,
        4.0,
        8.0,
        16.0,
        30.0,
        30.0,
        30.0,
    ]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed on exit: nothing listens there


def test_a_listener_without_its_database_warns_once_and_backs_off() -> None:
    engine = create_engine(f"postgresql+psycopg://nobody@127.0.0.1:{_closed_port()}/none")
    with capture_logs() as logs:
        listener = signals.Listener(engine)
        try:
            deadline = time.monotonic() + 10
            while listener.failures < 2 and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(0.5)
            assert listener.failures == 2  # 1 s then 2 s: the third try is not due yet
            assert not listener.connected.is_set()
        finally:
            listener.stop()
        assert not listener.thread.is_alive()
    warnings = [entry for entry in logs if entry["event"] == "cache_listener.reconnect"]
    assert len(warnings) == 1
    assert warnings[0]["failures"] == 1
    assert "127.0.0.1" in warnings[0]["error"]


def test_the_caches_ask_the_listener_on_their_own_database(admin_url: str) -> None:
    """One process may hold apps on two databases (the tests do). The CI failure: a listener
    connected to one database let the other app's cache answer while its database was down."""
    live = create_engine(admin_url.replace("postgresql://", "postgresql+psycopg://", 1))
    dead = create_engine(f"postgresql+psycopg://nobody@127.0.0.1:{_closed_port()}/none")
    signals.listen(live)
    signals.listen(dead)
    try:
        deadline = time.monotonic() + 10
        while not signals.listening(live) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert signals.listening(live)
        assert not signals.listening(dead)
        assert not signals.listening(None)  # no engine yet: nothing heard, nothing cached
    finally:
        signals.release(live)
        signals.release(dead)
    assert not signals.listening(live)


def test_stop_all_stops_every_listener(admin_url: str) -> None:
    engine = create_engine(admin_url.replace("postgresql://", "postgresql+psycopg://", 1))
    listener = signals.listen(engine)
    signals.stop_all()
    assert not listener.thread.is_alive()
    assert not signals.listening(engine)
    signals.release(engine)  # released after stop_all: nothing left to release, no error
