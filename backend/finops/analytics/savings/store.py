"""Writing measurements to ``savings_measurements`` (migration 0017): one row per subject,
rewritten only when what it was measured from changed (the bill under its windows, the bill's
last day, the subject), so a re-run with the same bill leaves every row as it was."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, func
from sqlalchemy.dialects.postgresql import insert

from finops.analytics.savings.measure import Measurement
from finops.db.signals import COST_DATA, signal
from finops.warehouse.tables import savings_measurements

_KEEP_ON_UPDATE = ("id", "subject_key", "first_measured_at")


def row_of(
    m: Measurement,
    *,
    bill_state: str,
    service: str | None,
    tags: dict[str, Any],
    now: datetime,
    run_date: date,
    run_id: str,
) -> dict[str, Any]:
    s, base, after = m.subject, m.baseline, m.after
    return {
        "subject_key": s.key,
        "subject_kind": s.kind,
        "proposal_id": s.proposal_id,
        "fingerprint": s.fingerprint,
        "account_id": s.account_id,
        "region": s.region,
        "resource_id": s.resource_id,
        "measured_resources": [s.resource_id, *s.others],
        "service": service,
        "resource_tags": tags,
        "action": s.action,
        "finding_type": s.finding_type,
        "policy": s.policy,
        "change_day": s.change_day,
        "changed_at": s.changed_at,
        "currency": s.currency,
        "baseline_start": base.start,
        "baseline_end": base.end,
        "after_start": s.after_start,
        "after_end": None if after is None else after.end,
        "baseline_days": base.days,
        "after_days": 0 if after is None else after.days,
        "baseline_effective_cost": base.effective,
        "baseline_list_cost": base.list,
        "baseline_usage": base.usage,
        "baseline_daily_effective": base.daily_effective,
        "baseline_daily_list": base.daily_list,
        "baseline_daily_usage": base.daily_usage,
        "after_effective_cost": None if after is None else after.effective,
        "after_list_cost": None if after is None else after.list,
        "after_usage": None if after is None else after.usage,
        "after_daily_effective": None if after is None else after.daily_effective,
        "after_daily_list": None if after is None else after.daily_list,
        "after_daily_usage": None if after is None else after.daily_usage,
        "days_in_month": m.days_in_month,
        "realized_monthly_effective": m.realized_monthly_effective,
        "realized_monthly_list": m.realized_monthly_list,
        "estimated_monthly_savings": s.estimated_monthly_savings,
        "method": m.method,
        "confidence": m.confidence,
        "reasons": [r.as_json() for r in m.reasons],
        "status": m.status,
        "bill_state": bill_state,
        "daily": [d.as_json() for d in m.daily],
        "first_measured_at": None if m.status == "awaiting_bills" else now,
        "measured_at": now,
        "measured_on": run_date,
        "run_id": run_id,
    }


def upsert(conn: Connection, row: dict[str, Any]) -> bool:
    """Insert the subject's row, or rewrite it when its ``bill_state`` differs; True when a
    row was written. ``first_measured_at`` keeps the first measurement's time."""
    t = savings_measurements
    statement = insert(t).values(**row)
    excluded = statement.excluded
    values: dict[str, Any] = {
        c.name: excluded[c.name] for c in t.columns if c.name not in _KEEP_ON_UPDATE
    }
    values["first_measured_at"] = func.coalesce(t.c.first_measured_at, excluded.first_measured_at)
    result = conn.execute(
        statement.on_conflict_do_update(
            index_elements=[t.c.subject_key],
            set_=values,
            where=t.c.bill_state.is_distinct_from(excluded.bill_state),
        ).returning(t.c.id)
    )
    written = result.first() is not None
    if written:  # the KPI summary's realized savings (the API's cached answers)
        signal(conn, COST_DATA)
    return written
