"""Scoring runs behind ``finops eval``: the evaluation estate (the demo estate, with more
planted anomalies, loaded into its own database), and the anomaly, forecast and optimization
scores against its ground truth, beside baselines, each with a ready-to-print table."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from itertools import pairwise
from pathlib import Path

import numpy as np

from finops.analytics.cube import load_cube
from finops.analytics.evaluation.anomalies import DetectorScore, evaluate_anomalies
from finops.analytics.evaluation.forecasts import ForecastEvaluation, evaluate_forecasts
from finops.analytics.evaluation.labelled import (
    DATASET_DETECTORS,
    DatasetScore,
    evaluate_dataset,
    load_dataset,
)
from finops.analytics.forecasting.backtest import ForecastParams
from finops.analytics.optimization.evaluation import Evaluation, evaluate, load_ground_truth
from finops.config import Settings, get_settings
from finops.db.engine import get_engine
from finops.markdown import table

EVAL_DATABASE = "finops_eval"


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
    from finops.analytics.cube import DEFAULT_TAG_KEYS
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


def eval_dataset(
    directory: Path, *, series_glob: Sequence[str] = ()
) -> tuple[list[DatasetScore], str]:
    """The platform's telemetry detector and the baselines on a labelled data set (only the
    series matching ``series_glob``, when given)."""
    series = load_dataset(directory, series_glob=series_glob)
    scores = evaluate_dataset(series, DATASET_DETECTORS)
    return scores, dataset_table(scores)


def dataset_table(scores: list[DatasetScore]) -> str:
    rows = [
        [
            s.detector,
            f"{s.precision:.3f}",
            f"{s.recall:.3f}",
            f"{s.f1:.3f}",
            f"{s.hit}/{s.windows}",
            s.alerts,
            s.false_alarms,
            f"{s.unlabelled_false_per_week:.2f}",
            f"{s.worst_unlabelled_per_week:.2f}",
        ]
        for s in scores
    ]
    headers = ["detector", "precision", "recall", "F1", "windows hit", "alerts"]
    headers += ["false alarms", "false/series-week (unlabelled)", "worst unlabelled series/week"]
    return table(headers, rows)


def eval_forecasts(
    *,
    estate_dir: Path | None = None,
    settings: Settings | None = None,
    horizons: tuple[int, ...] = (30,),
    seed: int = 42,
) -> tuple[list[ForecastEvaluation], str]:
    _, cube = demo_estate_cube(estate_dir=estate_dir, settings=settings, seed=seed)
    evaluations = [evaluate_forecasts(cube, horizon=h) for h in horizons]  # type: ignore[arg-type]
    return evaluations, forecast_table(evaluations) + "\n\n" + band_table(evaluations)


def band_table(evaluations: list[ForecastEvaluation]) -> str:
    """The platform's 80% interval by band of horizon steps, pooled over every evaluation:
    coverage, and the factor on the interval's width that would have covered 80% (the 80th
    percentile of |actual − forecast| / half-width) — how the band scales are calibrated."""
    bands = ForecastParams().interval_bands
    edges = [(1, bands[0])] + [(a + 1, b) for a, b in pairwise(bands)]
    edges.append((bands[-1] + 1, max(ev.horizon for ev in evaluations)))
    rows = []
    for first, last in edges:
        errors = np.concatenate(
            [s.band(first, last) for ev in evaluations for s in ev.scores if s.name == "platform"]
        )
        if errors.size:
            coverage, factor = float(np.mean(errors <= 1.0)), float(np.quantile(errors, 0.8))
            rows.append([f"{first}–{last}", errors.size, f"{coverage:.3f}", f"{factor:.3f}"])
    headers = ["horizon steps (platform)", "points", "80% coverage", "width factor for 80%"]
    return table(headers, rows)


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


def eval_optimization(
    ground_truth: Path,
    *,
    as_of: date | None = None,
    run_jobs: bool = True,
    settings: Settings | None = None,
) -> Evaluation:
    """``finops eval optimization [--ground-truth FILE] [--date D]``: run the findings jobs as
    of ``as_of`` (default: the latest charge day; unless ``run_jobs`` is False), then score the
    open findings against the ground truth."""
    from finops.analytics.allocation.tagging import load_tag_policy
    from finops.analytics.commitments.jobs import run_commitments_job
    from finops.analytics.optimization import warehouse as wh
    from finops.analytics.optimization.jobs import (
        run_rightsizing_job,
        run_tagging_job,
        run_waste_job,
    )

    settings = settings or get_settings()
    truth = load_ground_truth(ground_truth)
    if run_jobs:
        with get_engine(settings).connect() as conn:
            day = as_of or wh.latest_charge_day(conn)
        run_rightsizing_job(as_of=day, settings=settings)
        run_waste_job(as_of=day, settings=settings)
        run_tagging_job(as_of=day, settings=settings, policy=load_tag_policy())
        run_commitments_job(as_of=day, settings=settings)
    with get_engine(settings).connect() as conn:
        return evaluate(conn, truth)


def optimization_lines(result: Evaluation) -> list[str]:
    """The optimization evaluation per finding type, and every finding on a healthy
    resource."""
    lines = [f"optimization eval: {'PASS' if result.passed else 'FAIL'}"]
    for s in result.scores:
        err = "-" if s.max_savings_error is None else f"{s.max_savings_error:.2%}"
        lines.append(
            f"  {s.finding_type:30} expected {s.expected:2} found {s.found:2} "
            f"precision {s.precision:.2f} recall {s.recall:.2f} max savings error {err}"
        )
    lines += [f"  finding on a healthy resource: {h}" for h in result.healthy_flagged]
    return lines
