"""Change signals for the API's in-process caches (``finops.api.cache``): a write that changes
what a cached answer says calls :func:`signal` on its own connection, which bumps the channel's
version in this process at once and sends ``pg_notify`` (delivered to every other process when
the write commits). Each API process keeps one :class:`Listener` thread that LISTENs on the
channels and bumps the versions it hears; when its connection drops it bumps every channel
(a notification may have been missed) and reconnects.

Channels: :data:`COST_DATA` (the billing load's rollup refresh, a source's removal, savings
measurements: the cost answers) and :data:`AUTH` (a token revoked, a session ended, a user
changed: the resolved credentials)."""

from __future__ import annotations

import contextlib
import threading
from typing import TYPE_CHECKING, Any

import psycopg
import structlog

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

log = structlog.get_logger(__name__)

COST_DATA = "finops_cost_data"
AUTH = "finops_auth"
CHANNELS = (COST_DATA, AUTH)

_versions = dict.fromkeys(CHANNELS, 0)
_lock = threading.Lock()


def version(channel: str) -> int:
    """How many changes this process knows of on ``channel``."""
    return _versions[channel]


def bump(channel: str) -> None:
    with _lock:
        _versions[channel] += 1


def signal(conn: Connection | psycopg.Connection[Any], channel: str) -> None:
    """``channel`` changed in ``conn``'s transaction: bump it here now, and notify the other
    processes (PostgreSQL delivers the notification when the transaction commits)."""
    bump(channel)
    statement = "SELECT pg_notify(%s, '')"
    if isinstance(conn, psycopg.Connection):
        conn.execute(statement, (channel,))
        return
    from sqlalchemy import func, select

    conn.execute(select(func.pg_notify(channel, "")))


MAX_RETRY_S = 30.0


def retry_delay(failures: int) -> float:
    """Seconds to wait after ``failures`` failed connections in a row: 1, 2, 4, … up to
    :data:`MAX_RETRY_S` (the caches serve nothing meanwhile, so the answers stay right)."""
    return min(MAX_RETRY_S, 2.0 ** max(0, failures - 1))


class Listener:
    """A daemon thread LISTENing on every channel on a connection of ``engine``."""

    def __init__(self, engine: Engine, *, poll_s: float = 1.0) -> None:
        self.engine = engine
        self.poll_s = poll_s
        self.stopping = threading.Event()
        self.ready = threading.Event()
        self.connected = threading.Event()  # LISTENing now: no change can go unheard
        self.failures = 0  # failed connections in a row
        self.thread = threading.Thread(target=self._run, name="finops-cache-listener", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=self.poll_s + 5)

    def _run(self) -> None:
        while not self.stopping.is_set():
            try:
                self._listen()
            except Exception as exc:
                self.failures += 1
                failures = self.failures
                delay = retry_delay(failures)
                # said once when the connection is lost, then at every tenth failed retry: a
                # database down for an hour is not thousands of identical lines
                if failures == 1 or failures % 10 == 0:
                    log.warning(
                        "cache_listener.reconnect",
                        error=str(exc)[:200],
                        failures=failures,
                        retry_in_s=delay,
                    )
                self.stopping.wait(delay)
            finally:
                for channel in CHANNELS:  # a notification may have been missed
                    bump(channel)

    def _listen(self) -> None:
        # a connection of its own, outside the engine's pool: LISTEN holds it for the process's
        # life, and a pool sized for requests must not lose a connection to it
        cargs, cparams = self.engine.dialect.create_connect_args(self.engine.url)
        driver = self.engine.dialect.connect(*cargs, **cparams)
        try:
            assert isinstance(driver, psycopg.Connection)
            driver.autocommit = True
            for channel in CHANNELS:
                driver.execute(f"LISTEN {channel}")
            self.ready.set()
            self.connected.set()
            if self.failures:
                log.info("cache_listener.reconnected", after_failures=self.failures)
            self.failures = 0
            while not self.stopping.is_set():
                for note in driver.notifies(timeout=self.poll_s):
                    if note.channel in _versions:
                        bump(note.channel)
        finally:
            self.connected.clear()
            with contextlib.suppress(Exception):
                driver.close()


_listeners: dict[int, tuple[Listener, int]] = {}
_listeners_lock = threading.Lock()


def listen(engine: Engine) -> Listener:
    """The process's listener on ``engine``'s database (started on first use; one per engine,
    shared by the apps on it until each has called :func:`release`)."""
    with _listeners_lock:
        found, users = _listeners.get(id(engine), (None, 0))
        if found is None or not found.thread.is_alive():
            found = Listener(engine)
        _listeners[id(engine)] = (found, users + 1)
        return found


def listening(engine: Engine | None) -> bool:
    """Whether this process's listener on ``engine``'s database hears the other processes'
    changes right now (the caches answer only then: a dropped connection may have lost a
    notification). Another engine's listener says nothing about this database: a process may
    hold apps on several (the tests do), and one being down must not leave the other caching.
    The drop is seen by the listener's thread, a moment after the server goes."""
    if engine is None:
        return False
    with _listeners_lock:
        found, _ = _listeners.get(id(engine), (None, 0))
    return found is not None and found.connected.is_set()


def release(engine: Engine) -> None:
    """One app on ``engine`` stopped; the last one stops the listener."""
    with _listeners_lock:
        found, users = _listeners.get(id(engine), (None, 0))
        if found is None:
            return
        if users > 1:
            _listeners[id(engine)] = (found, users - 1)
            return
        del _listeners[id(engine)]
    found.stop()


def stop_all() -> None:
    """Stop every listener of this process (before its database goes away, e.g. at the end of a
    test session: a listener left running would only report the lost connection)."""
    with _listeners_lock:
        found = [listener for listener, _ in _listeners.values()]
        _listeners.clear()
    for listener in found:  # all told first, so they wind down together (≤ one poll each)
        listener.stopping.set()
    for listener in found:
        listener.stop()
