"""cost_forecast: forecast daily cost per scope (total, account, service) after every billing load.

Each scope's model is chosen by a rolling-origin backtest (MASE); 180 days with 80%/95%
intervals and month-end / quarter-end projections are stored for the run date (resolved once
per run: the ``run_date`` param, else the latest charge day). Skipped when the bill has not
changed since the last run for that day; publishes ``finops_forecasts`` (which runs
budget_check) either way.
"""

from __future__ import annotations

from datetime import timedelta

from _dag_shared import (
    COSTS_ASSET,
    FORECASTS_ASSET,
    analytics_dag_args,
    resolve_run_date,
    run_date_params,
    run_job,
)
from airflow.sdk import dag, task


@dag(
    dag_id="cost_forecast",
    description="Backtested forecasts of daily cost per scope (Prophet, ETS, ARIMA, baselines)",
    schedule=[COSTS_ASSET],
    tags=["finops", "analytics", "forecasting"],
    **analytics_dag_args(timedelta(minutes=1)),
    params=run_date_params(),
    doc_md=__doc__,
)
def cost_forecast() -> None:
    @task(outlets=[FORECASTS_ASSET], execution_timeout=timedelta(hours=1))
    def forecast_costs(run_date: str) -> dict[str, object]:
        return run_job("forecasts", run_date)

    forecast_costs(resolve_run_date())


cost_forecast()
