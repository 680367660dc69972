"""optimization: rightsizing, waste, commitments, allocation and KPIs after new billing and
usage data land.

Scheduled on the ``finops_costs`` Asset (billing_ingest) or the ``finops_utilization`` Asset
(usage_ingest), whichever is updated. Every task runs as of the latest charge day in the bill
(or the ``as_of`` param) and rewrites its own output for that day, so retries and reruns
change nothing; a job whose inputs have not changed since its last run for that day is skipped
(finops.job_runs says why). Tasks call ``finops`` functions only; nothing here touches a
database at parse time.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pendulum
from airflow.sdk import Asset, Param, dag, get_current_context, task

COSTS_ASSET = Asset(name="finops_costs", uri="finops://warehouse/costs")
UTILIZATION_ASSET = Asset(name="finops_utilization", uri="finops://warehouse/utilization_daily")
FINDINGS_ASSET = Asset(name="finops_findings", uri="finops://warehouse/findings")


def _force() -> bool:
    return bool(get_current_context()["params"].get("force"))


def _as_of() -> Any:
    from datetime import date

    value = get_current_context()["params"].get("as_of")
    return date.fromisoformat(value) if value else None


@dag(
    dag_id="optimization",
    description="Findings (rightsizing, waste, tagging, commitments), chargeback and KPI rollups",
    schedule=COSTS_ASSET | UTILIZATION_ASSET,  # either: a billing load alone refreshes findings
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["finops", "analytics", "optimization"],
    default_args={"retries": 2, "retry_delay": timedelta(minutes=1), "owner": "finops"},
    params={
        "as_of": Param("", type="string", description="YYYY-MM-DD; empty: latest charge day"),
        "force": Param(False, type="boolean", description="recompute though nothing changed"),
    },
    doc_md=__doc__,
)
def optimization() -> None:
    @task
    def rightsizing() -> list[str]:
        from finops.analytics.optimization.cli import result_lines, run_rightsizing

        return result_lines(run_rightsizing(as_of=_as_of(), force=_force()))

    @task
    def waste() -> list[str]:
        from finops.analytics.optimization.cli import result_lines, run_waste

        return result_lines(run_waste(as_of=_as_of(), force=_force()))

    @task
    def commitments() -> list[str]:
        from finops.analytics.optimization.cli import result_lines, run_commitments

        return result_lines(run_commitments(as_of=_as_of(), force=_force()))

    @task
    def allocation() -> list[str]:
        from finops.analytics.optimization.cli import result_lines, run_allocation

        return result_lines(run_allocation(as_of=_as_of(), force=_force()))

    @task(outlets=[FINDINGS_ASSET])
    def kpis(done: list[list[str]]) -> list[str]:
        from finops.analytics.optimization.cli import result_lines, run_kpis

        return [line for lines in done for line in lines] + result_lines(
            run_kpis(as_of=_as_of(), force=_force())
        )

    kpis([rightsizing(), waste(), commitments(), allocation()])


optimization()
