"""The platform's own signals on ``/metrics``, read from the warehouse when Prometheus scrapes.

A custom collector, not gauges the jobs update: every process (API, Airflow workers, the CLI)
writes the warehouse, and only the warehouse knows the whole story. Each scrape runs a handful of
small queries over the ledgers (``ingest_log``, ``job_runs``, incidents, budgets, proposals,
savings measurements), never over the cost rows but for one newest-charge-day probe per source
limited to its latest billing period; the answers are kept ``cache_s`` seconds, so several
Prometheus servers or a burst of scrapes cost one round of queries. Ages are computed at collect
time from the cached timestamps, so they keep growing between two reads of the warehouse.

Prometheus values are floats: money leaves ``Decimal`` only here, for display and alerting.
Every metric name is listed in :data:`METRICS` (the monitoring rules are checked against it).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import structlog
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError

from finops.ingest.billing.load import RECONCILIATION_MISMATCH

log = structlog.get_logger(__name__)

ANOMALY_SEVERITIES = ("low", "medium", "high")

QUERIES = {
    "sources": text(
        "SELECT s.source_id, s.source_format, "
        "  (SELECT max(l.finished_at) FROM finops.ingest_log l "
        "   WHERE l.source_id = s.source_id AND l.status = 'succeeded') AS last_success, "
        "  (SELECT l.status = 'failed' FROM finops.ingest_log l "
        "   WHERE l.source_id = s.source_id AND l.status <> 'running' "
        "   ORDER BY l.finished_at DESC, l.id DESC LIMIT 1) AS last_failed "
        "FROM finops.billing_sources s ORDER BY s.source_id"
    ),
    # the newest charge day of each source, looked for in its latest loaded billing period only
    "newest_charge": text(
        "WITH latest AS ("
        "  SELECT source_id, max(billing_period) AS period FROM finops.ingest_log "
        "  WHERE status = 'succeeded' AND billing_period IS NOT NULL GROUP BY source_id) "
        "SELECT l.source_id, (SELECT max(f.charge_period_start) FROM finops.cost_facts f "
        "  JOIN finops.cost_attributes a ON a.attribute_id = f.attribute_id "
        "  WHERE a.x_source_id = l.source_id "
        "  AND a.billing_period_start >= l.period::timestamp AT TIME ZONE 'UTC' "
        "  AND a.billing_period_start < (l.period + 1)::timestamp AT TIME ZONE 'UTC' "
        "  AND f.charge_period_start >= (l.period - 31)::timestamp AT TIME ZONE 'UTC') "
        "FROM latest l"
    ),
    "loads": text(
        "SELECT source_id, status, count(*), coalesce(sum(rows_loaded), 0), "
        "  count(*) FILTER (WHERE status = 'failed' AND strpos(error, :mismatch) > 0) "
        "FROM finops.ingest_log WHERE status <> 'running' GROUP BY source_id, status"
    ),
    # billing periods whose latest finished load failed to reconcile (until a good reload)
    "unreconciled": text(
        "SELECT source_id, count(*) FROM ("
        "  SELECT DISTINCT ON (source_id, billing_period) source_id, status, error "
        "  FROM finops.ingest_log WHERE status <> 'running' AND billing_period IS NOT NULL "
        "  ORDER BY source_id, billing_period, id DESC) latest "
        "WHERE status = 'failed' AND strpos(error, :mismatch) > 0 GROUP BY source_id"
    ),
    "job_runs": text(
        "SELECT job, status, count(*), "
        "  coalesce(sum(extract(epoch FROM finished_at - started_at)), 0) "
        "FROM finops.job_runs GROUP BY job, status"
    ),
    "job_latest": text(
        "SELECT job, "
        "  (array_agg(extract(epoch FROM finished_at - started_at) ORDER BY id DESC) "
        "     FILTER (WHERE status <> 'skipped'))[1], "
        "  max(finished_at) FILTER (WHERE status = 'succeeded'), "
        "  count(*) FILTER (WHERE status = 'failed' AND id > coalesce(last_ok, 0)) "
        "FROM (SELECT *, max(id) FILTER (WHERE status = 'succeeded') OVER (PARTITION BY job) "
        "      AS last_ok FROM finops.job_runs) r GROUP BY job"
    ),
    "anomalies": text(
        "SELECT severity, count(*) FROM finops.anomaly_incidents WHERE status = 'open' "
        "GROUP BY severity"
    ),
    "budgets": text(
        "SELECT DISTINCT ON (b.id) b.name, b.period, b.currency, b.amount, e.actual, e.forecast "
        "FROM finops.budget_definitions b "
        "JOIN finops.budget_evaluations e ON e.budget_id = b.id "
        "ORDER BY b.id, e.run_date DESC, e.period_start DESC"
    ),
    "proposals": text(
        "SELECT status, count(*), "
        "  count(*) FILTER (WHERE expires_at > now()), "
        "  coalesce(sum(estimated_monthly_savings) FILTER (WHERE expires_at > now()), 0), "
        "  min(proposed_at) FILTER (WHERE expires_at > now()) "
        "FROM finops.remediation_proposals GROUP BY status"
    ),
    "savings": text(
        "SELECT currency, status, count(*), coalesce(sum(realized_monthly_effective), 0), "
        "  coalesce(sum(estimated_monthly_savings), 0) "
        "FROM finops.savings_measurements GROUP BY currency, status"
    ),
}

METRICS: dict[str, str] = {
    "finops_warehouse_up": "1 when the last read of the warehouse for these metrics succeeded",
    "finops_platform_metrics_read_seconds": "how long the last read of the warehouse took",
    "finops_billing_data_age_hours": "hours since the start of the newest charge day loaded",
    "finops_billing_last_load_age_hours": "hours since the source's last successful load",
    "finops_billing_last_load_failed": "1 when the source's most recent load failed",
    "finops_billing_loads_total": "finished billing loads (one per source and billing period)",
    "finops_billing_rows_loaded_total": "warehouse rows written by successful billing loads",
    "finops_billing_reconciliation_failures_total": "loads rolled back for not reconciling",
    "finops_billing_unreconciled_periods": "billing periods whose latest load did not reconcile",
    "finops_job_runs_total": "runs of a scheduled job by outcome (succeeded, skipped, failed)",
    "finops_job_duration_seconds_total": "time spent in runs of a scheduled job by outcome",
    "finops_job_last_duration_seconds": "duration of the job's latest run that was not skipped",
    "finops_job_last_success_timestamp_seconds": "when the job last succeeded (Unix time)",
    "finops_job_consecutive_failures": "failed runs of the job since its last success",
    "finops_anomalies_open": "open anomaly incidents by severity",
    "finops_budget_burn_ratio": "actual spend ÷ budget amount, latest evaluation",
    "finops_budget_forecast_ratio": "forecast spend ÷ budget amount, latest evaluation",
    "finops_remediation_proposals": "remediation proposals by status",
    "finops_remediation_awaiting_approval": "proposals awaiting a decision (not expired)",
    "finops_remediation_awaiting_approval_oldest_age_hours": "age of the oldest one",
    "finops_remediation_awaiting_savings_monthly": "estimated monthly savings awaiting approval",
    "finops_savings_realized_monthly": "measured monthly savings of executed actions",
    "finops_savings_estimated_monthly": "estimated monthly savings of the measured subjects",
    "finops_savings_subjects": "savings measurements by status",
}


@dataclass
class Snapshot:
    """One read of the warehouse: rows per query, when it was taken and how long it took."""

    rows: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)
    read_at: float = 0.0
    seconds: float = 0.0
    ok: bool = False


def read_snapshot(conn: Connection) -> dict[str, list[tuple[Any, ...]]]:
    conn.execute(text("SET LOCAL statement_timeout = '5s'"))
    params = {"mismatch": RECONCILIATION_MISMATCH}
    return {
        name: [
            tuple(row) for row in conn.execute(query, params if ":mismatch" in str(query) else {})
        ]
        for name, query in QUERIES.items()
    }


class PlatformMetrics(Collector):
    """The collector: register it in a ``CollectorRegistry`` (one per app)."""

    def __init__(
        self,
        *,
        engine: Callable[[], Engine],
        cache_s: float = 5.0,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._engine = engine
        self._cache_s = cache_s
        self._now = now
        self._clock = clock
        self._snapshot = Snapshot(read_at=float("-inf"))
        self._lock = threading.Lock()

    def snapshot(self) -> Snapshot:
        with self._lock:
            if self._clock() - self._snapshot.read_at < self._cache_s:
                return self._snapshot
            started = time.perf_counter()
            try:
                with self._engine().begin() as conn:
                    rows = read_snapshot(conn)
                snapshot = Snapshot(rows=rows, ok=True)
            except SQLAlchemyError as exc:
                log.warning("metrics.warehouse_unreadable", error=exc.__class__.__name__)
                snapshot = Snapshot(ok=False)
            snapshot.read_at = self._clock()
            snapshot.seconds = time.perf_counter() - started
            self._snapshot = snapshot
            return snapshot

    def collect(self) -> Iterator[Metric]:
        snapshot = self.snapshot()
        yield _gauge("finops_warehouse_up", [((), 1.0 if snapshot.ok else 0.0)])
        yield _gauge("finops_platform_metrics_read_seconds", [((), snapshot.seconds)])
        if snapshot.ok:
            now = self._now()
            yield from billing_families(snapshot.rows, now=now)
            yield from job_families(snapshot.rows)
            yield from outcome_families(snapshot.rows, now=now)


Sample = tuple[tuple[str, ...], float]
Samples = Sequence[Sample]


def _family(
    kind: type[GaugeMetricFamily | CounterMetricFamily],
    name: str,
    labels: tuple[str, ...],
    samples: Samples,
) -> Metric:
    family = kind(name.removesuffix("_total"), METRICS[name], labels=list(labels))
    for values, value in samples:
        family.add_metric(list(values), value)
    return family


def _gauge(name: str, samples: Samples, labels: tuple[str, ...] = ()) -> Metric:
    return _family(GaugeMetricFamily, name, labels, samples)


def _counter(name: str, samples: Samples, labels: tuple[str, ...] = ()) -> Metric:
    return _family(CounterMetricFamily, name, labels, samples)


def _hours(since: datetime | date | None, now: datetime) -> float | None:
    if since is None:
        return None
    if not isinstance(since, datetime):
        since = datetime(since.year, since.month, since.day, tzinfo=UTC)
    return (now - since).total_seconds() / 3600


def billing_families(rows: dict[str, list[tuple[Any, ...]]], *, now: datetime) -> Iterator[Metric]:
    formats = {str(r[0]): str(r[1]) for r in rows["sources"]}
    newest = {str(r[0]): r[1] for r in rows["newest_charge"]}
    labels = ("source_id", "source_format")
    data_age, load_age, failed = [], [], []
    for source_id, source_format, last_success, last_failed in rows["sources"]:
        key = (str(source_id), str(source_format))
        if (age := _hours(newest.get(str(source_id)), now)) is not None:
            data_age.append((key, age))
        if (age := _hours(last_success, now)) is not None:
            load_age.append((key, age))
        failed.append((key, 1.0 if last_failed else 0.0))
    yield _gauge("finops_billing_data_age_hours", data_age, labels)
    yield _gauge("finops_billing_last_load_age_hours", load_age, labels)
    yield _gauge("finops_billing_last_load_failed", failed, labels)
    loads, loaded, mismatches = [], [], dict.fromkeys(formats, 0.0)
    for source_id, status, count, rows_loaded, mismatch in rows["loads"]:
        loads.append(((str(source_id), str(status)), float(count)))
        if status == "succeeded":
            loaded.append(((str(source_id),), float(rows_loaded)))
        mismatches[str(source_id)] = mismatches.get(str(source_id), 0.0) + float(mismatch)
    yield _counter("finops_billing_loads_total", loads, ("source_id", "status"))
    yield _counter("finops_billing_rows_loaded_total", loaded, ("source_id",))
    yield _counter(
        "finops_billing_reconciliation_failures_total",
        [((s,), v) for s, v in sorted(mismatches.items())],
        ("source_id",),
    )
    unreconciled = dict.fromkeys(formats, 0.0) | {
        str(r[0]): float(r[1]) for r in rows["unreconciled"]
    }
    yield _gauge(
        "finops_billing_unreconciled_periods",
        [((s,), v) for s, v in sorted(unreconciled.items())],
        ("source_id",),
    )


def job_families(rows: dict[str, list[tuple[Any, ...]]]) -> Iterator[Metric]:
    runs = [((str(r[0]), str(r[1])), float(r[2])) for r in rows["job_runs"]]
    seconds = [((str(r[0]), str(r[1])), float(r[3])) for r in rows["job_runs"]]
    yield _counter("finops_job_runs_total", runs, ("job", "status"))
    yield _counter("finops_job_duration_seconds_total", seconds, ("job", "status"))
    last, success, failing = [], [], []
    for job, duration, succeeded_at, consecutive in rows["job_latest"]:
        if duration is not None:
            last.append(((str(job),), float(duration)))
        if succeeded_at is not None:
            success.append(((str(job),), succeeded_at.timestamp()))
        failing.append(((str(job),), float(consecutive)))
    yield _gauge("finops_job_last_duration_seconds", last, ("job",))
    yield _gauge("finops_job_last_success_timestamp_seconds", success, ("job",))
    yield _gauge("finops_job_consecutive_failures", failing, ("job",))


def _money(value: Decimal | int | None) -> float:
    return float(value or 0)


def outcome_families(rows: dict[str, list[tuple[Any, ...]]], *, now: datetime) -> Iterator[Metric]:
    """Anomalies, budgets, remediation and savings: what the platform's work amounts to."""
    open_by_severity = dict.fromkeys(ANOMALY_SEVERITIES, 0.0) | {
        str(r[0]): float(r[1]) for r in rows["anomalies"]
    }
    yield _gauge(
        "finops_anomalies_open", [((s,), v) for s, v in open_by_severity.items()], ("severity",)
    )
    burn, forecast = [], []
    for name, period, currency, amount, actual, projected in rows["budgets"]:
        key = (str(name), str(period), str(currency))
        if amount:
            burn.append((key, float(Decimal(actual) / Decimal(amount))))
            forecast.append((key, float(Decimal(projected) / Decimal(amount))))
    labels = ("budget", "period", "currency")
    yield _gauge("finops_budget_burn_ratio", burn, labels)
    yield _gauge("finops_budget_forecast_ratio", forecast, labels)
    by_status, waiting, savings, oldest = [], 0.0, 0.0, None
    for status, count, awaiting, estimated, first in rows["proposals"]:
        by_status.append(((str(status),), float(count)))
        if status == "proposed":
            waiting, savings, oldest = float(awaiting), _money(estimated), first
    yield _gauge("finops_remediation_proposals", by_status, ("status",))
    yield _gauge("finops_remediation_awaiting_approval", [((), waiting)])
    oldest_age = _hours(oldest, now)
    yield _gauge(
        "finops_remediation_awaiting_approval_oldest_age_hours",
        [] if oldest_age is None else [((), oldest_age)],
    )
    yield _gauge("finops_remediation_awaiting_savings_monthly", [((), savings)])
    realized, estimated_measured, subjects = [], [], []
    for currency, status, count, realized_sum, estimated_sum in rows["savings"]:
        subjects.append(((str(status),), float(count)))
        if status != "awaiting_bills":
            realized.append(((str(currency), str(status)), _money(realized_sum)))
            estimated_measured.append(((str(currency), str(status)), _money(estimated_sum)))
    yield _gauge("finops_savings_realized_monthly", realized, ("currency", "status"))
    yield _gauge("finops_savings_estimated_monthly", estimated_measured, ("currency", "status"))
    yield _gauge("finops_savings_subjects", subjects, ("status",))
