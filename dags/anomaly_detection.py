"""anomaly_detection: find cost anomalies after every billing load, then usage anomalies (the
utilization CloudWatch ingests) joined to the cost anomalies they explain.

Runs when the billing or the utilization Asset is updated (the daily usage ingest publishes
the latter); the run date is resolved once per run (the
``run_date`` param, else the latest charge day in the warehouse: data, never the clock) and
the run rewrites the incidents of its interval. A job whose inputs have not changed since its
last run for that day is skipped (finops.job_runs says why): a utilization load alone skips the
cost anomalies and reruns the usage anomalies.
"""

from __future__ import annotations

from datetime import timedelta

from _dag_shared import (
    ANOMALIES_ASSET,
    COSTS_ASSET,
    UTILIZATION_ASSET,
    analytics_dag_args,
    resolve_run_date,
    run_date_params,
    run_job,
)
from airflow.sdk import Param, dag, task


@dag(
    dag_id="anomaly_detection",
    description="Daily cost series per scope -> robust detector -> deduplicated incidents; "
    "usage incidents per resource metric joined to them",
    schedule=COSTS_ASSET | UTILIZATION_ASSET,
    tags=["finops", "analytics", "anomalies"],
    **analytics_dag_args(timedelta(seconds=30)),
    params={**run_date_params(), "report_days": Param(14, type="integer", minimum=1)},
    doc_md=__doc__,
)
def anomaly_detection() -> None:
    @task
    def detect_anomalies(run_date: str) -> dict[str, object]:
        return run_job("anomalies", run_date)

    @task(outlets=[ANOMALIES_ASSET])
    def detect_usage_anomalies(run_date: str) -> dict[str, object]:
        return run_job("usage_anomalies", run_date)

    run_date = resolve_run_date()
    detect_anomalies(run_date) >> detect_usage_anomalies(run_date)


anomaly_detection()
