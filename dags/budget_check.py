"""budget_check: actual and forecast cost of every budget's period; alerts once per crossing.

Runs after every cost_forecast run (itself after every billing load), as of the run date
resolved once per run (the ``run_date`` param, else the latest charge day). Forecast
thresholds use the cost_forecast job's stored forecast for the same run date when there is
one, else a moving-average forecast with month-start fees; notifications go out by webhook and
email with retries and are recorded in notification_log.

Before the check, the ``write_insights`` task writes the weekly and monthly spend summaries of
every scope as of the same day (finops.insights, docs/assistant.md), so a budget notification
carries its scope's summary of the day.
"""

from __future__ import annotations

from datetime import timedelta

from _dag_shared import (
    FORECASTS_ASSET,
    analytics_dag_args,
    resolve_run_date,
    run_date_params,
    run_job,
)
from airflow.sdk import dag, task


@dag(
    dag_id="budget_check",
    description="Budgets: actual and forecast per period, threshold alerts, notifications",
    schedule=[FORECASTS_ASSET],  # after cost_forecast, so the day's stored forecast is there
    tags=["finops", "analytics", "budgets"],
    **analytics_dag_args(timedelta(seconds=30)),
    params=run_date_params(),
    doc_md=__doc__,
)
def budget_check() -> None:
    @task
    def write_insights(run_date: str) -> dict[str, object]:
        return run_job("insights", run_date)

    @task(trigger_rule="all_done")  # a failed summary never holds back the budget alerts
    def check_budgets(run_date: str) -> dict[str, object]:
        return run_job("budgets", run_date)

    run_date = resolve_run_date()
    write_insights(run_date) >> check_budgets(run_date)


budget_check()
