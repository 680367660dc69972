"""cost_forecast: forecast daily cost per scope (total, account, service) after every billing load.

Each scope's model is chosen by a rolling-origin backtest (MASE); 180 days with 80%/95%
intervals and month-end / quarter-end projections are stored for the run date. Skipped when
the bill has not changed since the last run for that day; publishes ``finops_forecasts``
(which runs budget_check) either way.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import Asset, Param, dag, get_current_context, task

COSTS_ASSET = Asset(name="finops_costs", uri="finops://warehouse/costs")
FORECASTS_ASSET = Asset(name="finops_forecasts", uri="finops://warehouse/forecasts")


@dag(
    dag_id="cost_forecast",
    description="Backtested forecasts of daily cost per scope (Prophet, ETS, ARIMA, baselines)",
    schedule=[COSTS_ASSET],
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["finops", "analytics", "forecasting"],
    default_args={"retries": 2, "retry_delay": timedelta(minutes=1), "owner": "finops"},
    params={
        "run_date": Param(
            None,
            type=["null", "string"],
            description="YYYY-MM-DD; default: the latest charge day in the warehouse",
        ),
        "force": Param(False, type="boolean", description="recompute though nothing changed"),
    },
    doc_md=__doc__,
)
def cost_forecast() -> None:
    @task(outlets=[FORECASTS_ASSET], execution_timeout=timedelta(hours=1))
    def forecast_costs() -> dict[str, object]:
        from datetime import date

        from finops.analytics.cli import latest_charge_day, run_forecasts_job
        from finops.jobs.ledger import JobSkipped

        context = get_current_context()
        params = context["params"]
        run_date = (
            date.fromisoformat(params["run_date"])
            if params.get("run_date")
            else latest_charge_day()
        )
        run, _ = run_forecasts_job(
            run_date=run_date, run_id=str(context["run_id"]), force=bool(params.get("force"))
        )
        if isinstance(run, JobSkipped):
            return {"run_date": run_date.isoformat(), "skipped": run.reason}
        return {
            "run_date": run_date.isoformat(),
            "scopes": len(run.forecasts),
            "skipped": len(run.skipped),
        }

    forecast_costs()


cost_forecast()
