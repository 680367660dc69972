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

from _dag_shared import (
    COSTS_ASSET,
    FINDINGS_ASSET,
    UTILIZATION_ASSET,
    analytics_dag_args,
    resolve_run_date,
    run_job,
)
from airflow.sdk import Param, dag, task


@dag(
    dag_id="optimization",
    description="Findings (rightsizing, waste, tagging, commitments), chargeback and KPI rollups",
    schedule=COSTS_ASSET | UTILIZATION_ASSET,  # either: a billing load alone refreshes findings
    tags=["finops", "analytics", "optimization"],
    **analytics_dag_args(timedelta(minutes=1)),
    params={
        "as_of": Param("", type="string", description="YYYY-MM-DD; empty: latest charge day"),
        "force": Param(False, type="boolean", description="recompute though nothing changed"),
    },
    doc_md=__doc__,
)
def optimization() -> None:
    run_date = resolve_run_date(param="as_of")
    findings = [
        task(run_job, task_id=job)(job, run_date)
        for job in ("rightsizing", "waste", "commitments", "allocation")
    ]
    # after the findings jobs: the KPIs sum their open savings
    kpis = task(run_job, task_id="kpis", outlets=[FINDINGS_ASSET])("kpis", run_date)
    findings >> kpis


optimization()
