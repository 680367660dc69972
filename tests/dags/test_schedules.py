"""Schedules of the DAG chain (real Airflow 3.3 timetables and asset references).

Unpausing a cron-scheduled DAG must not start a run for a slot already past (the demo's own
triggered billing run is the only one it starts): its first scheduled run is the next slot.
The analytics DAGs run on the assets the ingest DAGs publish."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from finops.orchestration.airflow_env import DAGS_FOLDER
from finops.orchestration.airflow_runtime import SCHEDULED_DAGS

CRON_DAGS = ("billing_ingest", "usage_ingest")


def _bag() -> Any:
    # imported here, not at collection: other tests point Airflow at PostgreSQL first
    from airflow.dag_processing.dagbag import BundleDagBag

    return BundleDagBag(dag_folder=str(DAGS_FOLDER), bundle_path=DAGS_FOLDER)


def test_unpausing_a_cron_dag_schedules_nothing_in_the_past() -> None:
    bag = _bag()
    for dag_id in CRON_DAGS:
        serialized = _serialized(bag, dag_id)
        assert serialized.catchup is False
        before = datetime.now(UTC)
        first = serialized.next_dagrun_info(last_automated_run_info=None)
        assert first is not None
        # the first automated run waits for the next midnight: nothing fires on unpause
        assert first.run_after > before, (dag_id, first)
        assert (first.run_after.hour, first.run_after.minute) == (0, 0)
        assert (first.run_after - before).total_seconds() <= 86_400


def _serialized(bag: Any, dag_id: str) -> Any:
    from airflow.serialization.serialized_objects import DagSerialization

    dag = bag.dags[dag_id]
    return DagSerialization.from_dict(DagSerialization.to_dict(dag))


def test_analytics_dags_hang_off_the_ingest_assets() -> None:
    bag = _bag()

    def uris(dag_id: str) -> set[str]:
        condition = _serialized(bag, dag_id).timetable.asset_condition
        return {asset.uri for _, asset in condition.iter_assets()}

    costs = "finops://warehouse/costs"
    utilization = "finops://warehouse/utilization_daily"
    assert uris("anomaly_detection") == {costs, utilization}
    assert uris("cost_forecast") == {costs}
    assert uris("budget_check") == {"finops://warehouse/forecasts"}
    assert uris("savings_tracker") == {costs}
    assert uris("optimization") == {costs, utilization}
    assert uris("remediation") == {"finops://warehouse/findings"}
    # findings refresh after a billing load alone: either asset triggers the optimization DAG
    condition = _serialized(bag, "optimization").timetable.asset_condition
    assert type(condition).__name__.endswith("AssetAny")
    assert set(SCHEDULED_DAGS) == {
        "billing_ingest",
        "anomaly_detection",
        "cost_forecast",
        "budget_check",
        "optimization",
        "savings_tracker",
    }


def test_the_budget_check_writes_the_summaries_first() -> None:
    """The spend summaries are written as of the run date before the budget check, so its
    notifications carry the day's summary; a failed summary never holds the alerts back."""
    dag = _bag().dags["budget_check"]
    assert sorted(dag.task_dict) == ["check_budgets", "resolve_run_date", "write_insights"]
    check = dag.task_dict["check_budgets"]
    assert check.upstream_task_ids == {"resolve_run_date", "write_insights"}
    assert dag.task_dict["write_insights"].upstream_task_ids == {"resolve_run_date"}
    assert check.trigger_rule == "all_done"
