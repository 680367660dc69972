"""anomaly_detection: find cost anomalies after every billing load.

Runs when the billing Asset is updated; the run date is the latest charge day in the warehouse
(data, never the clock), and the run rewrites the incidents of its interval. A run whose bill
has not changed since the last run for that day is skipped (finops.job_runs says why).
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import Asset, Param, dag, get_current_context, task

COSTS_ASSET = Asset(name="finops_costs", uri="finops://warehouse/costs")
ANOMALIES_ASSET = Asset(name="finops_anomalies", uri="finops://warehouse/anomalies")


@dag(
    dag_id="anomaly_detection",
    description="Daily cost series per scope -> robust detector -> deduplicated incidents",
    schedule=[COSTS_ASSET],
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["finops", "analytics", "anomalies"],
    default_args={"retries": 2, "retry_delay": timedelta(seconds=30), "owner": "finops"},
    params={
        "run_date": Param(
            None,
            type=["null", "string"],
            description="YYYY-MM-DD; default: the latest charge day in the warehouse",
        ),
        "report_days": Param(14, type="integer", minimum=1),
        "force": Param(False, type="boolean", description="recompute though nothing changed"),
    },
    doc_md=__doc__,
)
def anomaly_detection() -> None:
    @task(outlets=[ANOMALIES_ASSET])
    def detect_anomalies() -> dict[str, object]:
        from datetime import date

        from finops.analytics.cli import latest_charge_day, run_anomalies
        from finops.jobs.ledger import JobSkipped

        context = get_current_context()
        params = context["params"]
        run_date = (
            date.fromisoformat(params["run_date"])
            if params.get("run_date")
            else latest_charge_day()
        )
        run, _ = run_anomalies(
            run_date=run_date,
            report_days=int(params["report_days"]),
            run_id=str(context["run_id"]),
            force=bool(params.get("force")),
        )
        if isinstance(run, JobSkipped):
            return {"run_date": run_date.isoformat(), "skipped": run.reason}
        return {
            "run_date": run_date.isoformat(),
            "incidents": len(run.incidents),
            "removed": run.removed,
        }

    detect_anomalies()


anomaly_detection()
