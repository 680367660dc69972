"""The ingest log of billing loads: one row per (unit, billing period) and attempt, its
files' fingerprint (a unit whose files are unchanged since its last successful load is
skipped), the data-quality report, the audit row; and the sweep of rows left 'running' by a
process that died (each running row is held by a session advisory lock)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

import psycopg

from finops.ingest.billing.checks import SliceTotals
from finops.ingest.billing.load import LoadResult
from finops.ingest.billing.quality import QualityFinding
from finops.ingest.billing.sources import PeriodFiles

Connection = psycopg.Connection[tuple[object, ...]]


def fingerprint(unit: PeriodFiles, grain: str) -> list[dict[str, object]]:
    entries: list[dict[str, object]] = [{"grain": grain}]
    for path in (*unit.paths, *([unit.manifest] if unit.manifest else [])):
        stat = path.stat()
        entries.append({"path": str(path), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns})
    return entries


# session-level advisory locks held by a running load on its ingest_log rows: a row left
# 'running' whose lock nobody holds belongs to a process that died
RUNNING_LOCK = 7007


def unchanged(
    conn: Connection, unit: PeriodFiles, files: list[dict[str, object]], only_period: str | None
) -> bool:
    """True when the latest finished load of every slice of these files succeeded on these
    same files, into a source that still exists."""
    period = unit.billing_period or only_period
    rows = conn.execute(
        """
        SELECT DISTINCT ON (l.billing_period) l.status, l.files, s.source_id IS NOT NULL
        FROM finops.ingest_log l
        LEFT JOIN finops.billing_sources s ON s.source_id = l.source_id
        WHERE l.unit_key = %s AND l.status <> 'running'
          AND (%s::date IS NULL OR l.billing_period = %s::date)
        ORDER BY l.billing_period, l.id DESC
        """,
        (unit.unit_key, f"{period}-01" if period else None, f"{period}-01" if period else None),
    ).fetchall()
    conn.commit()
    return bool(rows) and all(r[0] == "succeeded" and r[1] == files and r[2] for r in rows)


def last_source(conn: Connection, unit: PeriodFiles) -> str | None:
    """The source these files last loaded into, if it still exists."""
    row = conn.execute(
        "SELECT l.source_id FROM finops.ingest_log l "
        "JOIN finops.billing_sources s ON s.source_id = l.source_id "
        "WHERE l.unit_key = %s AND l.status = 'succeeded' ORDER BY l.id DESC LIMIT 1",
        (unit.unit_key,),
    ).fetchone()
    conn.commit()
    return None if row is None else str(row[0])


def sweep_abandoned(conn: Connection) -> int:
    """Mark 'running' log rows whose loading process died as failed; returns how many.

    A running load holds a session advisory lock on each of its rows; a row whose lock can
    be taken has nobody loading it. (This session's own rows are finished before it sweeps.)
    """
    swept = conn.execute(
        "UPDATE finops.ingest_log SET status = 'failed', finished_at = clock_timestamp(), "
        "error = 'abandoned: the loading process died before finishing' "
        "WHERE status = 'running' AND pg_try_advisory_xact_lock(%s, id::int)",
        (RUNNING_LOCK,),
    ).rowcount
    conn.commit()
    return swept


def log_start(
    conn: Connection,
    unit: PeriodFiles,
    source_id: str,
    period_start: date | None,
    files: list[dict[str, object]],
    run_id: str,
) -> int:
    row = conn.execute(
        "INSERT INTO finops.ingest_log (run_id, source_id, source_format, billing_period, "
        "status, files, unit_key) VALUES (%s, %s, %s, %s, 'running', %s, %s) RETURNING id",
        (
            run_id,
            source_id,
            unit.source_format,
            period_start,
            json.dumps(files),
            unit.unit_key,
        ),
    ).fetchone()
    assert row is not None
    log_id = int(str(row[0]))
    conn.execute("SELECT pg_advisory_lock(%s, %s)", (RUNNING_LOCK, log_id))
    conn.commit()
    return log_id


def release(conn: Connection, log_ids: list[int]) -> None:
    for log_id in log_ids:
        conn.execute("SELECT pg_advisory_unlock(%s, %s)", (RUNNING_LOCK, log_id))
    conn.commit()


def finish_succeeded(
    conn: Connection,
    log_ids: list[int],
    periods: list[date],
    loaded: LoadResult,
    findings: list[QualityFinding],
) -> None:
    """Inside the load's transaction: the log rows, their quality reports."""
    for log_id, period in zip(log_ids, periods, strict=True):
        mine = [t for t in loaded.totals if t.billing_period_start == period.isoformat()]
        log_finish(
            conn,
            log_id,
            status="succeeded",
            raw=sum(t.raw_line_items for t in mine),
            totals=mine,
            rows=loaded.rows_by_period.get(period.isoformat(), 0),
        )
        for f in findings:
            if f.billing_period != period.isoformat():
                continue
            conn.execute(
                "INSERT INTO finops.ingest_quality (ingest_log_id, source_id, billing_period, "
                "rule_id, column_name, severity, line_items, message, examples) "
                "SELECT id, source_id, billing_period, %s, %s, %s, %s, %s, %s "
                "FROM finops.ingest_log WHERE id = %s",
                (
                    f.rule_id,
                    f.column,
                    f.severity,
                    f.line_items,
                    f.message,
                    json.dumps(f.examples),
                    log_id,
                ),
            )


def log_finish(
    conn: Connection,
    log_id: int,
    *,
    status: str,
    raw: int | None = None,
    totals: list[SliceTotals] | None = None,
    rows: int | None = None,
    error: str | None = None,
) -> None:
    """Finish a log row; ``rows``: the warehouse rows of its slice now (None: count them)."""
    totals = totals or []
    conn.execute(
        """
        UPDATE finops.ingest_log SET status = %s, raw_line_items = %s,
          rows_loaded = COALESCE(%s, (SELECT count(*) FROM finops.costs c
                         WHERE c.x_source_id = ingest_log.source_id
                           AND c.billing_period_start = ingest_log.billing_period)),
          billing_currency = %s, billed_cost = %s, effective_cost = %s, list_cost = %s,
          finished_at = clock_timestamp(), error = %s
        WHERE id = %s
        """,
        (
            status,
            raw,
            rows,
            ",".join(t.billing_currency for t in totals) or None,
            _total(t.billed_cost for t in totals),
            _total(t.effective_cost for t in totals),
            _total(t.list_cost for t in totals),
            error,
            log_id,
        ),
    )


def _total(values: Iterable[Decimal | None]) -> Decimal | None:
    present = [v for v in values if v is not None]
    return sum(present, Decimal(0)) if present else None


def audit_load(
    conn: Connection,
    run_id: str,
    source_id: str,
    unit: PeriodFiles,
    periods: list[date],
    raw: int,
    loaded: LoadResult,
) -> None:
    conn.execute(
        "INSERT INTO finops.audit_log (actor, action, subject, run_id, details) "
        "VALUES ('ingest', 'billing.replace_slice', %s, %s, %s)",
        (
            f"{source_id}/{','.join(f'{p:%Y-%m}' for p in periods)}",
            run_id,
            json.dumps(
                {
                    "raw_line_items": raw,
                    "rows_loaded": loaded.rows_loaded,
                    "files": [str(p) for p in unit.paths],
                    "location": unit.location,
                    "superseded": [
                        {
                            "source": o.other_source,
                            "billing_period": o.billing_period,
                            "provider": o.provider_name,
                            "billing_account": o.billing_account_id,
                            "charge_days": o.charge_days,
                        }
                        for o in loaded.superseded
                    ],
                }
            ),
        ),
    )
