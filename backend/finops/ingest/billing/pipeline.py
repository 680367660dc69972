"""Ingest billing: find periods, transform in DuckDB, load and reconcile in PostgreSQL."""

from __future__ import annotations

import json
import shutil
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import psycopg
import structlog

from finops.config import Settings, get_settings
from finops.db.engine import WAREHOUSE_DB, ensure_database, libpq_url
from finops.errors import IngestError
from finops.ingest.billing.load import replace_slice, totals_json
from finops.ingest.billing.sources import PeriodFiles, discover
from finops.ingest.billing.transform import transform_period
from finops.observability import INGEST_ROWS

log = structlog.get_logger(__name__)

Progress = Callable[[str, int], None]  # (billing period, raw line items just loaded)


@dataclass(frozen=True)
class PeriodOutcome:
    source_id: str
    billing_period: str
    status: str  # succeeded | skipped
    raw_line_items: int
    rows_loaded: int


def list_periods(source: str, *, source_format: str = "auto") -> list[PeriodFiles]:
    """The billing periods a source holds, without loading anything."""
    return discover(Path(source).expanduser(), source_format=source_format).periods


def ingest_billing(
    source: str,
    *,
    source_format: str = "auto",
    billing_period: str | None = None,
    run_id: str | None = None,
    settings: Settings | None = None,
    progress: Progress | None = None,
) -> list[PeriodOutcome]:
    """Load every billing period of ``source`` (or only ``billing_period``) into the warehouse.

    A period whose files are unchanged since its last successful load is skipped.
    """
    settings = settings or get_settings()
    periods = list_periods(source, source_format=source_format)
    if billing_period is not None:
        periods = [p for p in periods if p.billing_period in (billing_period, "")]
        if not periods:
            raise IngestError(f"{source}: no files for billing period {billing_period}")
    run_id = run_id or uuid.uuid4().hex
    url = libpq_url(ensure_database(settings, WAREHOUSE_DB))
    outcomes: list[PeriodOutcome] = []
    with psycopg.connect(url, options="-c timezone=UTC") as conn:
        for period in periods:
            outcome = _ingest_period(conn, period, run_id=run_id, settings=settings)
            outcomes.append(outcome)
            if progress is not None:
                progress(outcome.billing_period, outcome.raw_line_items)
    return outcomes


def _fingerprint(period: PeriodFiles) -> list[dict[str, object]]:
    entries: list[dict[str, object]] = []
    for path in (*period.files, *([period.manifest] if period.manifest else [])):
        stat = path.stat()
        entries.append({"path": str(path), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns})
    return entries


def _ingest_period(
    conn: psycopg.Connection[tuple[object, ...]],
    period: PeriodFiles,
    *,
    run_id: str,
    settings: Settings,
) -> PeriodOutcome:
    files = _fingerprint(period)
    period_start = (
        date.fromisoformat(f"{period.billing_period}-01") if period.billing_period else None
    )
    if period_start is not None and _unchanged(conn, period, period_start, files):
        log.info(
            "billing.skip_unchanged",
            source_id=period.source_id,
            billing_period=period.billing_period,
        )
        return PeriodOutcome(period.source_id, period.billing_period, "skipped", 0, 0)

    work_dir = Path(tempfile.mkdtemp(prefix="billing-", dir=_work_root(settings)))
    log_id: int | None = None
    try:
        result = transform_period(period, work_dir=work_dir)
        if not result.totals:
            raise IngestError(f"{', '.join(map(str, period.files))}: no line items")
        starts = {t.billing_period_start for t in result.totals}
        if len(starts) != 1:
            raise IngestError(
                f"{period.files[0]}: holds several billing periods ({', '.join(sorted(starts))}); "
                "pass --billing-period or split the file"
            )
        period_start = date.fromisoformat(starts.pop())
        log_id = _log_start(conn, period, period_start, files, run_id)
        loaded = replace_slice(
            conn,
            source_id=period.source_id,
            source_format=period.source_format,
            billing_period=period_start,
            csv_path=result.csv_path,
            expected=result.totals,
        )
        _log_finish(
            conn,
            log_id,
            status="succeeded",
            raw=result.raw_line_items,
            rows=loaded.rows_loaded,
            totals=totals_json(loaded.totals),
        )
        _audit(conn, run_id, period, period_start, result.raw_line_items, loaded.rows_loaded)
        INGEST_ROWS.labels(period.source_format).inc(result.raw_line_items)
        log.info(
            "billing.loaded",
            source_id=period.source_id,
            billing_period=f"{period_start:%Y-%m}",
            raw_line_items=result.raw_line_items,
            rows_loaded=loaded.rows_loaded,
        )
        return PeriodOutcome(
            period.source_id,
            f"{period_start:%Y-%m}",
            "succeeded",
            result.raw_line_items,
            loaded.rows_loaded,
        )
    except IngestError as exc:
        if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            conn.rollback()
        if log_id is None and period_start is not None:
            log_id = _log_start(conn, period, period_start, files, run_id)
        if log_id is not None:
            _log_finish(conn, log_id, status="failed", error=str(exc))
        raise
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)


def _work_root(settings: Settings) -> Path:
    root = settings.cache_path / "work"
    root.mkdir(parents=True, exist_ok=True)
    return root


def _unchanged(
    conn: psycopg.Connection[tuple[object, ...]],
    period: PeriodFiles,
    period_start: date,
    files: list[dict[str, object]],
) -> bool:
    row = conn.execute(
        "SELECT status, files FROM finops.ingest_log WHERE source_id = %s AND billing_period = %s "
        "AND status <> 'running' ORDER BY id DESC LIMIT 1",
        (period.source_id, period_start),
    ).fetchone()
    conn.commit()
    return row is not None and row[0] == "succeeded" and row[1] == files


def _log_start(
    conn: psycopg.Connection[tuple[object, ...]],
    period: PeriodFiles,
    period_start: date,
    files: list[dict[str, object]],
    run_id: str,
) -> int:
    row = conn.execute(
        "INSERT INTO finops.ingest_log (run_id, source_id, source_format, billing_period, "
        "status, files) VALUES (%s, %s, %s, %s, 'running', %s) RETURNING id",
        (run_id, period.source_id, period.source_format, period_start, json.dumps(files)),
    ).fetchone()
    conn.commit()
    assert row is not None
    return int(str(row[0]))


def _log_finish(
    conn: psycopg.Connection[tuple[object, ...]],
    log_id: int,
    *,
    status: str,
    raw: int | None = None,
    rows: int | None = None,
    totals: str | None = None,
    error: str | None = None,
) -> None:
    conn.execute(
        """
        UPDATE finops.ingest_log SET status = %s, raw_line_items = %s, rows_loaded = %s,
          billing_currency = (SELECT string_agg(DISTINCT t->>'billing_currency', ',')
                              FROM jsonb_array_elements(%s::jsonb) t),
          billed_cost = (SELECT sum((t->>'billed_cost')::numeric)
                         FROM jsonb_array_elements(%s::jsonb) t),
          effective_cost = (SELECT sum((t->>'effective_cost')::numeric)
                            FROM jsonb_array_elements(%s::jsonb) t),
          list_cost = (SELECT sum((t->>'list_cost')::numeric)
                       FROM jsonb_array_elements(%s::jsonb) t),
          finished_at = clock_timestamp(), error = %s
        WHERE id = %s
        """,
        (
            status,
            raw,
            rows,
            totals or "[]",
            totals or "[]",
            totals or "[]",
            totals or "[]",
            error,
            log_id,
        ),
    )
    conn.commit()


def _audit(
    conn: psycopg.Connection[tuple[object, ...]],
    run_id: str,
    period: PeriodFiles,
    period_start: date,
    raw: int,
    rows: int,
) -> None:
    conn.execute(
        "INSERT INTO finops.audit_log (actor, action, subject, run_id, details) "
        "VALUES ('ingest', 'billing.replace_slice', %s, %s, %s)",
        (
            f"{period.source_id}/{period_start:%Y-%m}",
            run_id,
            json.dumps(
                {
                    "raw_line_items": raw,
                    "rows_loaded": rows,
                    "files": [str(p) for p in period.files],
                }
            ),
        ),
    )
    conn.commit()
