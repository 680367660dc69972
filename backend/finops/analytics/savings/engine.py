"""Measure every subject as of a run date: read each one's bill, measure, and write the rows
whose inputs changed (``measure_savings``)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Connection, select

from finops.analytics.savings.bills import (
    DayCost,
    bill_loads,
    billed_days,
    daily_costs,
    last_billed_day,
    resource_profile,
    state_digest,
)
from finops.analytics.savings.measure import (
    BASELINE_DAYS,
    MIN_AFTER_DAYS,
    Measurement,
    after_end,
    baseline_start,
    measure,
    window,
)
from finops.analytics.savings.store import row_of, upsert
from finops.analytics.savings.subjects import Subject, executed_actions, external_fixes
from finops.warehouse.tables import savings_measurements


@dataclass(frozen=True)
class SavingsRun:
    """What a run measured: every subject's measurement, and how many rows it rewrote."""

    run_date: date
    measurements: list[Measurement] = field(default_factory=list)
    written: int = 0

    def by_status(self) -> dict[str, int]:
        counts = Counter(m.status for m in self.measurements)
        return {s: counts.get(s, 0) for s in ("awaiting_bills", "measured", "confirmed")}


def measure_savings(
    conn: Connection,
    *,
    run_date: date,
    run_id: str,
    now: datetime,
    baseline_days: int = BASELINE_DAYS,
) -> SavingsRun:
    """Measure every executed action changed before ``run_date`` and every finding fixed
    outside the platform, from the bill up to ``run_date``; write the rows whose inputs
    changed."""
    subjects = [s for s in executed_actions(conn) if s.change_day < run_date]
    subjects += external_fixes(
        conn, last_day=run_date, min_after_days=MIN_AFTER_DAYS, baseline_days=baseline_days
    )
    measurements, written = [], 0
    for subject in subjects:
        m, state = _measure_one(conn, subject, run_date=run_date, baseline_days=baseline_days)
        service, tags = resource_profile(
            conn,
            account_id=subject.account_id,
            resource_id=subject.resource_id,
            start=m.baseline.start,
            end=m.baseline.end,
        )
        row = row_of(
            m,
            bill_state=state,
            service=service,
            tags=tags,
            now=now,
            run_date=run_date,
            run_id=run_id,
        )
        written += upsert(conn, row)
        measurements.append(m)
    return SavingsRun(run_date=run_date, measurements=measurements, written=written)


def _measure_one(
    conn: Connection, subject: Subject, *, run_date: date, baseline_days: int
) -> tuple[Measurement, str]:
    start = baseline_start(subject, baseline_days=baseline_days)
    last = last_billed_day(conn, account_id=subject.account_id, on_or_before=run_date)
    end = after_end(subject, last_billed=last) or subject.baseline_end
    days = daily_costs(
        conn,
        account_id=subject.account_id,
        primary=subject.resource_id,
        others=subject.others,
        start=start,
        end=max(end, subject.after_start),
    )
    loads = bill_loads(conn, start=start, end=max(end, subject.after_start))
    m = measure(
        subject,
        days=days,
        last_billed=last,
        billed=billed_days(conn, account_id=subject.account_id, start=start, end=end),
        bill_changed=bill_changed(conn, subject, days),
        baseline_days=baseline_days,
    )
    state = state_digest([subject, loads, None if m.after is None else m.after.end, baseline_days])
    return m, state


def bill_changed(conn: Connection, subject: Subject, days: dict[date, DayCost]) -> str | None:
    """How the bill under the subject's last measurement changed since (its windows' totals in
    either view), or None; a change noted once stays noted."""
    t = savings_measurements
    before = conn.execute(select(t).where(t.c.subject_key == subject.key)).mappings().first()
    if before is None:
        return None
    for reason in before["reasons"]:
        if reason.get("code") == "restated_bill":
            return str(reason["text"])
    spans = [("baseline", before["baseline_start"], before["baseline_end"])]
    if before["after_end"] is not None:
        spans.append(("after", before["after_start"], before["after_end"]))
    for name, start, end in spans:
        if start not in days or end not in days:
            continue
        now = window(days, start, end)
        was = (before[f"{name}_effective_cost"], before[f"{name}_list_cost"])
        if (now.effective, now.list) != was:
            return (
                f"the bill under the {name} window ({start.isoformat()} to {end.isoformat()}) "
                f"changed after it was measured on {before['measured_on'].isoformat()}: "
                f"effective cost {was[0]} -> {now.effective}, list cost {was[1]} -> {now.list}"
            )
    return None


__all__ = ["SavingsRun", "measure_savings"]
