"""Ingest billing: find the units, transform in DuckDB, load and reconcile in PostgreSQL."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import psycopg
import structlog

from finops.config import Settings, get_settings
from finops.db.engine import app_url, libpq_url
from finops.errors import FinOpsError, IngestError
from finops.ingest.billing.identity import identify, resolve
from finops.ingest.billing.ingest_log import (
    audit_load,
    fingerprint,
    finish_succeeded,
    last_source,
    log_finish,
    log_start,
    release,
    sweep_abandoned,
    unchanged,
)
from finops.ingest.billing.load import LoadResult, replace_slice
from finops.ingest.billing.sources import PeriodFiles, discover
from finops.ingest.billing.transform import PreparedUnit, prepare_unit
from finops.observability import INGEST_ROWS

if TYPE_CHECKING:
    from finops.ingest.aws import BaseSession

log = structlog.get_logger(__name__)

Progress = Callable[[str, int], None]  # (billing period(s), raw line items just loaded)
Connection = psycopg.Connection[tuple[object, ...]]


@dataclass(frozen=True)
class PeriodOutcome:
    source_id: str
    billing_period: str  # YYYY-MM, or several joined by ','
    status: str  # succeeded | skipped | failed
    raw_line_items: int
    rows_loaded: int
    error: str | None = None
    quality_issues: int = 0  # data-quality rules broken (see quality.py)


class IngestFailures(IngestError):
    """Some units of a run failed; the others loaded. ``outcomes`` has every unit's result."""

    def __init__(self, message: str, outcomes: list[PeriodOutcome]) -> None:
        super().__init__(message)
        self.outcomes = outcomes


def resolve_source(source: str, *, settings: Settings, base: BaseSession | None = None) -> Path:
    """A local path for ``source``: itself, or the local mirror of an ``s3://`` prefix (read
    with ``base``, the caller's AWS session, when given)."""
    if source.startswith("s3://"):
        from finops.ingest.billing.s3 import mirror_prefix

        return mirror_prefix(source, settings=settings, base=base)
    return Path(source).expanduser()


def list_periods(
    source: str,
    *,
    source_format: str = "auto",
    settings: Settings | None = None,
    only_changed: bool = False,
    grain: str = "daily",
    base: BaseSession | None = None,
) -> list[PeriodFiles]:
    """The load units a source holds, without loading anything; with ``only_changed``, only
    those a load would not skip (files differ from the last successful load at ``grain``)."""
    settings = settings or get_settings()
    with _work_dir(settings) as work_dir:
        units = discover(
            resolve_source(source, settings=settings, base=base),
            source_format=source_format,
            work_dir=work_dir,
            origin=source if source.startswith("s3://") else None,
        )
        if not only_changed:
            return units
        url = libpq_url(app_url(settings))
        with psycopg.connect(url, options="-c timezone=UTC") as conn:
            return [u for u in units if not unchanged(conn, u, fingerprint(u, grain), None)]


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
    unit_key: str | None = None,
    source_name: str | None = None,
    supersede: bool = False,
    grain: str = "daily",
    run_id: str | None = None,
    settings: Settings | None = None,
    progress: Progress | None = None,
    base: BaseSession | None = None,
) -> list[PeriodOutcome]:
    """Load every billing period of ``source`` (or only ``billing_period``, or one unit).

    Each unit (an export's billing period, or a set of FOCUS files) replaces its slices in one
    transaction and must reconcile exactly; a unit whose files are unchanged since its last
    successful load is skipped. ``source_name`` names the source the files load into (default:
    the source their identity belongs to, see identity.py); ``supersede`` lets this load
    replace the overlapping rows of other sources instead of being refused.

    A unit that fails is recorded as failed and the others still load; the run then raises
    ``IngestFailures`` naming every failure. ``base``: the AWS session an ``s3://`` source is
    read with (the DAG's Airflow connection); None: the default chain.
    """
    settings = settings or get_settings()
    run_id = run_id or uuid.uuid4().hex
    local = resolve_source(source, settings=settings, base=base)
    url = libpq_url(app_url(settings))
    outcomes: list[PeriodOutcome] = []
    errors: list[FinOpsError] = []
    with _work_dir(settings) as work_dir, psycopg.connect(url, options="-c timezone=UTC") as conn:
        origin = source if source.startswith("s3://") else None
        units = discover(local, source_format=source_format, work_dir=work_dir, origin=origin)
        if unit_key is not None:
            units = [u for u in units if u.unit_key == unit_key]
        if billing_period is not None:
            units = [u for u in units if u.billing_period in (billing_period, "")]
            if not units:
                raise IngestError(f"{source}: no files for billing period {billing_period}")
        for index, unit in enumerate(units):
            outcome, error = _ingest_unit(
                conn,
                unit,
                run_id=run_id,
                grain=grain,
                only_period=billing_period,
                source_name=source_name,
                supersede=supersede,
                work_dir=work_dir / f"unit-{index}",
            )
            outcomes.append(outcome)
            if error is not None:
                errors.append(error)
            if progress is not None:
                progress(outcome.billing_period, outcome.raw_line_items)
    if len(errors) == 1 and len(outcomes) == 1:
        raise errors[0]  # the one unit's own error, of its own type (OverlapError, …)
    if errors:
        raise IngestFailures(
            f"{len(errors)} of {len(outcomes)} load units failed (the others loaded): "
            + "; ".join(str(e) for e in errors),
            outcomes,
        )
    return outcomes


def _ingest_unit(
    conn: Connection,
    unit: PeriodFiles,
    *,
    run_id: str,
    grain: str,
    only_period: str | None,
    source_name: str | None,
    supersede: bool,
    work_dir: Path,
) -> tuple[PeriodOutcome, FinOpsError | None]:
    """Load one unit; a failure is logged and returned (the run goes on with other units)."""
    files = fingerprint(unit, grain)
    label = unit.billing_period or only_period or "(from data)"
    last = last_source(conn, unit)
    if source_name in (None, last) and unchanged(conn, unit, files, only_period):
        log.info("billing.skip_unchanged", unit=unit.unit_key, billing_period=label)
        return PeriodOutcome(last or unit.default_name, label, "skipped", 0, 0), None
    sweep_abandoned(conn)
    log_ids: list[int] = []
    source_id = source_name or last or unit.default_name
    try:
        if unit.problem is not None:
            raise IngestError(unit.problem)
        with prepare_unit(
            unit,
            work_dir=work_dir,
            grain=grain,
            only_period=None if unit.billing_period else only_period,
        ) as prepared:
            periods = [date.fromisoformat(p) for p in prepared.periods]
            identity = identify(unit, parties=prepared.parties)
            source_id = resolve(conn, identity, requested=source_name, register=False)
            conn.commit()
            log_ids = [log_start(conn, unit, source_id, p, files, run_id) for p in periods]

            def bookkeeping(loaded: LoadResult) -> None:
                registered = resolve(conn, identity, requested=source_name)
                if registered != source_id:
                    raise IngestError(
                        f"{unit.default_name}: source name changed during the load "
                        f"({source_id} -> {registered}); run it again"
                    )
                finish_succeeded(conn, log_ids, periods, loaded, prepared.quality)
                audit_load(conn, run_id, source_id, unit, periods, prepared.raw_line_items, loaded)

            prepared.source_id = source_id
            loaded = replace_slice(
                conn,
                source_id=source_id,
                source_format=unit.source_format,
                billing_periods=periods,
                months=prepared.months,
                rows=prepared,
                expected=prepared.totals,
                supersede=supersede,
                before_commit=bookkeeping,
            )
        release(conn, log_ids)
        return _succeeded(source_id, periods, prepared.raw_line_items, loaded, prepared), None
    except Exception as exc:  # recorded as failed in the ingest log, then reported
        error = _as_ingest_error(exc, unit, label)
        _record_failure(
            conn,
            unit,
            error,
            log_ids=log_ids,
            source_id=source_id,
            files=files,
            run_id=run_id,
            label=label,
        )
        if not isinstance(exc, FinOpsError | psycopg.Error | duckdb.Error | OSError):
            raise  # a defect of ours, not of the input: keep its traceback
        return PeriodOutcome(source_id, label, "failed", 0, 0, error=str(error)), error


def _succeeded(
    source_id: str, periods: list[date], raw: int, loaded: LoadResult, prepared: PreparedUnit
) -> PeriodOutcome:
    INGEST_ROWS.labels(prepared.source_format).inc(raw)
    label = ",".join(f"{p:%Y-%m}" for p in periods)
    log.info(
        "billing.loaded",
        source_id=source_id,
        billing_period=label,
        raw_line_items=raw,
        rows_loaded=loaded.rows_loaded,
        quality_issues=len(prepared.quality),
        superseded=len(loaded.superseded),
    )
    return PeriodOutcome(
        source_id, label, "succeeded", raw, loaded.rows_loaded, quality_issues=len(prepared.quality)
    )


def _record_failure(
    conn: Connection,
    unit: PeriodFiles,
    error: FinOpsError,
    *,
    log_ids: list[int],
    source_id: str,
    files: list[dict[str, object]],
    run_id: str,
    label: str,
) -> None:
    """Roll the load back and log it as failed (a log row of its own when none was started)."""
    if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        conn.rollback()
    if not log_ids:
        start = date.fromisoformat(f"{unit.billing_period}-01") if unit.billing_period else None
        log_ids = [log_start(conn, unit, source_id, start, files, run_id)]
    for log_id in log_ids:
        log_finish(conn, log_id, status="failed", error=str(error))
    conn.commit()
    release(conn, log_ids)
    log.error("billing.failed", unit=unit.unit_key, billing_period=label, error=str(error))


def _as_ingest_error(exc: BaseException, unit: PeriodFiles, label: str) -> FinOpsError:
    """Any failure inside a load as an error naming the files, the period and the column."""
    if isinstance(exc, FinOpsError):
        return exc
    names = ", ".join(str(p) for p in unit.paths[:3]) + (
        f" (+{len(unit.paths) - 3} more)" if len(unit.paths) > 3 else ""
    )
    if isinstance(exc, psycopg.Error):
        diag = exc.diag
        column = f", column {diag.column_name}" if diag.column_name else ""
        detail = diag.message_primary or str(exc).splitlines()[0]
        return IngestError(
            f"{names}: billing period {label}{column}: the warehouse refused the rows: {detail}"
        )
    return IngestError(f"{names}: billing period {label}: {exc}")
