"""Plain functions behind ``finops run|detect|eval`` (the Typer wiring lives in finops.cli).

Each returns data and a ready-to-print text table; none reads the clock: without ``run_date``
a job runs as of the latest charge day in the warehouse.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import numpy as np

from finops.analytics.anomalies.detector import DetectorParams, detect
from finops.analytics.anomalies.job import AnomalyRun, run_anomaly_detection
from finops.analytics.anomalies.warehouse import data_bounds, load_cube
from finops.analytics.budgets.job import BudgetRun, run_budget_check
from finops.analytics.evaluation.anomalies import DetectorScore, evaluate_anomalies
from finops.analytics.evaluation.forecasts import ForecastEvaluation, evaluate_forecasts
from finops.analytics.forecasting.backtest import ForecastParams
from finops.analytics.forecasting.job import ForecastRun, run_forecasts
from finops.config import Settings, get_settings
from finops.db.engine import get_engine
from finops.errors import FinOpsError
from finops.jobs.ledger import JobSkipped, run_unless_unchanged, skipped_line

EVAL_DATABASE = "finops_eval"


def latest_charge_day(settings: Settings | None = None) -> date:
    with get_engine(settings or get_settings()).connect() as conn:
        bounds = data_bounds(conn)
    if bounds is None:
        raise FinOpsError("the warehouse has no cost data: run `finops ingest billing` first")
    return bounds[1]


def table(headers: list[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table (also readable as plain text)."""
    cells = [[str(c) for c in r] for r in rows]
    widths = [
        max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)
    ]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |"
    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    body = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in cells
    ]
    return "\n".join([line, rule, *body])


# ---- finops run anomalies|forecasts|budgets [--date D] ---------------------------------------


def run_anomalies(
    *,
    run_date: date | None = None,
    report_days: int = 14,
    settings: Settings | None = None,
    force: bool = False,
    run_id: str | None = None,
) -> tuple[AnomalyRun | JobSkipped, str]:
    """Anomaly detection as of ``run_date`` (default: the latest charge day), skipped when the
    bill has not changed since its last run for that day with the same ``report_days``."""
    settings = settings or get_settings()
    day = run_date or latest_charge_day(settings)
    run = run_unless_unchanged(
        "anomalies",
        as_of=day,
        parameters={"report_days": report_days},
        compute=lambda job_run_id: run_anomaly_detection(
            run_date=day, report_days=report_days, settings=settings, run_id=job_run_id
        ),
        force=force,
        run_id=run_id,
        settings=settings,
    )
    if isinstance(run, JobSkipped):
        return run, skipped_line(run)
    rows = [
        [
            i.first_day,
            i.last_day,
            i.kind,
            i.cause,
            i.scope_kind,
            ", ".join(f"{k}={v}" for k, v in i.scope.items()) or "all",
            i.actual,
            i.expected,
            i.impact,
            i.severity,
            f"{i.top_cause.dimension}={i.top_cause.value}" if i.top_cause else "",
        ]
        for i in run.incidents
    ]
    return run, table(
        [
            "first",
            "last",
            "kind",
            "cause",
            "scope kind",
            "scope",
            "actual",
            "expected",
            "impact",
            "severity",
            "top root cause",
        ],
        rows,
    )


def run_forecasts_job(
    *,
    run_date: date | None = None,
    settings: Settings | None = None,
    force: bool = False,
    run_id: str | None = None,
) -> tuple[ForecastRun | JobSkipped, str]:
    """Forecasts as of ``run_date``, skipped when the bill has not changed since its last run
    for that day."""
    settings = settings or get_settings()
    day = run_date or latest_charge_day(settings)
    run = run_unless_unchanged(
        "forecasts",
        as_of=day,
        compute=lambda job_run_id: run_forecasts(
            run_date=day, settings=settings, run_id=job_run_id
        ),
        force=force,
        run_id=run_id,
        settings=settings,
    )
    if isinstance(run, JobSkipped):
        return run, skipped_line(run)
    rows = [
        [
            f.scope_kind,
            ", ".join(f"{k}={v}" for k, v in f.scope.items()) or "all",
            f.result.choice.label,
            round(f.result.choice.mase, 3),
            f.month.to_date,
            f.month.projection,
            f"{f.month.lower80}..{f.month.upper80}",
            f.quarter.projection,
        ]
        for f in run.forecasts
    ]
    text = table(
        [
            "scope kind",
            "scope",
            "model",
            "backtest MASE",
            "month to date",
            "month end",
            "month end 80%",
            "quarter end",
        ],
        rows,
    )
    return run, text + _skipped_forecasts(run)


def _skipped_forecasts(run: ForecastRun) -> str:
    """Why scopes have no forecast (an empty table otherwise says nothing)."""
    if not run.skipped and run.forecasts:
        return ""
    params = ForecastParams()
    need = params.min_history + params.backtest_horizon
    lines = [
        "",
        f"{len(run.skipped)} scope(s) have no forecast as of {run.run_date}: every scope needs at "
        f"least {need} days of cost history ({params.min_history} days before its first backtest "
        f"plus the {params.backtest_horizon}-day backtest horizon).",
    ]
    if not run.skipped:
        lines.append(f"No cost was found on or before {run.run_date}.")
    for kind, scope, reason in run.skipped[:20]:
        label = ", ".join(f"{k}={v}" for k, v in scope.items()) or "all"
        lines.append(f"- {kind} {label}: {reason}")
    if len(run.skipped) > 20:
        lines.append(f"- … and {len(run.skipped) - 20} more")
    return "\n".join(lines) + "\n"


def run_budgets(
    *,
    run_date: date | None = None,
    settings: Settings | None = None,
    force: bool = False,
    run_id: str | None = None,
) -> tuple[BudgetRun | JobSkipped, str]:
    """The budget check as of ``run_date``, skipped when neither the bill, the budgets nor the
    day's forecasts have changed since its last run for that day."""
    settings = settings or get_settings()
    day = run_date or latest_charge_day(settings)
    run = run_unless_unchanged(
        "budgets",
        as_of=day,
        compute=lambda job_run_id: run_budget_check(
            run_date=day, settings=settings, run_id=job_run_id
        ),
        force=force,
        run_id=run_id,
        settings=settings,
    )
    if isinstance(run, JobSkipped):
        return run, skipped_line(run)
    rows = [
        [
            s.budget.name,
            s.budget.period,
            s.period_start,
            s.budget.amount,
            s.actual,
            f"{s.percent('actual')}%",
            s.forecast,
            f"{s.percent('forecast')}%",
            ", ".join(f"{t.kind}>={t.percent}%" for t in s.new_alerts),
            ", ".join(f"{d.channel}:{d.status}" for d in s.deliveries),
        ]
        for s in run.statuses
    ]
    return run, table(
        [
            "budget",
            "period",
            "start",
            "amount",
            "actual",
            "actual %",
            "forecast",
            "forecast %",
            "new alerts",
            "deliveries",
        ],
        rows,
    )


# ---- finops detect anomalies --csv FILE ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CsvAnomaly:
    start: str
    end: str
    kind: str
    actual: float
    expected: float
    impact: float
    peak_score: float


def _parse_time(value: str) -> datetime:
    text = value.strip().replace("Z", "+00:00")
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%d/%m/%Y %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise FinOpsError(f"cannot read {value!r} as a timestamp")


def read_series_csv(
    path: Path, *, timestamp_column: str | None = None, value_column: str | None = None
) -> tuple[list[datetime], np.ndarray, timedelta]:
    """A regular series from a CSV: timestamps on the inferred grid, missing points as NaN."""
    try:
        with path.open(newline="") as handle:
            reader = csv.DictReader(handle)
            columns = list(reader.fieldnames or [])
            rows = list(reader)
    except OSError as exc:
        raise FinOpsError(f"cannot read {path}: {exc}") from exc
    if not rows:
        raise FinOpsError(f"{path} has no data rows")
    ts_col = timestamp_column or next(
        (c for c in columns if any(k in c.lower() for k in ("time", "date", "ds"))), columns[0]
    )
    val_col = value_column or next(
        (c for c in columns if c.lower() in ("value", "y", "cost")), columns[-1]
    )
    for name in (ts_col, val_col):
        if name not in columns:
            raise FinOpsError(f"{path}: no column {name!r} (columns: {', '.join(columns)})")
    points: dict[datetime, float] = {}
    for line, row in enumerate(rows, start=2):
        try:
            points[_parse_time(row[ts_col])] = float(row[val_col])
        except (ValueError, FinOpsError) as exc:
            raise FinOpsError(f"{path}, line {line}, column {val_col!r}/{ts_col!r}: {exc}") from exc
    stamps = sorted(points)
    if len(stamps) < 3:
        raise FinOpsError(f"{path}: at least 3 points are needed, got {len(stamps)}")
    step = timedelta(
        seconds=float(np.median([(b - a).total_seconds() for a, b in pairwise(stamps)]))
    )
    if step.total_seconds() <= 0:
        raise FinOpsError(f"{path}: timestamps in column {ts_col!r} do not advance")
    count = int((stamps[-1] - stamps[0]) / step) + 1
    grid = [stamps[0] + k * step for k in range(count)]
    values = np.full(count, np.nan)
    for t, v in points.items():
        values[round((t - stamps[0]) / step)] = v
    return grid, values, step


def params_for_step(step: timedelta) -> DetectorParams:
    """Daily data: a weekly cycle; sub-daily data: a daily cycle, windows of four days."""
    seconds = step.total_seconds()
    if seconds >= 86_400:
        return DetectorParams()
    season = max(2, round(86_400 / seconds))
    return DetectorParams(
        season_length=season,
        window=4 * season,
        min_history=season,
        drift_window=2 * season,
        drift_check_every=max(1, season // 4),
        shift_confirm=max(7, season // 8),
        max_gap=max(3, season // 48),
        refit_every=max(1, season // 24),
        min_abs_impact=0.0,
    )


def detect_csv(
    path: Path,
    *,
    timestamp_column: str | None = None,
    value_column: str | None = None,
    params: DetectorParams | None = None,
) -> tuple[list[CsvAnomaly], str]:
    grid, values, step = read_series_csv(
        path, timestamp_column=timestamp_column, value_column=value_column
    )
    detection = detect(values, params=params or params_for_step(step))
    found = [
        CsvAnomaly(
            start=grid[w.start].isoformat(),
            end=grid[w.end].isoformat(),
            kind=w.kind,
            actual=round(w.actual, 6),
            expected=round(w.expected, 6),
            impact=round(w.impact, 6),
            peak_score=round(w.peak_score, 3) if not np.isnan(w.peak_score) else float("nan"),
        )
        for w in detection.windows
    ]
    return found, table(
        ["start", "end", "kind", "actual", "expected", "impact", "peak z"],
        [[a.start, a.end, a.kind, a.actual, a.expected, a.impact, a.peak_score] for a in found],
    )


# ---- finops eval anomalies|forecasts ---------------------------------------------------------


def _eval_settings(settings: Settings, database: str = EVAL_DATABASE) -> Settings:
    from finops.db.engine import ensure_database

    url = ensure_database(settings, database)
    return Settings(home=settings.home, environment=settings.environment, database_url=url)


# planted on top of the demo estate's four for the anomaly evaluation (a F1 over four cases
# says little); their own random stream leaves the rest of the estate unchanged
EVAL_EXTRA_ANOMALIES = 24
# the cost each job reads: anomalies on usage cost (the job's default), forecasts on billed cost
ANOMALY_METRIC = "usage_cost"


def demo_estate_cube(
    *,
    estate_dir: Path | None = None,
    settings: Settings | None = None,
    extra_anomalies: int = 0,
    seed: int = 42,
    metric: str = "billed_cost",
) -> tuple[Path, object]:
    """Generate (or reuse) the demo estate (with ``extra_anomalies`` more planted anomalies),
    load it into its evaluation database and return (ground truth path, cost cube over the
    whole range)."""
    import json

    from finops.analytics.anomalies.cube import DEFAULT_TAG_KEYS
    from finops.db.migrate import upgrade
    from finops.generator import GenerateOptions, generate
    from finops.ingest.billing import ingest_billing

    settings = settings or get_settings()
    suffix = (f"-seed{seed}" if seed != 42 else "") + (
        f"-anomalies{extra_anomalies}" if extra_anomalies else ""
    )
    options = GenerateOptions(
        out_dir=estate_dir or settings.home / f"eval-estate{suffix}",
        extra_anomalies=extra_anomalies,
        seed=seed,
    )
    truth = options.out_dir / "ground_truth.json"
    made_with = None
    if truth.exists():
        generator = json.loads(truth.read_text())["generator"]
        made_with = (generator["seed"], generator.get("extra_anomalies", 0))
    if made_with is None or (estate_dir is None and made_with != (seed, extra_anomalies)):
        generate(options)
    eval_settings = _eval_settings(settings, EVAL_DATABASE + suffix.replace("-", "_"))
    engine = get_engine(eval_settings)
    upgrade(engine)
    ingest_billing(str(options.out_dir / "cur2"), settings=eval_settings)
    with engine.connect() as conn:
        cube = load_cube(
            conn, start=options.start, end=options.end, metric=metric, tag_keys=DEFAULT_TAG_KEYS
        )
    return truth, cube


def eval_anomalies(
    *,
    estate_dir: Path | None = None,
    settings: Settings | None = None,
    seed: int = 42,
    extra_anomalies: int = EVAL_EXTRA_ANOMALIES,
) -> tuple[list[DetectorScore], str]:
    ground_truth, cube = demo_estate_cube(
        estate_dir=estate_dir,
        settings=settings,
        extra_anomalies=extra_anomalies,
        seed=seed,
        metric=ANOMALY_METRIC,
    )
    scores = evaluate_anomalies(cube, ground_truth)  # type: ignore[arg-type]
    return scores, anomaly_table(scores)


def anomaly_table(scores: list[DetectorScore]) -> str:
    rows = [
        [
            s.name,
            f"{s.precision:.2f}",
            f"{s.recall:.2f}",
            f"{s.f1:.2f}",
            f"{s.detected}/{s.positives}",
            s.alerts,
            s.false_alerts,
            f"{s.false_alerts_per_scope_90d:.4f}",
            "-" if s.median_delay is None else f"{s.median_delay:g}",
            f"{s.root_cause_accuracy:.2f}",
            "yes" if s.capacity_step_flagged else "no",
        ]
        for s in scores
    ]
    return table(
        [
            "detector",
            "precision",
            "recall",
            "F1",
            "detected",
            "alerts",
            "false alerts",
            "false/scope/90d",
            "median delay (d)",
            "root cause top-1",
            "capacity step flagged",
        ],
        rows,
    )


def eval_forecasts(
    *,
    estate_dir: Path | None = None,
    settings: Settings | None = None,
    horizons: tuple[int, ...] = (30,),
) -> tuple[list[ForecastEvaluation], str]:
    _, cube = demo_estate_cube(estate_dir=estate_dir, settings=settings)
    evaluations = [evaluate_forecasts(cube, horizon=h) for h in horizons]  # type: ignore[arg-type]
    return evaluations, forecast_table(evaluations)


def forecast_table(evaluations: list[ForecastEvaluation]) -> str:
    rows = []
    for ev in evaluations:
        naive = next(s for s in ev.scores if s.name == "seasonal naive")
        prophet = next(s for s in ev.scores if s.name.startswith("Prophet"))
        for s in ev.scores:
            rows.append(
                [
                    ev.horizon,
                    s.name,
                    f"{s.mean_mase:.3f}",
                    f"{s.mean_mase / naive.mean_mase:.2f}",
                    f"{s.mean_smape:.2f}",
                    f"{1 - s.mean_smape / prophet.mean_smape:+.0%}",
                    "-" if s.coverage80 is None else f"{s.coverage80:.2f}",
                    "-" if s.coverage95 is None else f"{s.coverage95:.2f}",
                    len(s.mase),
                ]
            )
    return table(
        [
            "horizon (d)",
            "model",
            "MASE",
            "MASE / naive",
            "sMAPE %",
            "sMAPE below Prophet",
            "80% coverage",
            "95% coverage",
            "forecasts",
        ],
        rows,
    )


def cleanup_eval_estate(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def temporary_estate_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="finops-eval-"))
