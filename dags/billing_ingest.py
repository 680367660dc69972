"""billing_ingest: load billing exports into the FOCUS warehouse, one mapped task per billing
period whose files changed since its last successful load (none when nothing changed).

Daily at midnight UTC. When a billing period was (re)loaded, ``publish_costs`` publishes the
``finops_costs`` Asset, which runs anomaly_detection, cost_forecast (then budget_check) and
optimization; a run that found nothing new publishes nothing.

An ``s3://`` source is read with the base session of the Airflow AWS connection
``FINOPS_AIRFLOW_AWS_CONN_ID`` (default ``finops_aws``, amazon provider); without one, the
default credential chain (the task log says which). Tasks call ``finops.jobs.billing`` only;
nothing here touches a database at parse time.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from _dag_shared import COSTS_ASSET, default_args
from airflow.sdk import Param, dag, get_current_context, task
from airflow.sdk.exceptions import AirflowSkipException
from airflow.timetables.trigger import CronTriggerTimetable


@dag(
    dag_id="billing_ingest",
    description="Billing exports (CUR 2.0) -> DuckDB -> FOCUS cost facts in PostgreSQL",
    # daily at midnight UTC; no start_date and run_immediately=0: unpausing waits for the next
    # midnight instead of starting a run for the slot already past (the demo triggers its own)
    schedule=CronTriggerTimetable("0 0 * * *", timezone="UTC", run_immediately=timedelta(0)),
    catchup=False,
    max_active_runs=1,
    tags=["finops", "ingest", "billing"],
    default_args=default_args(timedelta(seconds=30)),
    params={
        "sources": Param(
            [],
            type="array",
            description="billing export folders or s3:// prefixes; empty: FINOPS_BILLING_SOURCES",
        )
    },
    doc_md=__doc__,
)
def billing_ingest() -> None:
    @task
    def discover_periods() -> list[dict[str, str]]:
        from finops.jobs.billing import billing_sources, discover_slices
        from finops.orchestration.aws_connection import connection_session

        params: dict[str, Any] = get_current_context()["params"]
        sources = billing_sources(requested=params.get("sources"))
        if not sources:
            raise AirflowSkipException(
                "no billing sources configured: set FINOPS_BILLING_SOURCES (a JSON list of "
                'folders or s3:// prefixes) or trigger with {"sources": [...]}'
            )
        on_s3 = any(s.startswith("s3://") for s in sources)
        return discover_slices(sources=sources, base=connection_session() if on_s3 else None)

    # the Airflow UI lists each mapped task by the billing period it loads, not 0, 1, 2, …
    @task(
        max_active_tis_per_dag=2,
        map_index_template="{{ task.op_kwargs['slice_']['billing_period'] or 'every period' }}",
    )
    def ingest_period(slice_: dict[str, str]) -> dict[str, object]:
        from finops.jobs.billing import ingest_slice
        from finops.orchestration.aws_connection import connection_session

        run_id = str(get_current_context()["run_id"])
        on_s3 = slice_["source"].startswith("s3://")
        return ingest_slice(
            slice_=slice_, run_id=run_id, base=connection_session() if on_s3 else None
        )

    @task(outlets=[COSTS_ASSET])
    def publish_costs(results: list[dict[str, object]]) -> dict[str, object]:
        """Publishes the costs Asset (which starts the analytics DAGs) when a period changed."""
        loaded = [r for r in results if "succeeded" in str(r["status"]).split(",")]
        if not loaded:
            raise AirflowSkipException(
                f"none of the {len(results)} billing periods changed: the analytics are current"
            )
        return {
            "periods": len(results),
            "periods_loaded": len(loaded),
            "raw_line_items": sum(int(str(r["raw_line_items"])) for r in results),
        }

    publish_costs(ingest_period.expand(slice_=discover_periods()))


billing_ingest()
