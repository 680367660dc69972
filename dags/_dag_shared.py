"""What the platform's DAGs share: the Assets they publish and schedule on (defined here once),
their default task arguments, the task that resolves a run's date once, and the body of every
analytics task. Not a DAG file (``.airflowignore``); the DAG files import it by name, as
Airflow puts this folder on ``sys.path``.

Nothing here touches a database at parse time: ``finops`` is imported inside the tasks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pendulum
from airflow.sdk import Asset, Param, get_current_context, task

COSTS_ASSET = Asset(name="finops_costs", uri="finops://warehouse/costs")
UTILIZATION_ASSET = Asset(name="finops_utilization", uri="finops://warehouse/utilization_daily")
RESOURCES_ASSET = Asset(name="finops_resources", uri="finops://warehouse/resources")
ANOMALIES_ASSET = Asset(name="finops_anomalies", uri="finops://warehouse/anomalies")
FORECASTS_ASSET = Asset(name="finops_forecasts", uri="finops://warehouse/forecasts")
FINDINGS_ASSET = Asset(name="finops_findings", uri="finops://warehouse/findings")


def default_args(retry_delay: timedelta) -> dict[str, Any]:
    """Every task retries twice (a task rewrites its own output, so a retry is safe)."""
    return {"retries": 2, "retry_delay": retry_delay, "owner": "finops"}


def analytics_dag_args(retry_delay: timedelta) -> dict[str, Any]:
    """The arguments every asset-scheduled analytics DAG shares: one run at a time, no
    catch-up, default task arguments."""
    return {
        "start_date": pendulum.datetime(2025, 1, 1, tz="UTC"),
        "catchup": False,
        "max_active_runs": 1,
        "default_args": default_args(retry_delay),
    }


def run_date_params() -> dict[str, Param]:
    """The params of an analytics DAG: its run date and ``force``."""
    return {
        "run_date": Param(
            None,
            type=["null", "string"],
            description="YYYY-MM-DD; default: the latest charge day in the warehouse",
        ),
        "force": Param(False, type="boolean", description="recompute though nothing changed"),
    }


@task
def resolve_run_date(param: str = "run_date") -> str:
    """The run's date, resolved once for all its tasks: the ``param`` given, else the latest
    charge day in the warehouse. Every other task takes it as its input, so a bill landing
    during the run, or a retry, cannot change it."""
    from finops.jobs.run_date import resolve_run_date as resolve

    return resolve(requested=get_current_context()["params"].get(param)).isoformat()


@task
def resolve_interval_day() -> str:
    """The run's date for a scheduled ingest: the last full UTC day of its data interval."""
    from finops.jobs.run_date import interval_day

    context = get_current_context()
    return interval_day(
        data_interval_end=context.get("data_interval_end"),
        logical_date=context.get("logical_date"),
    ).isoformat()


def run_job(job: str, run_date: str) -> dict[str, object]:
    """The body of every analytics task: ``finops.jobs`` runs ``job`` for the run's date, with
    the run's id and params; the task returns the job's summary."""
    from finops.jobs.scheduled import run_for_dag

    context = get_current_context()
    return run_for_dag(
        job, run_date=run_date, run_id=str(context["run_id"]), params=context["params"]
    )
