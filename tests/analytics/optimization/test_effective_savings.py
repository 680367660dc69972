"""Savings at the price actually paid: every finding is priced from the resource's effective
cost over the 30 days ending on the run date (Savings Plan / RI coverage and discounts count),
with the on-demand figure beside it; commitment under-use is its own figure, never savings."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import text

from finops.analytics.optimization.findings import money
from finops.analytics.optimization.jobs import run_rightsizing_job, run_waste_job
from finops.config import Settings
from finops.db.engine import get_engine
from finops.jobs.commitments import run_commitments
from finops.orchestration.evaluation import eval_optimization
from tests.analytics.optimization.conftest import AS_OF

REMOVAL_TYPES = (
    "idle_instance",
    "idle_rds",
    "unattached_volume",
    "old_snapshot",
    "unassociated_eip",
    "idle_load_balancer",
)
CENT = Decimal("0.01")


def _open_findings(settings: Settings) -> list[Any]:
    with get_engine(settings).connect() as conn:
        return list(
            conn.execute(
                text(
                    "SELECT finding_type, resource_id, estimated_monthly_savings, cost_30d, "
                    "on_demand_monthly_savings, savings_method, commitment_waste, details "
                    "FROM finops.findings WHERE status <> 'resolved' AND job <> 'tagging'"
                )
            )
        )


def _usage_30d(settings: Settings, resource_id: str, usage_type: str = "") -> tuple[Any, ...]:
    """The resource's effective and list cost of usage over the 30 days ending on AS_OF."""
    with get_engine(settings).connect() as conn:
        return tuple(
            conn.execute(
                text(
                    "SELECT coalesce(sum(effective_cost), 0), coalesce(sum(list_cost), 0) "
                    "FROM finops.costs WHERE charge_category = 'Usage' "
                    "AND (resource_id = :r OR resource_id LIKE '%/' || :r) "
                    "AND charge_period_start >= :lo AND charge_period_start < :hi "
                    "AND x_usage_type LIKE '%' || :ut || '%'"
                ),
                {
                    "r": resource_id,
                    "ut": usage_type,
                    "lo": AS_OF - timedelta(days=29),
                    "hi": AS_OF + timedelta(days=1),
                },
            ).one()
        )


def test_removal_savings_never_exceed_what_the_resource_cost(estate_settings: Settings) -> None:
    run_waste_job(as_of=AS_OF, settings=estate_settings)
    rows = [r for r in _open_findings(estate_settings) if r.finding_type in REMOVAL_TYPES]
    assert {r.finding_type for r in rows} == set(REMOVAL_TYPES)
    discounted = 0
    for r in rows:
        assert r.savings_method == "effective_cost_30d", r
        assert 0 < r.estimated_monthly_savings <= money(r.cost_30d), r
        usage = "InstanceUsage" if r.finding_type == "idle_rds" else ""
        effective, listed = _usage_30d(estate_settings, r.resource_id, usage)
        assert r.estimated_monthly_savings == money(Decimal(effective)), r
        assert r.on_demand_monthly_savings == money(Decimal(listed)) >= r.estimated_monthly_savings
        discounted += r.on_demand_monthly_savings > r.estimated_monthly_savings * Decimal("1.05")
    # Savings Plan coverage lowers what an idle instance really costs
    assert discounted >= 1


def test_rightsizing_is_the_rate_difference_at_the_rates_paid(estate_settings: Settings) -> None:
    run_rightsizing_job(as_of=AS_OF, settings=estate_settings)
    run_waste_job(as_of=AS_OF, settings=estate_settings)
    rows = [
        r
        for r in _open_findings(estate_settings)
        if r.finding_type in ("oversized_instance", "previous_generation_instance", "gp2_volume")
    ]
    assert {r.finding_type for r in rows} == {
        "oversized_instance",
        "previous_generation_instance",
        "gp2_volume",
    }
    for r in rows:
        assert r.savings_method == "effective_rate_difference_30d", r
        current = Decimal(r.details.get("hourly_rate") or r.details["gb_month_rate"])
        target = Decimal(
            r.details.get("recommended_hourly_rate") or r.details["recommended_gb_month_rate"]
        )
        usage = "BoxUsage" if r.finding_type != "gp2_volume" else "VolumeUsage.gp2"
        effective, _ = _usage_30d(estate_settings, r.resource_id, usage)
        expected = Decimal(effective) * (current - target) / current
        assert abs(r.estimated_monthly_savings - expected) <= CENT, (r, expected)
        assert 0 < r.estimated_monthly_savings < money(r.cost_30d)
        key = "effective_hourly_rate" if usage == "BoxUsage" else "effective_gb_month_rate"
        assert Decimal(r.details[key]) <= current


def test_commitment_waste_is_never_savings(estate_settings: Settings) -> None:
    run_commitments(run_date=AS_OF, settings=estate_settings)
    rows = [
        r
        for r in _open_findings(estate_settings)
        if r.finding_type in ("underused_reservation", "underused_savings_plan")
    ]
    assert len(rows) == 2
    for r in rows:
        assert r.estimated_monthly_savings == 0
        assert r.savings_method == "commitment_waste_30d"
        unused = Decimal(str(r.details["unused"]))
        assert r.commitment_waste == money(unused * 730 / (24 * r.details["days"]))
        assert r.commitment_waste > 0


def test_eval_measures_savings_against_the_effective_ground_truth(
    estate_settings: Settings, estate_dir: Any, ground_truth: dict[str, Any]
) -> None:
    kinds = (*REMOVAL_TYPES, "oversized_instance", "previous_generation_instance", "gp2_volume")
    planted = [s for s in ground_truth["situations"] if s["kind"] in kinds]
    assert planted and all(s["effective_monthly_cost_impact"] > 0 for s in planted)
    # the generator's Savings Plans and RIs make some of them cheaper than on demand
    assert any(
        s["effective_monthly_cost_impact"] < 0.95 * s["monthly_cost_impact"] for s in planted
    )
    evaluation = eval_optimization(
        estate_dir / "ground_truth.json", as_of=AS_OF, settings=estate_settings
    )
    scores = {s.finding_type: s for s in evaluation.scores}
    for kind in kinds:
        assert (scores[kind].precision, scores[kind].recall) == (1.0, 1.0), kind
        assert (scores[kind].max_savings_error or 0.0) <= 0.001, (kind, scores[kind])
    for kind in ("underused_reservation", "underused_savings_plan"):
        assert (scores[kind].max_savings_error or 0.0) <= 0.05, (kind, scores[kind])
