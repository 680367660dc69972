"""budget_check: actual and forecast cost of every budget's period; alerts once per crossing.

Runs after every cost_forecast run (itself after every billing load). Forecast thresholds use
the cost_forecast job's stored forecast for the same run date when there is one, else a
moving-average forecast with month-start fees;
notifications go out by webhook and email with retries and are recorded in notification_log.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import Asset, Param, dag, get_current_context, task

FORECASTS_ASSET = Asset(name="finops_forecasts", uri="finops://warehouse/forecasts")


@dag(
    dag_id="budget_check",
    description="Budgets: actual and forecast per period, threshold alerts, notifications",
    schedule=[FORECASTS_ASSET],  # after cost_forecast, so the day's stored forecast is there
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["finops", "analytics", "budgets"],
    default_args={"retries": 2, "retry_delay": timedelta(seconds=30), "owner": "finops"},
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
def budget_check() -> None:
    @task
    def check_budgets() -> dict[str, object]:
        from datetime import date

        from finops.analytics.cli import latest_charge_day, run_budgets
        from finops.jobs.ledger import JobSkipped

        context = get_current_context()
        params = context["params"]
        run_date = (
            date.fromisoformat(params["run_date"])
            if params.get("run_date")
            else latest_charge_day()
        )
        run, _ = run_budgets(
            run_date=run_date, run_id=str(context["run_id"]), force=bool(params.get("force"))
        )
        if isinstance(run, JobSkipped):
            return {"run_date": run_date.isoformat(), "skipped": run.reason}
        return {
            "run_date": run_date.isoformat(),
            "budgets": len(run.statuses),
            "new_alerts": sum(len(s.new_alerts) for s in run.statuses),
            "deliveries_failed": sum(
                1 for s in run.statuses for d in s.deliveries if d.status == "failed"
            ),
        }

    check_budgets()


budget_check()
