"""billing_ingest: load billing exports into the FOCUS warehouse, one mapped task per period.

Tasks call ``finops`` functions only; nothing here touches a database at parse time.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pendulum
from airflow.sdk import Asset, Param, dag, get_current_context, task
from airflow.sdk.exceptions import AirflowSkipException

COSTS_ASSET = Asset(name="finops_costs", uri="finops://warehouse/costs")


@dag(
    dag_id="billing_ingest",
    description="Billing exports (CUR 2.0) -> DuckDB -> FOCUS cost facts in PostgreSQL",
    schedule="@daily",
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["finops", "ingest", "billing"],
    default_args={"retries": 2, "retry_delay": timedelta(seconds=30), "owner": "finops"},
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
        from finops.orchestration.billing import billing_sources, discover_slices

        params: dict[str, Any] = get_current_context()["params"]
        sources = billing_sources(params.get("sources"))
        if not sources:
            raise AirflowSkipException(
                "no billing sources configured: set FINOPS_BILLING_SOURCES (a JSON list of "
                'folders or s3:// prefixes) or trigger with {"sources": [...]}'
            )
        return discover_slices(sources)

    # the Airflow UI lists each mapped task by the billing period it loads, not 0, 1, 2, …
    @task(
        max_active_tis_per_dag=2,
        map_index_template="{{ task.op_kwargs['slice_']['billing_period'] or 'every period' }}",
    )
    def ingest_period(slice_: dict[str, str]) -> dict[str, object]:
        from finops.orchestration.billing import ingest_slice

        run_id = str(get_current_context()["run_id"])
        return ingest_slice(slice_, run_id=run_id)

    @task(outlets=[COSTS_ASSET])
    def publish_costs(results: list[dict[str, object]]) -> dict[str, object]:
        loaded = [r for r in results if r["status"] == "succeeded"]
        return {
            "periods": len(results),
            "periods_loaded": len(loaded),
            "raw_line_items": sum(int(str(r["raw_line_items"])) for r in results),
        }

    publish_costs(ingest_period.expand(slice_=discover_periods()))


billing_ingest()
