"""The cases that must not count in full, each carried out through the remediation core
against moto and measured from a hand-built bill: a restated period re-measures; a stopped
instance restarted a week later; a rightsized instance whose usage grew; usage moved under a
Savings Plan (the effective-cost and list-cost views differ); a rollback; a stopped instance a
Savings Plan covered (its commitment freed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from finops.config import Settings
from finops.remediation.executor import rollback
from tests.factories.savings import (
    DailyBill,
    measure_all,
    measurements,
    month_days,
    resized_instance,
    stopped_instance,
)
from tests.factories.usage import MotoAws
from tests.remediation.conftest import RecordingClients

SP_ARN = "arn:aws:savingsplans::123456789012:savingsplan/sp-0001"


def measured(
    engine: Engine, settings: Settings, tmp_path: Path, bill: DailyBill, resource: str
) -> dict[str, Any]:
    """Load ``bill``, measure as of its last day (one subject written): the row of
    ``resource``."""
    bill.load(settings, tmp_path)
    assert measure_all(engine, bill.last) == 1
    return measurements(engine)[resource]


def test_a_restated_period_re_measures(
    engine: Engine,
    fresh_settings: Settings,
    aws: MotoAws,
    clients: RecordingClients,
    tmp_path: Path,
) -> None:
    proposal, day = stopped_instance(engine, aws, clients, tmp_path / "policies")
    instance = proposal.resource_id
    bill = DailyBill(first=day - timedelta(days=20), last=day + timedelta(days=10))
    bill.put(instance, bill.first, day, cost="2.40", usage=24)
    bill.load(fresh_settings, tmp_path)
    until = day + timedelta(days=10)
    assert measure_all(engine, until) == 1
    first = measurements(engine)[instance]
    dim = month_days(day + timedelta(days=1))
    assert first["realized_monthly_effective"] == Decimal("2.40") * dim
    assert first["confidence"] == "high"

    # the provider re-delivers the bill: the instance cost 3.00 a day over the baseline
    bill.put(instance, day - timedelta(days=14), day - timedelta(days=1), cost="3.00", usage=24)
    bill.load(fresh_settings, tmp_path)
    assert measure_all(engine, until, run_id="s2") == 1
    again = measurements(engine)[instance]
    assert again["baseline_effective_cost"] == Decimal("42.00")
    assert again["baseline_daily_effective"] == Decimal("3.00")
    assert again["realized_monthly_effective"] == Decimal("3.00") * dim
    assert again["realized_monthly_list"] == Decimal("3.00") * dim
    assert again["confidence"] == "medium"
    (reason,) = again["reasons"]
    assert reason["code"] == "restated_bill"
    assert "baseline window" in reason["text"]
    assert "effective cost 33.6 -> 42, list cost 33.6 -> 42" in reason["text"]
    assert again["first_measured_at"] == first["first_measured_at"]
    assert again["measured_at"] > first["measured_at"]
    # the restatement stays noted on later runs
    bill.load(fresh_settings, tmp_path)
    assert measure_all(engine, until + timedelta(days=1), run_id="s3") == 1
    assert measurements(engine)[instance]["reasons"][0]["code"] == "restated_bill"


def test_a_stopped_instance_restarted_a_week_later(
    engine: Engine,
    fresh_settings: Settings,
    aws: MotoAws,
    clients: RecordingClients,
    tmp_path: Path,
) -> None:
    proposal, day = stopped_instance(engine, aws, clients, tmp_path / "policies")
    instance = proposal.resource_id
    bill = DailyBill(first=day - timedelta(days=14), last=day + timedelta(days=14))
    bill.put(instance, bill.first, day, cost="2.40", usage=24)
    # its owner starts it again on the seventh day after: eight of fourteen days run
    bill.put(instance, day + timedelta(days=7), day + timedelta(days=14), cost="2.40", usage=24)
    r = measured(engine, fresh_settings, tmp_path, bill, instance)
    dim = month_days(day + timedelta(days=1))
    assert r["after_days"] == 14
    assert r["after_effective_cost"] == Decimal("19.20")
    assert r["after_daily_effective"] == Decimal("19.20") / 14
    assert r["realized_monthly_effective"] == (Decimal("2.40") - Decimal("19.20") / 14) * dim
    assert r["realized_monthly_effective"] < Decimal("2.40") * dim / 2
    assert r["confidence"] == "low"
    (reason,) = r["reasons"]
    assert reason["code"] == "usage_resumed"
    assert (
        f"ran again on 8 of 14 day(s) after the change (first {day + timedelta(days=7)})"
        in (reason["text"])
    )


def test_a_rightsized_instance_whose_usage_grew(
    engine: Engine,
    fresh_settings: Settings,
    aws: MotoAws,
    clients: RecordingClients,
    tmp_path: Path,
) -> None:
    proposal, day = resized_instance(engine, aws, clients, tmp_path / "policies")
    instance = proposal.resource_id
    bill = DailyBill(first=day - timedelta(days=14), last=day + timedelta(days=7))
    # twelve hours a day at 0.40 before; the smaller type at 0.20, now round the clock
    bill.put(instance, bill.first, day, cost="4.80", usage=12, usage_type="BoxUsage:m5.2xlarge")
    bill.put(
        instance,
        day + timedelta(days=1),
        bill.last,
        cost="4.80",
        usage=24,
        usage_type="BoxUsage:m5.large",
    )
    r = measured(engine, fresh_settings, tmp_path, bill, instance)
    assert (r["baseline_daily_usage"], r["after_daily_usage"]) == (12, 24)
    assert r["realized_monthly_effective"] == 0 == r["realized_monthly_list"]
    assert r["confidence"] == "low"
    (reason,) = r["reasons"]
    assert reason["code"] == "usage_changed"
    assert "usage grew from 12 to 24 a day (+100.0%)" in reason["text"]


def test_usage_moved_under_a_savings_plan(
    engine: Engine,
    fresh_settings: Settings,
    aws: MotoAws,
    clients: RecordingClients,
    tmp_path: Path,
) -> None:
    proposal, day = resized_instance(engine, aws, clients, tmp_path / "policies")
    instance = proposal.resource_id
    bill = DailyBill(first=day - timedelta(days=14), last=day + timedelta(days=7))
    bill.put(instance, bill.first, day, cost="4.80", usage=24, usage_type="BoxUsage:m5.2xlarge")
    # after: the smaller type's 2.40 a day of on-demand usage, covered by a Savings Plan at 1.68
    bill.put(
        instance,
        day + timedelta(days=1),
        bill.last,
        cost="2.40",
        usage=24,
        usage_type="BoxUsage:m5.large",
        line_item_type="SavingsPlanCoveredUsage",
        savings_plan_arn=SP_ARN,
        savings_plan_effective_cost="1.68",
    )
    r = measured(engine, fresh_settings, tmp_path, bill, instance)
    dim = month_days(day + timedelta(days=1))
    assert (r["after_daily_effective"], r["after_daily_list"]) == (Decimal("1.68"), Decimal("2.40"))
    assert r["realized_monthly_effective"] == Decimal("3.12") * dim
    assert r["realized_monthly_list"] == Decimal("2.40") * dim
    assert r["confidence"] == "medium"
    (reason,) = r["reasons"]
    assert reason["code"] == "coverage_changed"
    assert "moved from 0% to 100% of its list cost" in reason["text"]


def test_a_rollback_ends_the_savings(
    engine: Engine,
    fresh_settings: Settings,
    aws: MotoAws,
    clients: RecordingClients,
    tmp_path: Path,
) -> None:
    proposal, day = stopped_instance(engine, aws, clients, tmp_path / "policies")
    back = rollback(
        engine,
        proposal_id=proposal.id,
        clients=clients,
        actor="user:bob",
        reason="needed after all",
        now=datetime.now(UTC),
    )
    assert back.status == "rolled_back"
    instance = proposal.resource_id
    bill = DailyBill(first=day - timedelta(days=14), last=day + timedelta(days=7))
    bill.put(instance, bill.first, bill.last, cost="2.40", usage=24)  # running again
    r = measured(engine, fresh_settings, tmp_path, bill, instance)
    # started again the day it was stopped: not one full day saved
    assert r["status"] == "measured"
    assert r["realized_monthly_effective"] == 0 == r["realized_monthly_list"]
    assert r["confidence"] == "low"
    (reason,) = r["reasons"]
    assert reason["code"] == "rolled_back"
    assert reason["text"] == (f"rolled back on {day}: measured over the 0 full day(s) before")


def test_a_stopped_instance_that_a_savings_plan_covered(
    engine: Engine,
    fresh_settings: Settings,
    aws: MotoAws,
    clients: RecordingClients,
    tmp_path: Path,
) -> None:
    proposal, day = stopped_instance(engine, aws, clients, tmp_path / "policies")
    instance = proposal.resource_id
    bill = DailyBill(first=day - timedelta(days=14), last=day + timedelta(days=7))
    bill.put(
        instance,
        bill.first,
        day,
        cost="2.40",
        usage=24,
        line_item_type="SavingsPlanCoveredUsage",
        savings_plan_arn=SP_ARN,
        savings_plan_effective_cost="1.68",
    )
    r = measured(engine, fresh_settings, tmp_path, bill, instance)
    dim = month_days(day + timedelta(days=1))
    assert r["realized_monthly_effective"] == Decimal("1.68") * dim
    assert r["realized_monthly_list"] == Decimal("2.40") * dim
    assert r["confidence"] == "medium"
    (reason,) = r["reasons"]
    assert reason["code"] == "commitment_freed"
    assert reason["text"].startswith("100% of the baseline's list cost was covered")


def test_a_resource_the_bill_never_named_is_flagged(
    engine: Engine,
    fresh_settings: Settings,
    aws: MotoAws,
    clients: RecordingClients,
    tmp_path: Path,
) -> None:
    proposal, day = stopped_instance(engine, aws, clients, tmp_path / "policies")
    bill = DailyBill(first=day - timedelta(days=14), last=day + timedelta(days=7))
    r = measured(engine, fresh_settings, tmp_path, bill, proposal.resource_id)
    assert r["realized_monthly_effective"] == 0 == r["realized_monthly_list"]
    assert r["confidence"] == "low"
    assert [x["code"] for x in r["reasons"]] == ["no_baseline"]
