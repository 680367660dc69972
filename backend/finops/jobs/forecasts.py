"""The forecast job: daily cost per scope (model chosen by rolling-origin backtest)."""

from __future__ import annotations

from datetime import date

from finops.analytics.forecasting.backtest import ForecastParams
from finops.analytics.forecasting.job import ForecastRun, run_forecasts
from finops.config import Settings, get_settings
from finops.jobs.ledger import JobSkipped, run_unless_unchanged
from finops.jobs.outcome import report_unless_skipped
from finops.markdown import table

JOB = "forecasts"
HEADERS = [
    "scope kind",
    "scope",
    "model",
    "backtest MASE",
    "month to date",
    "month end",
    "month end 80%",
    "quarter end",
]


def run_forecasts_job(
    *,
    run_date: date,
    settings: Settings | None = None,
    force: bool = False,
    run_id: str | None = None,
) -> ForecastRun | JobSkipped:
    """Forecasts as of ``run_date``, skipped when the bill has not changed since its last run
    for that day."""
    settings = settings or get_settings()
    return run_unless_unchanged(
        JOB,
        as_of=run_date,
        compute=lambda job_run_id: run_forecasts(
            run_date=run_date, settings=settings, run_id=job_run_id
        ),
        force=force,
        run_id=run_id,
        settings=settings,
    )


@report_unless_skipped
def report(run: ForecastRun) -> str:
    """The month- and quarter-end projections per scope, and why scopes have none."""
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
    return table(HEADERS, rows) + _skipped_forecasts(run)


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


def summary(run: ForecastRun) -> dict[str, object]:
    """What a DAG task returns: counts (a skipped run: ``ScheduledJob.summary``)."""
    return {"scopes": len(run.forecasts), "skipped": len(run.skipped)}
