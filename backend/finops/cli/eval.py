"""``finops eval``: score the platform against generated ground truth, beside baselines; and
``finops detect``: the anomaly detector on any time series in a CSV file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from finops.cli.common import (
    AsOfOption,
    day,
    err_console,
    fail,
    markdown_job,
    run_job,
    setup_logging,
    upgrade_warehouse,
)
from finops.config import get_settings
from finops.errors import FinOpsError

eval_app = typer.Typer(
    help="Score the platform against the demo estate's ground truth.", no_args_is_help=True
)
detect_app = typer.Typer(help="Run a detector on a file.", no_args_is_help=True)

EstateOption = Annotated[Path | None, typer.Option(help="a generated estate; default: generate")]


@detect_app.command("anomalies")
def detect_anomalies_command(
    csv_file: Annotated[Path, typer.Option("--csv", help="a CSV time series")],
    timestamp_column: Annotated[str | None, typer.Option(help="default: the first column")] = None,
    value_column: Annotated[str | None, typer.Option(help="default: the first numeric")] = None,
) -> None:
    """Print the anomalies the platform's detector finds in any regular time series."""
    from finops.analytics.anomalies.csv_series import detect_csv

    setup_logging()
    try:
        _, report = detect_csv(
            csv_file, timestamp_column=timestamp_column, value_column=value_column
        )
    except FinOpsError as exc:
        raise fail(exc) from exc
    sys.stdout.write(report.rstrip() + "\n")


@eval_app.command("anomalies")
def eval_anomalies_command(
    estate: EstateOption = None,
    seed: Annotated[int, typer.Option(help="generator seed of the evaluation estate")] = 42,
    extra_anomalies: Annotated[
        int, typer.Option(min=0, help="anomalies planted beyond the demo estate's four")
    ] = 24,
    dataset: Annotated[
        Path | None,
        typer.Option(
            help="a directory of labelled CSV series (TimeStamp, Value, Label), e.g. the "
            "cloud-monitoring dataset: score event by event on it instead of the estate"
        ),
    ] = None,
    series_glob: Annotated[
        list[str] | None,
        typer.Option(
            help="with --dataset: only the series whose path under it matches (fnmatch; "
            "repeatable), e.g. 'application-crash-rate-*/*'"
        ),
    ] = None,
) -> None:
    """Precision, recall, F1, delay and root cause against planted anomalies (with --dataset:
    event by event on labelled real series), beside baselines."""
    from finops.orchestration import evaluation as runs

    if series_glob and dataset is None:
        raise fail(FinOpsError("--series-glob selects series of --dataset: give --dataset DIR"))
    if dataset is not None:
        setup_logging()
        err_console.print(f"scoring every detector on every series under {dataset} …")
        try:
            _, report = runs.eval_dataset(dataset, series_glob=series_glob or ())
        except FinOpsError as exc:
            raise fail(exc) from exc
        sys.stdout.write(report.rstrip() + "\n")
        return

    err_console.print("generating/loading the evaluation estate and scoring (a few minutes) …")
    markdown_job(
        lambda: runs.eval_anomalies(estate_dir=estate, seed=seed, extra_anomalies=extra_anomalies)
    )


@eval_app.command("forecasts")
def eval_forecasts_command(
    estate: EstateOption = None,
    horizons: Annotated[str, typer.Option(help="comma list of horizons in days")] = "30",
    seed: Annotated[int, typer.Option(help="generator seed of the evaluation estate")] = 42,
) -> None:
    """MASE, sMAPE and interval coverage by rolling origin, beside seasonal naive and Prophet."""
    from finops.orchestration import evaluation as runs

    try:
        chosen = tuple(int(h) for h in horizons.split(",") if h.strip())
    except ValueError:
        raise fail(FinOpsError(f"--horizons {horizons!r}: expected days, e.g. 30,90,180")) from None
    if not chosen or any(h < 1 for h in chosen):
        raise fail(FinOpsError(f"--horizons {horizons!r}: expected positive days"))
    err_console.print("generating/loading the evaluation estate and scoring (a few minutes) …")
    markdown_job(lambda: runs.eval_forecasts(estate_dir=estate, horizons=chosen, seed=seed))


def _seeds(option: str, text: str) -> tuple[int, ...]:
    try:
        seeds = tuple(int(s) for s in text.split(",") if s.strip())
    except ValueError:
        raise fail(FinOpsError(f"{option} {text!r}: expected seeds, e.g. 7,42")) from None
    if not seeds:
        raise fail(FinOpsError(f"{option} {text!r}: expected at least one seed"))
    return seeds


@eval_app.command("forecast-intervals")
def eval_forecast_intervals_command(
    fit_seeds: Annotated[
        str, typer.Option(help="comma list of generator seeds to fit the band scales on")
    ] = "7,42,101,102",
    holdout_seeds: Annotated[
        str, typer.Option(help="comma list of other seeds to report the coverage on")
    ] = "11,201,202",
) -> None:
    """Fit the forecast interval's band scales (conformal, pooled over every series) on some
    estates and report the 80%/95% coverage at 30/90/180 days on held-out ones."""
    from finops.orchestration.forecast_calibration import calibrate_intervals

    fit, held = _seeds("--fit-seeds", fit_seeds), _seeds("--holdout-seeds", holdout_seeds)
    err_console.print(
        "forecasting every estate not forecast before (minutes per seed; cached under "
        "FINOPS_HOME/forecast-paths) …"
    )
    markdown_job(lambda: calibrate_intervals(fit_seeds=fit, holdout_seeds=held))


@eval_app.command("optimization")
def eval_optimization_command(
    ground_truth: Annotated[
        Path | None, typer.Option(help="ground_truth.json; default: the demo estate's")
    ] = None,
    date_: AsOfOption = None,
) -> None:
    """Precision, recall and savings error per finding type against the ground truth."""
    from finops.orchestration import evaluation as runs

    truth = ground_truth or get_settings().demo_estate_path / "ground_truth.json"
    result = run_job(
        lambda: runs.eval_optimization(truth, as_of=day(date_)), runs.optimization_lines
    )
    if not result.passed:
        raise typer.Exit(code=1)


@eval_app.command("savings")
def eval_savings_command(
    warehouse: Annotated[
        bool,
        typer.Option(
            help="score the actions executed in the configured warehouse on --estate (the "
            "demo's loop) instead of the evaluation scenario on its own database"
        ),
    ] = False,
    estate: EstateOption = None,
    owner_change: Annotated[
        list[str] | None,
        typer.Option(help="with --warehouse: PROPOSAL:KIND[:N] (see finops generate)"),
    ] = None,
    work_dir: Annotated[
        Path | None, typer.Option(help="where the estates are written; default: FINOPS_HOME")
    ] = None,
) -> None:
    """Realized savings of the savings tracker against the generator's ground truth, beside
    the naive baseline (estimated savings taken as realized)."""
    from finops.generator.loop.actions import parse_owner_change
    from finops.orchestration import savings_loop

    setup_logging()
    err_console.print("billing the next period with the executed actions and scoring …")
    try:
        upgrade_warehouse()
        evaluation, report = savings_loop.eval_savings(
            work_dir=work_dir,
            warehouse=warehouse,
            estate_dir=estate,
            owner_changes=[parse_owner_change(text) for text in owner_change or []],
        )
    except FinOpsError as exc:
        raise fail(exc) from exc
    sys.stdout.write(report.rstrip() + "\n")
    if not evaluation.passed:
        raise typer.Exit(code=1)
