"""The job-run ledger: skip an analytics job whose inputs have not changed since its last
successful run for the same as-of day, and record every run (succeeded, skipped, failed).

A job's inputs are named (``billing``, ``usage``, ``inventory``, ``budgets``, ``findings``,
``forecasts``, ``remediation``, ``anomalies``); each name reads a small summary of the
warehouse state the job depends on (e.g. the latest successful load of every billing period),
never the data itself, so the check costs milliseconds. The fingerprint is the SHA-256 of those
summaries, the job's parameters and the schema revision. ``force`` recomputes regardless.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TypeVar

import structlog
from sqlalchemy import Connection, Engine, TextClause, text

from finops.config import Settings, get_settings
from finops.db.engine import get_engine
from finops.errors import FinOpsError

log = structlog.get_logger(__name__)

T = TypeVar("T")

# What each input name reads: a compact, ordered summary that changes whenever the data a job
# would read changes (a new load of a billing period, a usage or inventory load, a budget
# edited, a findings job rerun, a forecast rerun for the day).
INPUT_STATE: dict[str, TextClause] = {
    "billing": text(
        "SELECT source_id, billing_period::text, max(id) FROM finops.ingest_log "
        "WHERE status = 'succeeded' GROUP BY source_id, billing_period "
        "ORDER BY source_id, billing_period"
    ),
    "usage": text(
        "SELECT count(*), max(id) FROM finops.usage_ingest_log "
        "WHERE kind = 'usage' AND status = 'succeeded'"
    ),
    "inventory": text(
        "SELECT count(*), max(id) FROM finops.usage_ingest_log "
        "WHERE kind = 'inventory' AND status = 'succeeded'"
    ),
    "budgets": text(
        "SELECT id, name, scope_kind, scope::text, period, amount::text, currency, cost_metric, "
        "thresholds::text, channels::text FROM finops.budget_definitions ORDER BY id"
    ),
    "findings": text(
        "SELECT job, as_of::text, run_id FROM finops.finding_runs ORDER BY job, as_of"
    ),
    "forecasts": text(
        "SELECT scope_key, cost_metric, run_id FROM finops.forecast_runs "
        "WHERE run_date = :as_of ORDER BY scope_key, cost_metric"
    ),
    "remediation": text("SELECT count(*), max(id) FROM finops.remediation_steps"),
    "anomalies": text(
        "SELECT count(*), md5(coalesce(string_agg(fingerprint || status || first_day::text "
        "|| last_day::text || last_run_date::text || run_id, ',' ORDER BY fingerprint), '')) "
        "FROM finops.anomaly_incidents"
    ),
    "savings": text(
        "SELECT count(*), max(measured_at)::text, max(run_id) FROM finops.savings_measurements"
    ),
}
SCHEMA_REVISION = text("SELECT version_num FROM public.alembic_version")
JOB_LOCK = text("SELECT pg_advisory_lock(hashtext('finops.job_runs'), hashtext(:job || :as_of))")
JOB_UNLOCK = text(
    "SELECT pg_advisory_unlock(hashtext('finops.job_runs'), hashtext(:job || :as_of))"
)

# The inputs of every ledgered job (kpis read the findings' savings; budgets the day's forecast)
JOB_INPUTS: dict[str, tuple[str, ...]] = {
    "anomalies": ("billing",),
    "usage_anomalies": ("billing", "usage", "inventory", "anomalies"),
    "forecasts": ("billing",),
    "budgets": ("billing", "budgets", "forecasts"),
    "rightsizing": ("billing", "usage", "inventory"),
    "waste": ("billing", "usage", "inventory"),
    "commitments": ("billing",),
    "allocation": ("billing", "inventory"),
    "kpis": ("billing", "findings"),
    "savings": ("billing", "findings", "remediation"),
    "insights": (
        "billing",
        "budgets",
        "forecasts",
        "findings",
        "inventory",
        "anomalies",
        "savings",
    ),
}


@dataclass(frozen=True, slots=True)
class JobSkipped:
    """A job not run because its inputs are those of its last successful run for the day."""

    job: str
    as_of: date
    fingerprint: str
    reason: str
    run_id: str


def input_fingerprint(
    conn: Connection, *, job: str, as_of: date, parameters: Mapping[str, object]
) -> tuple[str, dict[str, object]]:
    """(fingerprint, the input summaries it hashes) of ``job`` as of ``as_of``."""
    try:
        names = JOB_INPUTS[job]
    except KeyError:
        known = ", ".join(sorted(JOB_INPUTS))
        raise FinOpsError(f"job {job!r} has no declared inputs (known: {known})") from None
    summaries: dict[str, object] = {}
    for name in names:
        rows = conn.execute(INPUT_STATE[name], {"as_of": as_of}).all()
        summaries[name] = [[_plain(v) for v in row] for row in rows]
    summaries["schema"] = conn.execute(SCHEMA_REVISION).scalar_one_or_none()
    payload = json.dumps(
        {"job": job, "as_of": as_of.isoformat(), "inputs": summaries, "parameters": parameters},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest(), summaries


def _plain(value: object) -> object:
    return value if isinstance(value, int | str | float | type(None)) else str(value)


def _last_success(
    conn: Connection, *, job: str, as_of: date, parameters: Mapping[str, object]
) -> tuple[str, str, datetime] | None:
    """The latest successful run of ``job`` for ``as_of`` with the same parameters (a daily
    14-day anomaly run and the demo's whole-history one each compare with their own kind)."""
    row = conn.execute(
        text(
            "SELECT input_fingerprint, run_id, finished_at FROM finops.job_runs "
            "WHERE job = :job AND as_of = :as_of AND status = 'succeeded' "
            "AND parameters = CAST(:parameters AS jsonb) ORDER BY id DESC LIMIT 1"
        ),
        {"job": job, "as_of": as_of, "parameters": _parameters_json(parameters)},
    ).first()
    return None if row is None else (str(row[0]), str(row[1]), row[2])


def _parameters_json(parameters: Mapping[str, object]) -> str:
    return json.dumps(parameters, sort_keys=True, default=str)


@dataclass(frozen=True, slots=True)
class _Attempt:
    job: str
    as_of: date
    fingerprint: str
    inputs: Mapping[str, object]
    parameters: Mapping[str, object]
    run_id: str
    started_at: datetime


def _record(engine: Engine, attempt: _Attempt, *, status: str, reason: str | None) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO finops.job_runs (job, as_of, input_fingerprint, inputs, "
                "parameters, status, reason, run_id, started_at) VALUES (:job, :as_of, :fp, "
                "CAST(:inputs AS jsonb), CAST(:parameters AS jsonb), :status, :reason, :run_id, "
                ":started_at)"
            ),
            {
                "job": attempt.job,
                "as_of": attempt.as_of,
                "fp": attempt.fingerprint,
                "inputs": json.dumps(attempt.inputs, default=str),
                "parameters": _parameters_json(attempt.parameters),
                "status": status,
                "reason": reason,
                "run_id": attempt.run_id,
                "started_at": attempt.started_at,
            },
        )


def run_unless_unchanged(
    job: str,
    *,
    as_of: date,
    compute: Callable[[str], T],
    parameters: Mapping[str, object] | None = None,
    force: bool = False,
    run_id: str | None = None,
    settings: Settings | None = None,
) -> T | JobSkipped:
    """Run ``compute(run_id)`` unless ``job``'s inputs for ``as_of`` are those of its last
    successful run with the same parameters (then record and return a :class:`JobSkipped`);
    ``force`` always runs.

    The fingerprint is taken before the run: inputs that change while it runs make the next
    run recompute."""
    engine = get_engine(settings or get_settings())
    params = dict(parameters or {})
    run_id = run_id or uuid.uuid4().hex
    started_at = datetime.now(UTC)  # bookkeeping only; the job itself never reads the clock
    # one run of a job for a day at a time, across processes (the demo and an asset-triggered
    # DAG run may start together): the second waits, then finds the first's inputs and skips
    with engine.connect() as lock:
        lock.execute(JOB_LOCK, {"job": job, "as_of": as_of.isoformat()})
        lock.commit()
        try:
            return _run_locked(
                engine,
                job=job,
                as_of=as_of,
                params=params,
                compute=compute,
                force=force,
                run_id=run_id,
                started_at=started_at,
            )
        finally:
            lock.execute(JOB_UNLOCK, {"job": job, "as_of": as_of.isoformat()})
            lock.commit()


def _run_locked(
    engine: Engine,
    *,
    job: str,
    as_of: date,
    params: dict[str, object],
    compute: Callable[[str], T],
    force: bool,
    run_id: str,
    started_at: datetime,
) -> T | JobSkipped:
    with engine.connect() as conn:
        fingerprint, inputs = input_fingerprint(conn, job=job, as_of=as_of, parameters=params)
        last = _last_success(conn, job=job, as_of=as_of, parameters=params)
    attempt = _Attempt(job, as_of, fingerprint, inputs, params, run_id, started_at)
    if last is not None and last[0] == fingerprint and not force:
        reason = (
            f"inputs unchanged since run {last[1]} of {last[2]:%Y-%m-%d %H:%M:%S %Z} "
            f"({', '.join(JOB_INPUTS[job])}, same parameters); --force recomputes"
        )
        _record(engine, attempt, status="skipped", reason=reason)
        log.info("job.skipped", job=job, as_of=as_of.isoformat(), reason=reason, run_id=run_id)
        return JobSkipped(job, as_of, fingerprint, reason, run_id)
    try:
        result = compute(run_id)
    except Exception as exc:  # recorded, then raised unchanged
        _record(engine, attempt, status="failed", reason=str(exc)[:2000])
        raise
    reason = "forced" if force else ("first run" if last is None else "inputs changed")
    _record(engine, attempt, status="succeeded", reason=reason)
    log.info("job.succeeded", job=job, as_of=as_of.isoformat(), reason=reason, run_id=run_id)
    return result


def skipped_line(skipped: JobSkipped) -> str:
    return f"{skipped.job} as of {skipped.as_of}: skipped, {skipped.reason}"
