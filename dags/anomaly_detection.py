"""anomaly_detection: find cost anomalies after every billing load.

Runs when the billing Asset is updated; the run date is resolved once per run (the
``run_date`` param, else the latest charge day in the warehouse: data, never the clock) and
the run rewrites the incidents of its interval. A run whose bill has not changed since the last
run for that day is skipped (finops.job_runs says why).
"""

from __future__ import annotations

from datetime import timedelta

from _dag_shared import (
    ANOMALIES_ASSET,
    COSTS_ASSET,
    analytics_dag_args,
    resolve_run_date,
    run_date_params,
    run_job,
)
from airflow.sdk import Param, dag, task


@dag(
    dag_id="anomaly_detection",
    description="Daily cost series per scope -> robust detector -> deduplicated incidents",
    schedule=[COSTS_ASSET],
    tags=["finops", "analytics", "anomalies"],
    **analytics_dag_args(timedelta(seconds=30)),
    params={**run_date_params(), "report_days": Param(14, type="integer", minimum=1)},
    doc_md=__doc__,
)
def anomaly_detection() -> None:
    @task(outlets=[ANOMALIES_ASSET])
    def detect_anomalies(run_date: str) -> dict[str, object]:
        return run_job("anomalies", run_date)

    detect_anomalies(resolve_run_date())


anomaly_detection()
