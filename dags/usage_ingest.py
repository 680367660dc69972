"""usage_ingest: resource inventory and CloudWatch utilization, one mapped task per
account × region for the day of the data interval
(resolved once per run, passed to every unit).

Each run lists every linked account's resources (STS AssumeRole into FINOPS_AWS_ROLE_NAME) and
loads that day's 5-minute CloudWatch points and daily percentiles; an account or region that
refuses is recorded as skipped in finops.usage_ingest_log and the others carry on. With the
``source`` param the same day is read from Config snapshots and Metric Streams files instead.
Every task that calls AWS takes its base session from the Airflow AWS connection
``FINOPS_AIRFLOW_AWS_CONN_ID`` (default ``finops_aws``, amazon provider); without one, the
FINOPS_AWS_* settings and the default credential chain (the task log says which).
Tasks call ``finops.jobs.usage`` only; nothing here touches AWS or a database at parse time.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from _dag_shared import RESOURCES_ASSET, UTILIZATION_ASSET, default_args, resolve_interval_day
from airflow.sdk import Param, dag, get_current_context, task
from airflow.timetables.trigger import CronTriggerTimetable


@dag(
    dag_id="usage_ingest",
    description="Inventory and CloudWatch utilization per account x region -> PostgreSQL",
    # daily at midnight UTC; unpausing waits for the next midnight (no run for a past slot)
    schedule=CronTriggerTimetable("0 0 * * *", timezone="UTC", run_immediately=timedelta(0)),
    catchup=False,
    max_active_runs=1,
    tags=["finops", "ingest", "usage", "inventory"],
    default_args=default_args(timedelta(minutes=1)),
    params={
        "accounts": Param([], type="array", description="linked accounts; empty: all"),
        "regions": Param([], type="array", description="regions; empty: every enabled one"),
        "source": Param(
            "",
            type="string",
            description="folder or s3:// prefix holding config/ and cloudwatch/; empty: the APIs",
        ),
    },
    doc_md=__doc__,
)
def usage_ingest() -> None:
    @task
    def plan_units() -> list[dict[str, str]]:
        from finops.jobs.usage import plan_units as plan
        from finops.orchestration.aws_connection import connection_session

        params: dict[str, Any] = get_current_context()["params"]
        source = str(params.get("source") or "")
        return plan(
            accounts=params.get("accounts"),
            regions=params.get("regions"),
            source=source,
            base=None if source else connection_session(),
        )

    @task(max_active_tis_per_dag=4)
    def ingest_unit(unit: dict[str, str], run_date: str) -> dict[str, Any]:
        from datetime import date

        from finops.jobs.usage import ingest_unit_day
        from finops.orchestration.aws_connection import connection_session

        run_id = str(get_current_context()["run_id"])
        local = "source" in unit and not unit["source"].startswith("s3://")
        return ingest_unit_day(
            unit=unit,
            run_date=date.fromisoformat(run_date),
            run_id=run_id,
            base=None if local else connection_session(),
        )

    @task(outlets=[UTILIZATION_ASSET, RESOURCES_ASSET])
    def publish_usage(results: list[dict[str, Any]]) -> dict[str, Any]:
        from finops.jobs.usage import finish_run

        return finish_run(results=list(results))

    run_date = resolve_interval_day()
    publish_usage(ingest_unit.partial(run_date=run_date).expand(unit=plan_units()))


usage_ingest()
