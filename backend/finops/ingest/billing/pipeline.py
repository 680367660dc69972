"""Ingest billing: find the units, transform in DuckDB, load and reconcile in PostgreSQL."""

from __future__ import annotations

import json
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import psycopg
import structlog

from finops.config import Settings, get_settings
from finops.db.engine import WAREHOUSE_DB, ensure_database, libpq_url
from finops.errors import IngestError
from finops.ingest.billing.load import replace_slice
from finops.ingest.billing.sources import PeriodFiles, discover
from finops.ingest.billing.transform import SliceTotals, prepare_unit
from finops.observability import INGEST_ROWS

log = structlog.get_logger(__name__)

Progress = Callable[[str, int], None]  # (billing period(s), raw line items just loaded)
Connection = psycopg.Connection[tuple[object, ...]]


@dataclass(frozen=True)
class PeriodOutcome:
    source_id: str
    billing_period: str  # YYYY-MM, or several joined by ','
    status: str  # succeeded | skipped
    raw_line_items: int
    rows_loaded: int


def resolve_source(source: str, *, settings: Settings) -> Path:
    """A local path for ``source``: itself, or the local mirror of an ``s3://`` prefix."""
    if source.startswith("s3://"):
        from finops.ingest.billing.s3 import mirror_prefix

        return mirror_prefix(source, settings=settings)
    return Path(source).expanduser()


def list_periods(
    source: str,
    *,
    source_format: str = "auto",
    settings: Settings | None = None,
    only_changed: bool = False,
    grain: str = "daily",
) -> list[PeriodFiles]:
    """The load units a source holds, without loading anything; with ``only_changed``, only
    those a load would not skip (files differ from the last successful load at ``grain``)."""
    settings = settings or get_settings()
    with _work_dir(settings) as work_dir:
        units = discover(
            resolve_source(source, settings=settings),
            source_format=source_format,
            work_dir=work_dir,
        )
        if not only_changed:
            return units
        url = libpq_url(ensure_database(settings, WAREHOUSE_DB))
        with psycopg.connect(url, options="-c timezone=UTC") as conn:
            return [u for u in units if not _unchanged(conn, u, _fingerprint(u, grain), None)]


@contextmanager
def _work_dir(settings: Settings) -> Iterator[Path]:
    """A scratch folder under the cache (DuckDB spill files, COPY files, unzipped exports)."""
    root = settings.cache_path / "work"
    root.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix="billing-", dir=root))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def ingest_billing(
    source: str,
    *,
    source_format: str = "auto",
    billing_period: str | None = None,
    source_id: str | None = None,
    grain: str = "daily",
    run_id: str | None = None,
    settings: Settings | None = None,
    progress: Progress | None = None,
) -> list[PeriodOutcome]:
    """Load every billing period of ``source`` (or only ``billing_period`` of ``source_id``).

    Each unit (an export's billing period, or a set of FOCUS files) replaces its slices in one
    transaction and must reconcile exactly; a unit whose files are unchanged since its last
    successful load is skipped.
    """
    settings = settings or get_settings()
    run_id = run_id or uuid.uuid4().hex
    local = resolve_source(source, settings=settings)
    url = libpq_url(ensure_database(settings, WAREHOUSE_DB))
    outcomes: list[PeriodOutcome] = []
    with _work_dir(settings) as work_dir, psycopg.connect(url, options="-c timezone=UTC") as conn:
        units = discover(local, source_format=source_format, work_dir=work_dir)
        if source_id is not None:
            units = [u for u in units if u.source_id == source_id]
        if billing_period is not None:
            units = [u for u in units if u.billing_period in (billing_period, "")]
            if not units:
                raise IngestError(f"{source}: no files for billing period {billing_period}")
        for index, unit in enumerate(units):
            outcome = _ingest_unit(
                conn,
                unit,
                run_id=run_id,
                grain=grain,
                only_period=billing_period,
                work_dir=work_dir / f"unit-{index}",
            )
            outcomes.append(outcome)
            if progress is not None:
                progress(outcome.billing_period, outcome.raw_line_items)
    return outcomes


def _fingerprint(unit: PeriodFiles, grain: str) -> list[dict[str, object]]:
    entries: list[dict[str, object]] = [{"grain": grain}]
    for path in (*unit.paths, *([unit.manifest] if unit.manifest else [])):
        stat = path.stat()
        entries.append({"path": str(path), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns})
    return entries


def _ingest_unit(
    conn: Connection,
    unit: PeriodFiles,
    *,
    run_id: str,
    grain: str,
    only_period: str | None,
    work_dir: Path,
) -> PeriodOutcome:
    files = _fingerprint(unit, grain)
    label = unit.billing_period or only_period or "(from data)"
    if _unchanged(conn, unit, files, only_period):
        log.info("billing.skip_unchanged", source_id=unit.source_id, billing_period=label)
        return PeriodOutcome(unit.source_id, label, "skipped", 0, 0)
    log_ids: list[int] = []
    try:
        with prepare_unit(
            unit,
            work_dir=work_dir,
            grain=grain,
            only_period=None if unit.billing_period else only_period,
        ) as prepared:
            periods = [date.fromisoformat(p) for p in prepared.periods]
            log_ids = [_log_start(conn, unit, p, files, run_id) for p in periods]
            loaded = replace_slice(
                conn,
                source_id=unit.source_id,
                source_format=unit.source_format,
                billing_periods=periods,
                months=prepared.months,
                rows=prepared.stream_rows,
                expected=prepared.totals,
            )
        raw_line_items = prepared.raw_line_items
        for log_id, period in zip(log_ids, periods, strict=True):
            mine = [t for t in loaded.totals if t.billing_period_start == period.isoformat()]
            _log_finish(
                conn,
                log_id,
                status="succeeded",
                raw=sum(t.raw_line_items for t in mine),
                totals=mine,
            )
        _audit(conn, run_id, unit, periods, raw_line_items, loaded.rows_loaded)
        INGEST_ROWS.labels(unit.source_format).inc(raw_line_items)
        label = ",".join(f"{p:%Y-%m}" for p in periods)
        log.info(
            "billing.loaded",
            source_id=unit.source_id,
            billing_period=label,
            raw_line_items=raw_line_items,
            rows_loaded=loaded.rows_loaded,
        )
        return PeriodOutcome(unit.source_id, label, "succeeded", raw_line_items, loaded.rows_loaded)
    except Exception as exc:  # recorded as failed in the ingest log, then raised
        if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            conn.rollback()
        if not log_ids and unit.billing_period:
            start = date.fromisoformat(f"{unit.billing_period}-01")
            log_ids = [_log_start(conn, unit, start, files, run_id)]
        for log_id in log_ids:
            _log_finish(conn, log_id, status="failed", error=str(exc))
        raise


def _unchanged(
    conn: Connection, unit: PeriodFiles, files: list[dict[str, object]], only_period: str | None
) -> bool:
    """True when the latest finished load of every slice of this unit succeeded on these files."""
    period = unit.billing_period or only_period
    rows = conn.execute(
        """
        SELECT DISTINCT ON (billing_period) status, files FROM finops.ingest_log
        WHERE source_id = %s AND status <> 'running'
          AND (%s::date IS NULL OR billing_period = %s::date)
        ORDER BY billing_period, id DESC
        """,
        (unit.source_id, f"{period}-01" if period else None, f"{period}-01" if period else None),
    ).fetchall()
    conn.commit()
    return bool(rows) and all(r[0] == "succeeded" and r[1] == files for r in rows)


def _log_start(
    conn: Connection,
    unit: PeriodFiles,
    period_start: date,
    files: list[dict[str, object]],
    run_id: str,
) -> int:
    # a row left 'running' by a killed process is marked as such, so the log stays true
    conn.execute(
        "UPDATE finops.ingest_log SET status = 'failed', finished_at = clock_timestamp(), "
        "error = 'abandoned: the loading process died before finishing' "
        "WHERE source_id = %s AND billing_period = %s AND status = 'running' "
        "AND started_at < clock_timestamp() - interval '6 hours'",
        (unit.source_id, period_start),
    )
    row = conn.execute(
        "INSERT INTO finops.ingest_log (run_id, source_id, source_format, billing_period, "
        "status, files) VALUES (%s, %s, %s, %s, 'running', %s) RETURNING id",
        (run_id, unit.source_id, unit.source_format, period_start, json.dumps(files)),
    ).fetchone()
    conn.commit()
    assert row is not None
    return int(str(row[0]))


def _log_finish(
    conn: Connection,
    log_id: int,
    *,
    status: str,
    raw: int | None = None,
    totals: list[SliceTotals] | None = None,
    error: str | None = None,
) -> None:
    totals = totals or []
    conn.execute(
        """
        UPDATE finops.ingest_log SET status = %s, raw_line_items = %s,
          rows_loaded = (SELECT count(*) FROM finops.cost_line_items c
                         WHERE c.x_source_id = ingest_log.source_id
                           AND c.billing_period_start = ingest_log.billing_period),
          billing_currency = %s, billed_cost = %s, effective_cost = %s, list_cost = %s,
          finished_at = clock_timestamp(), error = %s
        WHERE id = %s
        """,
        (
            status,
            raw,
            ",".join(t.billing_currency for t in totals) or None,
            sum(t.billed_cost for t in totals) if totals else None,
            sum(t.effective_cost for t in totals) if totals else None,
            sum(t.list_cost for t in totals) if totals else None,
            error,
            log_id,
        ),
    )
    conn.commit()


def _audit(
    conn: Connection, run_id: str, unit: PeriodFiles, periods: list[date], raw: int, rows: int
) -> None:
    conn.execute(
        "INSERT INTO finops.audit_log (actor, action, subject, run_id, details) "
        "VALUES ('ingest', 'billing.replace_slice', %s, %s, %s)",
        (
            f"{unit.source_id}/{','.join(f'{p:%Y-%m}' for p in periods)}",
            run_id,
            json.dumps(
                {"raw_line_items": raw, "rows_loaded": rows, "files": [str(p) for p in unit.paths]}
            ),
        ),
    )
    conn.commit()
