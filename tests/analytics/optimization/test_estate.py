"""The jobs on a generated estate (real embedded PostgreSQL): scored against the ground truth,
rerun identically, with a lifecycle across run dates, and a chargeback that reconciles."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import text

from finops.analytics.optimization.jobs import run_waste_job
from finops.analytics.optimization.policy import WastePolicy
from finops.analytics.optimization.rules import evaluated_types
from finops.config import Settings
from finops.db.engine import get_engine
from finops.jobs.allocation import run_allocation
from finops.jobs.commitments import run_commitments
from finops.jobs.kpis import run_kpis
from finops.jobs.ledger import JobSkipped
from finops.orchestration.evaluation import eval_optimization, optimization_lines
from tests.analytics.optimization.conftest import AS_OF, situations

# every type the registry says the ground truth plants (all but oversized_rds)
EXACT_TYPES = evaluated_types()


def test_eval_scores_every_rule_against_the_ground_truth(
    estate_settings: Settings, estate_dir: Any
) -> None:
    evaluation = eval_optimization(
        estate_dir / "ground_truth.json", as_of=AS_OF, settings=estate_settings
    )
    scores = {s.finding_type: s for s in evaluation.scores}
    print("\n".join(optimization_lines(evaluation)))
    assert len(EXACT_TYPES) == 13 and tuple(scores) == EXACT_TYPES
    for kind in EXACT_TYPES:
        s = scores[kind]
        assert s.expected > 0, f"the ground truth plants no {kind}"
        assert (s.precision, s.recall) == (1.0, 1.0), (kind, s.false_positives, s.missed)
        assert (s.max_savings_error or 0.0) <= 0.05, (kind, s.savings_errors)
    assert evaluation.healthy_flagged == []
    assert evaluation.passed


def _observations(settings: Settings, job: str, as_of: date) -> list[tuple[Any, ...]]:
    with get_engine(settings).connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                text(
                    "SELECT fingerprint, finding_type, resource_id, estimated_monthly_savings, "
                    "cost_7d, cost_30d, cost_mtd, cost_prev_month, details::text "
                    "FROM finops.finding_observations WHERE job = :j AND as_of = :d "
                    "ORDER BY fingerprint"
                ),
                {"j": job, "d": as_of},
            )
        ]


def test_reruns_are_identical_and_lifecycle_follows_run_dates(estate_settings: Settings) -> None:
    day1, day2 = AS_OF - timedelta(days=1), AS_OF
    run_waste_job(as_of=day1, settings=estate_settings)
    first = _observations(estate_settings, "waste", day1)
    run_waste_job(as_of=day1, settings=estate_settings)
    assert _observations(estate_settings, "waste", day1) == first
    run_waste_job(as_of=day2, settings=estate_settings, policy=WastePolicy(gp2_to_gp3=False))
    with get_engine(estate_settings).connect() as conn:
        rows = conn.execute(
            text(
                "SELECT finding_type, status, first_seen, resolved_on FROM finops.findings "
                "WHERE job = 'waste'"
            )
        ).all()
    gp2 = [r for r in rows if r.finding_type == "gp2_volume"]
    assert gp2 and all(r.status == "resolved" and r.resolved_on == day2 for r in gp2)
    others = [r for r in rows if r.finding_type != "gp2_volume"]
    assert others and all(r.status == "open" and r.first_seen == day1 for r in others)
    run_waste_job(as_of=day2, settings=estate_settings)  # back to the default policy


def test_unattached_volume_threshold_edge(estate_settings: Settings, ground_truth: Any) -> None:
    expected = situations(ground_truth, "unattached_volume")
    run_waste_job(as_of=AS_OF, settings=estate_settings)
    with get_engine(estate_settings).connect() as conn:
        days = dict(
            conn.execute(
                text(
                    "SELECT resource_id, (details->>'unattached_days')::int FROM finops.findings "
                    "WHERE finding_type = 'unattached_volume' AND status <> 'resolved'"
                )
            ).all()
        )
    assert set(days) == set(expected)
    shortest = min(days.values())
    run_waste_job(
        as_of=AS_OF,
        settings=estate_settings,
        policy=WastePolicy(unattached_volume_min_days=shortest),
    )
    at_edge = _observations(estate_settings, "waste", AS_OF)
    run_waste_job(
        as_of=AS_OF,
        settings=estate_settings,
        policy=WastePolicy(unattached_volume_min_days=shortest + 1),
    )
    past_edge = _observations(estate_settings, "waste", AS_OF)
    kinds = lambda rows: sum(1 for r in rows if r[1] == "unattached_volume")  # noqa: E731
    assert kinds(at_edge) == len(expected) and kinds(past_edge) == len(expected) - 1
    run_waste_job(as_of=AS_OF, settings=estate_settings)


def test_findings_carry_the_bill_and_the_view_contract(estate_settings: Settings) -> None:
    with get_engine(estate_settings).connect() as conn:
        rows = conn.execute(
            text(
                "SELECT finding_type, resource_id, account_id, status, estimated_monthly_savings, "
                "details, cost_30d, commitment_waste FROM finops.findings "
                "WHERE status <> 'resolved' "
                "AND finding_type NOT IN ('untagged_resource', 'mistagged_resource')"
            )
        ).all()
    assert rows
    for r in rows:
        assert r.resource_id and r.account_id and r.details
        # an under-used commitment is commitment waste, never savings
        waste = r.finding_type.startswith("underused_")
        assert (r.commitment_waste if waste else r.estimated_monthly_savings) > 0, r
        assert (r.estimated_monthly_savings if waste else r.commitment_waste) == 0, r
        assert r.cost_30d > 0, r  # the resource is on the bill


def test_commitments_utilization_and_recommendation(estate_settings: Settings) -> None:
    result = run_commitments(run_date=AS_OF, settings=estate_settings, force=True)
    assert not isinstance(result, JobSkipped)
    assert result.commitments == 4
    with get_engine(estate_settings).connect() as conn:
        util = conn.execute(
            text(
                "SELECT commitment_type, sum(used_cost) / sum(committed_cost) FROM "
                "finops.commitment_utilization_daily GROUP BY 1 ORDER BY 1"
            )
        ).all()
        coverage = conn.execute(
            text(
                "SELECT sum(covered_list_cost) / sum(eligible_list_cost) FROM "
                "finops.commitment_coverage_daily"
            )
        ).scalar_one()
    assert [u[0] for u in util] == ["Reserved Instance", "Savings Plan"]
    assert all(Decimal(0) < u[1] <= 1 for u in util)
    assert Decimal("0.5") < coverage < 1
    assert len(result.recommendations) == 6
    assert all(r.estimated_monthly_savings >= 0 for r in result.recommendations)


def test_chargeback_reconciles_to_the_cent(estate_settings: Settings) -> None:
    for period in (date(2026, 8, 1), date(2026, 9, 1), date(2026, 10, 1)):
        result = run_allocation(run_date=period + timedelta(days=27), settings=estate_settings)
        report = result.chargeback
        with get_engine(estate_settings).connect() as conn:
            bill = conn.execute(
                text(
                    "SELECT round(sum(effective_cost), 2) FROM finops.costs "
                    "WHERE billing_period_start = :p"
                ),
                {"p": period},
            ).scalar_one()
            stored = conn.execute(
                text("SELECT sum(cost) FROM finops.chargeback_monthly WHERE billing_period = :p"),
                {"p": period},
            ).scalar_one()
        assert report.total == bill == stored
        assert sum(report.by_cost_center().values()) == bill
        assert "unallocated" in report.by_cost_center()
    assert result.compliance.compliant_resources < result.compliance.resources


def test_kpis_match_the_bill(estate_settings: Settings) -> None:
    summary = run_kpis(run_date=AS_OF, settings=estate_settings)
    with get_engine(estate_settings).connect() as conn:
        october, september = conn.execute(
            text(
                "SELECT sum(effective_cost) FILTER (WHERE charge_period_start >= '2026-10-01'), "
                "sum(effective_cost) FILTER (WHERE charge_period_start < '2026-10-01') "
                "FROM finops.costs WHERE charge_period_start >= '2026-09-01'"
            )
        ).one()
    assert summary.month_to_date == october
    assert summary.previous_month == september
    assert summary.projected_month_end == october  # the month is complete
    assert summary.open_findings > 0 and summary.open_savings_opportunities > 0
