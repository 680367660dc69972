"""optimization: rightsizing, waste, commitments, allocation and KPIs after new billing and
usage data land.

Scheduled on the ``finops_costs`` Asset (billing_ingest) or the ``finops_utilization`` Asset
(usage_ingest), whichever is updated. The run date is resolved once per run (the ``as_of``
param, else the latest charge day in the bill) and every task runs as of it, rewriting its own
output for that day, so retries and reruns change nothing and a bill landing mid-run cannot
give two tasks two dates; a job whose inputs have not changed since its last run for that day
is skipped (finops.job_runs says why). Tasks call ``finops`` functions only; nothing here
touches a database at parse time.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from _dag_shared import (
    COSTS_ASSET,
    FINDINGS_ASSET,
    UTILIZATION_ASSET,
    default_args,
    resolve_run_date,
    run_job,
)
from airflow.sdk import Param, dag, task


@dag(
    dag_id="optimization",
    description="Findings (rightsizing, waste, tagging, commitments), chargeback and KPI rollups",
    schedule=COSTS_ASSET | UTILIZATION_ASSET,  # either: a billing load alone refreshes findings
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["finops", "analytics", "optimization"],
    default_args=default_args(timedelta(minutes=1)),
    params={
        "as_of": Param("", type="string", description="YYYY-MM-DD; empty: latest charge day"),
        "force": Param(False, type="boolean", description="recompute though nothing changed"),
    },
    doc_md=__doc__,
)
def optimization() -> None:
    @task
    def rightsizing(run_date: str) -> dict[str, object]:
        return run_job("rightsizing", run_date)

    @task
    def waste(run_date: str) -> dict[str, object]:
        return run_job("waste", run_date)

    @task
    def commitments(run_date: str) -> dict[str, object]:
        return run_job("commitments", run_date)

    @task
    def allocation(run_date: str) -> dict[str, object]:
        return run_job("allocation", run_date)

    @task(outlets=[FINDINGS_ASSET])
    def kpis(run_date: str, findings: list[dict[str, object]]) -> dict[str, object]:
        """After the findings jobs: the KPIs sum their open savings."""
        return run_job("kpis", run_date)

    run_date = resolve_run_date(param="as_of")
    kpis(
        run_date,
        [rightsizing(run_date), waste(run_date), commitments(run_date), allocation(run_date)],
    )


optimization()
