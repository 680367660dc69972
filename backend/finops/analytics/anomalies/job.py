"""The anomaly detection job: one run date, one rewritten interval of incidents."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import structlog
from sqlalchemy import text

from finops.analytics.anomalies.analysis import AnalysisParams, Incident, find_incidents
from finops.analytics.anomalies.store import (
    false_positive_days,
    incident_row,
    remove_vanished,
    upsert_incidents,
)
from finops.analytics.cube import load_cube
from finops.config import Settings, get_settings
from finops.db.engine import get_engine
from finops.warehouse.audit import audit
from finops.warehouse.metrics import ANOMALY_METRIC

log = structlog.get_logger(__name__)

LOOKBACK_DAYS = 150
"""History read before the reported interval: the baseline window (56 days) plus the drift
check's earlier fit (28 + 56 days) with room to spare."""


@dataclass(frozen=True, slots=True)
class AnomalyRun:
    run_id: str
    run_date: date
    interval_start: date
    incidents: list[Incident]
    removed: int


def run_anomaly_detection(
    *,
    run_date: date,
    report_days: int = 14,
    metric: str = ANOMALY_METRIC,
    params: AnalysisParams | None = None,
    settings: Settings | None = None,
    run_id: str | None = None,
) -> AnomalyRun:
    """Detect incidents on days up to ``run_date`` and rewrite those starting in the last
    ``report_days`` days (incidents still open that started earlier are refreshed too)."""
    settings = settings or get_settings()
    params = params or AnalysisParams(tag_keys=tuple(settings.anomaly_tag_keys))
    run_id = run_id or uuid.uuid4().hex
    interval_start = run_date - timedelta(days=report_days - 1)
    start = interval_start - timedelta(days=LOOKBACK_DAYS)
    end = run_date + timedelta(days=1)
    engine = get_engine(settings)
    with engine.begin() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('finops.anomalies'))"))
        cube = load_cube(conn, start=start, end=end, metric=metric, tag_keys=params.tag_keys)
        accepted = false_positive_days(conn, start=start, days=cube.days, metric=metric)
        found = find_incidents(
            cube, params=params, report_from=(interval_start - start).days, accepted=accepted
        )
        rows = [incident_row(i, run_date=run_date, run_id=run_id, metric=metric) for i in found]
        upsert_incidents(conn, rows)
        removed = remove_vanished(
            conn,
            start=interval_start,
            end=run_date,
            keep={i.fingerprint for i in found},
            metric=metric,
        )
        audit(
            conn,
            action="anomalies.detected",
            subject=f"{interval_start}..{run_date}",
            run_id=run_id,
            details={"incidents": len(found), "removed": removed, "metric": metric},
        )
    log.info(
        "anomalies.detected",
        run_id=run_id,
        run_date=run_date.isoformat(),
        incidents=len(found),
        removed=removed,
    )
    return AnomalyRun(run_id, run_date, interval_start, found, removed)
