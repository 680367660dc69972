"""usage_ingest: resource inventory and CloudWatch utilization, one mapped task per
account × region for the day of the data interval.

Each run lists every linked account's resources (STS AssumeRole into FINOPS_AWS_ROLE_NAME) and
loads that day's 5-minute CloudWatch points and daily percentiles; an account or region that
refuses is recorded as skipped in finops.usage_ingest_log and the others carry on. With the
``source`` param the same day is read from Config snapshots and Metric Streams files instead.
Tasks call ``finops`` functions only; nothing here touches AWS or a database at parse time.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from airflow.sdk import Asset, Param, dag, get_current_context, task
from airflow.timetables.trigger import CronTriggerTimetable

UTILIZATION_ASSET = Asset(name="finops_utilization", uri="finops://warehouse/utilization_daily")
RESOURCES_ASSET = Asset(name="finops_resources", uri="finops://warehouse/resources")


def _interval_day() -> Any:
    """The last full UTC day before the interval ends (yesterday, for a run at midnight)."""
    context = get_current_context()
    end = context.get("data_interval_end") or context["logical_date"]
    return (end - timedelta(days=1)).date()


@dag(
    dag_id="usage_ingest",
    description="Inventory and CloudWatch utilization per account x region -> PostgreSQL",
    # daily at midnight UTC; unpausing waits for the next midnight (no run for a past slot)
    schedule=CronTriggerTimetable("0 0 * * *", timezone="UTC", run_immediately=timedelta(0)),
    catchup=False,
    max_active_runs=1,
    tags=["finops", "ingest", "usage", "inventory"],
    default_args={"retries": 2, "retry_delay": timedelta(minutes=1), "owner": "finops"},
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
        from finops.ingest.usage.tasks import plan_units as plan

        params: dict[str, Any] = get_current_context()["params"]
        if params.get("source"):
            return [{"source": str(params["source"])}]
        return plan(accounts=params.get("accounts") or None, regions=params.get("regions") or None)

    @task(max_active_tis_per_dag=4)
    def ingest_unit(unit: dict[str, str]) -> dict[str, Any]:
        from finops.ingest.usage.tasks import ingest_source
        from finops.ingest.usage.tasks import ingest_unit as ingest

        run_id = str(get_current_context()["run_id"])
        day = _interval_day()
        if "source" in unit:
            return ingest_source(unit["source"], day=day, run_id=run_id)
        return ingest(unit, day=day, run_id=run_id)

    @task(outlets=[UTILIZATION_ASSET, RESOURCES_ASSET])
    def publish_usage(results: list[dict[str, Any]]) -> dict[str, Any]:
        from finops.ingest.usage.tasks import finish_run

        return finish_run(list(results))

    publish_usage(ingest_unit.expand(unit=plan_units()))


usage_ingest()
