"""Writing and reading ``anomaly_incidents`` (described in ``finops.warehouse.tables``): the
job's upsert, the removal of vanished incidents, false-positive feedback and status changes."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, and_, delete, func, select
from sqlalchemy.dialects.postgresql import insert

from finops.analytics.anomalies.analysis import Incident, ScopeKey
from finops.errors import FinOpsError
from finops.warehouse.tables import anomaly_incidents as incidents

STATUSES = ("open", "acknowledged", "resolved", "false_positive")


_MEASURED = (
    "scope_kind",
    "scope",
    "kind",
    "cause",
    "first_day",
    "last_day",
    "expected",
    "lower_bound",
    "upper_bound",
    "actual",
    "impact",
    "impact_pct",
    "severity",
    "peak_score",
    "root_cause",
    "related_scopes",
    "cost_metric",
    "last_run_date",
    "run_id",
)


def incident_row(incident: Incident, *, run_date: date, run_id: str, metric: str) -> dict[str, Any]:
    return {
        "fingerprint": incident.fingerprint,
        "scope_kind": incident.scope_kind,
        "scope": incident.scope,
        "kind": incident.kind,
        "cause": incident.cause,
        "status": "open",
        "first_day": incident.first_day,
        "last_day": incident.last_day,
        "expected": incident.expected,
        "lower_bound": incident.lower,
        "upper_bound": incident.upper,
        "actual": incident.actual,
        "impact": incident.impact,
        "impact_pct": incident.impact_pct,
        "severity": incident.severity,
        "peak_score": incident.peak_score,
        "root_cause": [c.as_json() for c in incident.root_cause],
        "related_scopes": incident.related_scopes,
        "cost_metric": metric,
        "detected_on": run_date,
        "last_run_date": run_date,
        "run_id": run_id,
    }


def upsert_incidents(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert new incidents; refresh the measurements of known ones, keeping their status and
    the run date that first detected them."""
    if not rows:
        return
    statement = insert(incidents).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=[incidents.c.fingerprint],
        set_={name: statement.excluded[name] for name in _MEASURED},
    )
    conn.execute(statement)


def remove_vanished(
    conn: Connection, *, start: date, end: date, keep: set[str], metric: str
) -> int:
    """Delete open incidents starting in [start, end] that this run no longer finds (incidents
    with feedback stay: they are a person's decision)."""
    condition = and_(
        incidents.c.first_day >= start,
        incidents.c.first_day <= end,
        incidents.c.status == "open",
        incidents.c.cost_metric == metric,
    )
    if keep:
        condition = and_(condition, incidents.c.fingerprint.not_in(sorted(keep)))
    return int(conn.execute(delete(incidents).where(condition)).rowcount or 0)


def false_positive_days(
    conn: Connection, *, start: date, days: list[date], metric: str
) -> dict[ScopeKey, set[int]]:
    """Days marked normal by false-positive feedback, per scope (indices into ``days``): the
    incident's own scope and every related scope that saw the same incident."""
    index = {d: i for i, d in enumerate(days)}
    result: dict[ScopeKey, set[int]] = {}
    rows = conn.execute(
        select(
            incidents.c.scope_kind,
            incidents.c.scope,
            incidents.c.first_day,
            incidents.c.last_day,
            incidents.c.related_scopes,
        )
        .where(
            incidents.c.status == "false_positive",
            incidents.c.last_day >= start,
            incidents.c.cost_metric == metric,
        )
        .order_by(incidents.c.id)
    )
    for scope_kind, scope, first, last, related in rows:
        spans = [(str(scope_kind), scope, first, last)]
        spans += [
            (
                str(r["scope_kind"]),
                r["scope"],
                date.fromisoformat(r["first_day"]),
                date.fromisoformat(r["last_day"]),
            )
            for r in related
        ]
        for kind, values, span_first, span_last in spans:
            key: ScopeKey = (kind, tuple(sorted((str(k), str(v)) for k, v in values.items())))
            chosen = result.setdefault(key, set())
            day = span_first
            while day <= span_last:
                if day in index:
                    chosen.add(index[day])
                day += timedelta(days=1)
    return result


def set_status(conn: Connection, *, fingerprint: str, status: str, note: str | None = None) -> bool:
    """Record feedback on an incident (open, acknowledged, resolved, false_positive)."""
    if status not in STATUSES:
        raise FinOpsError(f"anomaly status {status!r} is not one of {', '.join(STATUSES)}")
    result = conn.execute(
        incidents.update()
        .where(incidents.c.fingerprint == fingerprint)
        .values(status=status, status_note=note, status_changed_at=func.clock_timestamp())
    )
    return bool(result.rowcount)
