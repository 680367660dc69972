"""``FINOPS_AIRFLOW_EXECUTOR=celery``: Airflow as ``finops airflow`` starts it, with two Celery
workers on a Redis broker (Debian's ``redis-server``, installed by ``make test``) and the result
backend on the metadata database. A ``billing_ingest`` run over an export of four billing
periods loads them on both workers at once, and every period reconciles. With
``FINOPS_AIRFLOW_STATSD_HOST`` set, Airflow's StatsD metrics reach a UDP listener standing in for
the statsd-exporter (whose mapping names the metrics the dashboards and rules use)."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import psycopg
from celery import Celery
from sqlalchemy import text

from finops.config import Settings
from finops.db.engine import AIRFLOW_DB, get_engine, libpq_url, server_url
from finops.orchestration.airflow_api import AirflowApi
from finops.orchestration.airflow_env import migrate_metadata
from finops.orchestration.airflow_runtime import start_airflow, wait_for_run
from finops.orchestration.processes import ProcessGroup
from tests.factories.cur2 import Cur2Export

REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"
PERIODS = ("2026-01", "2026-02", "2026-03", "2026-04")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _export(root: Path) -> tuple[Cur2Export, Path]:
    export = Cur2Export()
    for month, cost in zip((1, 2, 3, 4), ("1.25", "2.50", "3.75", "5.00"), strict=True):
        for day in (1, 2):
            export.add_usage(
                day=datetime(2026, month, day),
                account="555555555555",
                service="AmazonEC2",
                cost=cost,
                hours=2,
            )
    return export, export.write(root)


def _wait_for_workers(broker_url: str, names: set[str], group: ProcessGroup) -> None:
    app = Celery(broker=broker_url)
    deadline = time.monotonic() + 240
    answered: set[str] = set()
    while time.monotonic() < deadline:
        group.raise_if_failed(during="the Celery workers started")
        replies = app.control.ping(timeout=1.0)
        answered = {name.split("@")[0] for reply in replies for name in reply}
        if names <= answered:
            return
    raise AssertionError(f"Celery workers answering: {sorted(answered)}, expected {names}")


def _statsd_listener() -> tuple[int, list[str]]:
    """A UDP socket on a free port collecting StatsD lines (a daemon thread reads it)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    lines: list[str] = []

    def _read() -> None:
        while True:
            lines.extend(sock.recv(65536).decode(errors="replace").splitlines())

    threading.Thread(target=_read, daemon=True).start()
    return int(sock.getsockname()[1]), lines


def _only_billing_ingest(settings: Settings) -> None:
    """The test session shares one Airflow metadata database: DAGs other tests unpaused, and
    their runs still queued, would start here too and keep a worker busy (in CI an
    ``optimization`` task held worker-1 while worker-2 loaded every period). Pause them and end
    their runs before the workers start."""
    migrate_metadata(settings)
    with psycopg.connect(libpq_url(server_url(settings, AIRFLOW_DB))) as conn:
        conn.execute("UPDATE dag SET is_paused = true WHERE dag_id <> 'billing_ingest'")
        conn.execute(
            "UPDATE task_instance SET state = 'failed' "
            "WHERE state IN ('scheduled', 'queued', 'running', 'up_for_retry')"
        )
        conn.execute("UPDATE dag_run SET state = 'failed' WHERE state IN ('queued', 'running')")


def test_billing_periods_load_on_two_celery_workers(
    fresh_settings: Settings, tmp_path: Path
) -> None:
    export, source = _export(tmp_path / "exports")
    statsd_port, statsd_lines = _statsd_listener()
    broker = f"redis://127.0.0.1:{_free_port()}/0"
    settings = fresh_settings.model_copy(
        update={
            "airflow_executor": "celery",
            "airflow_celery_broker_url": broker,
            "airflow_celery_workers": 2,
            "airflow_celery_concurrency": 1,  # one period at a time each: both must take some
            "airflow_port": _free_port(),
            "airflow_statsd_host": "127.0.0.1",
            "airflow_statsd_port": statsd_port,
        }
    )
    _only_billing_ingest(settings)
    group = ProcessGroup(tmp_path / "logs")
    try:
        port = broker.rsplit(":", 1)[1].split("/")[0]
        group.start(
            "redis",
            [REDIS, "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            env={},
        )
        access = start_airflow(settings, group)
        _wait_for_workers(broker, {"worker-1", "worker-2"}, group)
        api = AirflowApi.login(url=access.url, username=access.username, password=access.password)
        api.set_paused(("billing_ingest",), paused=False)
        run_id = f"test__celery_{time.time_ns()}"
        api.trigger("billing_ingest", run_id=run_id, conf={"sources": [str(source)]})
        state = wait_for_run(settings, "billing_ingest", run_id, group=group, timeout_s=600)
        assert state == "success", [p.log_path for p in group.processes]
    finally:
        group.stop()

    with psycopg.connect(libpq_url(server_url(settings, AIRFLOW_DB))) as conn:
        rows = conn.execute(
            "SELECT rendered_map_index, state, hostname FROM task_instance "
            "WHERE dag_id = 'billing_ingest' AND run_id = %s AND task_id = 'ingest_period'",
            (run_id,),
        ).fetchall()
    assert sorted((period, state) for period, state, _ in rows) == [
        (period, "success") for period in PERIODS
    ]
    workers = {hostname.split("@")[0] for _, _, hostname in rows}
    assert workers == {"worker-1", "worker-2"}, rows

    with get_engine(settings).connect() as conn:
        loads = conn.execute(
            text(
                "SELECT to_char(billing_period, 'YYYY-MM'), status, rows_loaded, billed_cost "
                "FROM finops.ingest_log ORDER BY billing_period"
            )
        ).all()
        loaded = conn.execute(
            text(
                "SELECT to_char(billing_period_start AT TIME ZONE 'UTC', 'YYYY-MM'), "
                "count(*), sum(billed_cost) FROM costs GROUP BY 1 ORDER BY 1"
            )
        ).all()
    assert [(p, s, n, Decimal(c)) for p, s, n, c in loads] == [
        (period, "succeeded", 2, export.total(period=period)) for period in PERIODS
    ]
    assert [(p, n, Decimal(c)) for p, n, c in loaded] == [
        (period, 2, export.total(period=period)) for period in PERIODS
    ]
    assert sum(export.total(period=p) for p in PERIODS) == Decimal("25.00")

    # StatsD: the scheduler's heartbeat and the finished mapped tasks, as the exporter maps them
    names = {line.split(":")[0] for line in statsd_lines}
    assert "airflow.scheduler_heartbeat" in names
    finished = [n for n in names if n.startswith("airflow.ti.finish.billing_ingest.ingest_period.")]
    assert finished == ["airflow.ti.finish.billing_ingest.ingest_period.success"], sorted(names)
