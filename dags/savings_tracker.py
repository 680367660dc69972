"""savings_tracker: measure realized savings after every billing load.

Runs when the billing Asset is updated; the run date is resolved once per run (the
``run_date`` param, else the latest charge day in the warehouse: data, never the clock). The
task measures every executed remediation and every finding fixed outside the platform from the
bill up to that day (docs/savings.md) and rewrites only the measurements whose bill changed, so
a retry or a rerun changes nothing; a run whose bill, findings and remediation log have not
changed since the last run for that day is skipped (finops.job_runs says why).
"""

from __future__ import annotations

from datetime import timedelta

from _dag_shared import (
    COSTS_ASSET,
    analytics_dag_args,
    resolve_run_date,
    run_date_params,
    run_job,
)
from airflow.sdk import dag, task


@dag(
    dag_id="savings_tracker",
    description="Realized savings of executed actions and outside fixes, from later bills",
    schedule=[COSTS_ASSET],
    tags=["finops", "analytics", "savings"],
    **analytics_dag_args(timedelta(seconds=30)),
    params=run_date_params(),
    doc_md=__doc__,
)
def savings_tracker() -> None:
    @task
    def measure_savings(run_date: str) -> dict[str, object]:
        return run_job("savings", run_date)

    measure_savings(resolve_run_date())


savings_tracker()
