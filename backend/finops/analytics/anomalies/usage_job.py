"""The usage anomaly job: one run date, one rewritten window of usage incidents, each joined
to the cost anomaly it explains."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import structlog
from sqlalchemy import Connection, text

from finops.analytics.anomalies.usage import (
    CostAnomalyRef,
    UsageParams,
    UsageWindow,
    explained_anomaly,
    find_usage_windows,
    usage_fingerprint,
)
from finops.analytics.anomalies.usage_store import (
    ResourceInfo,
    UsageSeries,
    billed_services,
    cost_anomalies,
    load_usage_series,
    remove_vanished_usage,
    resource_info,
    upsert_usage_incidents,
)
from finops.config import Settings, get_settings
from finops.db.engine import get_engine
from finops.errors import FinOpsError
from finops.warehouse.audit import audit

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class UsageRun:
    run_id: str
    run_date: date
    report_from: datetime
    series: int
    incidents: list[dict[str, Any]] = field(default_factory=list)
    removed: int = 0

    @property
    def explaining(self) -> int:
        return sum(1 for i in self.incidents if i["cost_anomaly"])


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def run_usage_anomaly_detection(
    *,
    run_date: date,
    report_days: int = 7,
    history_days: int = 14,
    step_minutes: int = 15,
    metrics: Sequence[str] = (),
    params: UsageParams | None = None,
    settings: Settings | None = None,
    run_id: str | None = None,
) -> UsageRun:
    """Detect usage incidents in the ``history_days`` days of metric points up to ``run_date``
    (averaged per ``step_minutes``) and rewrite those starting in its last ``report_days``
    days; ``metrics`` limits the metric names (default: every metric the warehouse holds)."""
    if not 1 <= report_days <= history_days:
        raise FinOpsError(
            f"report_days ({report_days}) must be between 1 and history_days ({history_days})"
        )
    if not 1 <= step_minutes <= 1440 or 1440 % step_minutes:
        raise FinOpsError(f"step_minutes ({step_minutes}) must divide a day (1 to 1440)")
    settings = settings or get_settings()
    run_id = run_id or uuid.uuid4().hex
    end = _midnight(run_date + timedelta(days=1))
    start, report_from = end - timedelta(days=history_days), end - timedelta(days=report_days)
    step = timedelta(minutes=step_minutes)
    with get_engine(settings).begin() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('finops.usage_incidents'))"))
        series = load_usage_series(conn, start=start, end=end, step=step, metrics=metrics)
        found = [
            (s, w)
            for s in series
            for w in find_usage_windows(
                s.values, step=step, percent=s.unit == "Percent", params=params
            )
            if s.at(w.start) >= report_from
        ]
        rows = _rows(conn, found, run_date=run_date, run_id=run_id)
        upsert_usage_incidents(conn, rows)
        removed = remove_vanished_usage(
            conn, start=report_from, end=end, keep={r["fingerprint"] for r in rows}
        )
        audit(
            conn,
            action="usage_anomalies.detected",
            subject=f"{report_from.date()}..{run_date}",
            run_id=run_id,
            details={"series": len(series), "incidents": len(rows), "removed": removed},
        )
    run = UsageRun(run_id, run_date, report_from, len(series), rows, removed)
    log.info("usage_anomalies.detected", run_id=run_id, run_date=run_date.isoformat(),
             series=len(series), incidents=len(rows), explaining=run.explaining,
             removed=removed)  # fmt: skip
    return run


def _rows(
    conn: Connection,
    found: list[tuple[UsageSeries, UsageWindow]],
    *,
    run_date: date,
    run_id: str,
) -> list[dict[str, Any]]:
    """The incidents as ``usage_incidents`` rows, each joined to the cost anomaly it explains."""
    if not found:
        return []
    info = resource_info(conn, {(s.account_id, s.metric_resource_id) for s, _ in found})
    first = min(s.at(w.start) for s, w in found).date()
    last = max(s.at(w.end) for s, w in found).date()
    ids = {i for r in info.values() for i in r.ids} | {s.metric_resource_id for s, _ in found}
    services = billed_services(conn, ids=ids, start=first, end=last + timedelta(days=1))
    anomalies = cost_anomalies(conn, first=first, last=last)
    return [
        _row(
            s,
            w,
            info.get((s.account_id, s.metric_resource_id)),
            services,
            anomalies,
            run_date=run_date,
            run_id=run_id,
        )
        for s, w in found
    ]


def _row(
    s: UsageSeries,
    w: UsageWindow,
    resource: ResourceInfo | None,
    services: dict[str, set[str]],
    anomalies: list[CostAnomalyRef],
    *,
    run_date: date,
    run_id: str,
) -> dict[str, Any]:
    started_at, ended_at = s.at(w.start), s.at(w.end + 1)
    ids = set(resource.ids) if resource else {s.metric_resource_id}
    explains = explained_anomaly(
        first_day=started_at.date(),
        last_day=(ended_at - timedelta(microseconds=1)).date(),
        resource_ids=ids,
        account_id=s.account_id,
        services=set().union(*(services.get(i, set()) for i in ids)),
        anomalies=anomalies,
    )
    key = (s.account_id, s.region, s.namespace, s.metric_name, s.stat, s.metric_resource_id)
    return {
        "fingerprint": usage_fingerprint(key, started_at, w.direction),
        "account_id": s.account_id,
        "region": s.region,
        "resource_id": resource.resource_id if resource else s.metric_resource_id,
        "metric_resource_id": s.metric_resource_id,
        "resource_type": resource.resource_type if resource else None,
        "series_id": s.series_id,
        "namespace": s.namespace,
        "metric_name": s.metric_name,
        "stat": s.stat,
        "unit": s.unit,
        "direction": w.direction,
        "pattern": w.pattern,
        "started_at": started_at,
        "ended_at": ended_at,
        "points": w.end - w.start + 1,
        "peak_value": round(w.peak_value, 6),
        "expected_value": round(w.expected_value, 6),
        "peak_score": round(w.peak_score, 3),
        "cost_anomaly": explains,
        "detected_on": run_date,
        "last_run_date": run_date,
        "run_id": run_id,
    }
