"""Hand-built cases at each rule's threshold edges (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from finops.analytics.allocation.chargeback import CostRow, build_report, parse_rules
from finops.analytics.allocation.tagging import problems
from finops.analytics.commitments.recommend import recommend_plan, simulate
from finops.analytics.optimization import warehouse as wh
from finops.analytics.optimization.findings import Finding, fingerprint
from finops.analytics.optimization.instance_types import instance_type
from finops.analytics.optimization.instances import ComputeEvidence
from finops.analytics.optimization.policy import RightsizingPolicy, TagPolicy, WastePolicy
from finops.analytics.optimization.rightsizing import Utilization, derived_rate, recommend
from finops.analytics.optimization.rules.compute import IdleInstance, IdleRds
from finops.analytics.optimization.rules.storage import OldSnapshot
from finops.analytics.optimization.waste import VOLUME, WasteInputs
from finops.errors import ConfigurationError

M5_RATES = {
    ("us-east-1", f"BoxUsage:m5.{s}"): Decimal("0.096") * m
    for s, m in (("large", 1), ("xlarge", 2), ("2xlarge", 4), ("4xlarge", 8))
}


def _rate(spec: object) -> Decimal | None:
    return derived_rate(spec, "us-east-1", M5_RATES)  # type: ignore[arg-type]


def _recommend(
    cpu: float,
    *,
    memory: float | None = 10.0,
    hours: float = 336.0,
    policy: RightsizingPolicy | None = None,
) -> str | None:
    rec = recommend(
        current=instance_type("m5.4xlarge"),
        current_rate=Decimal("0.768"),
        usage=Utilization(hours=hours, cpu_percent=cpu, cpu_max_percent=cpu, memory_percent=memory),
        rate_of=_rate,
        policy=policy or RightsizingPolicy(cross_family=False),
    )
    return None if rec is None else rec.target.name


def test_cpu_headroom_edge() -> None:
    # 20% projected on the 4xlarge's 16 vCPU = 80% on a 4 vCPU xlarge: exactly at the limit
    assert _recommend(20.0) == "m5.xlarge"
    assert _recommend(20.01) == "m5.2xlarge"
    assert _recommend(40.0) == "m5.2xlarge"
    assert _recommend(40.01) is None


def test_min_hours_edge() -> None:
    assert _recommend(15.0, hours=30.0) == "m5.xlarge"
    assert _recommend(15.0, hours=29.9) is None


def test_memory_constrains_and_unknown_memory_never_shrinks() -> None:
    # 20% of 64 GiB = 12.8 GiB: 80% of the xlarge's 16 GiB, at the limit
    assert _recommend(15.0, memory=20.0) == "m5.xlarge"
    assert _recommend(15.0, memory=20.5) == "m5.2xlarge"
    assert _recommend(15.0, memory=None) is None  # same family: every smaller size has less memory


def test_cross_family_and_percentile_choices() -> None:
    policy = RightsizingPolicy()
    assert _recommend(15.0, memory=None, policy=policy) is None  # no priced bigger-memory family
    with pytest.raises(ConfigurationError, match="cpu_percentile"):
        RightsizingPolicy(cpu_percentile=99.0)
    with pytest.raises(ConfigurationError, match="lookback_days"):
        RightsizingPolicy(lookback_days=30)


def test_rates_derived_by_normalization_factor_and_region_ratio() -> None:
    rates = {
        ("us-east-1", "BoxUsage:m5.large"): Decimal("0.096"),
        ("us-east-1", "BoxUsage:c5.xlarge"): Decimal("0.17"),
        ("eu-west-1", "BoxUsage:m5.large"): Decimal("0.1056"),
    }
    assert derived_rate(instance_type("m5.4xlarge"), "us-east-1", rates) == Decimal("0.768")
    assert derived_rate(instance_type("c5.xlarge"), "eu-west-1", rates) == Decimal("0.187")
    assert derived_rate(instance_type("r5.large"), "eu-west-1", rates) is None


def _evidence(
    cpu_max: float,
    mbps: float,
    hours: float = 336.0,
    kind: str = "ec2",
    connections: float | None = None,
) -> ComputeEvidence:
    item = wh.InventoryItem(
        "1",
        "us-east-1",
        "AWS::EC2::Instance",
        "i-1",
        None,
        None,
        "running",
        None,
        date(2026, 1, 1),
        {},
        {},
    )
    return ComputeEvidence(
        item,
        kind,
        "m5.large",
        instance_type("m5.large"),
        Decimal("0.096"),
        Decimal(730),
        None,
        cpu_max,
        mbps,
        connections,
        hours,
    )


def is_idle(e: ComputeEvidence, policy: WastePolicy) -> bool:
    """The instance's idle rule (EC2 or RDS) finds it idle; the other never does."""
    rule, other = (IdleInstance, IdleRds) if e.kind == "ec2" else (IdleRds, IdleInstance)
    assert other(policy).evaluate(e, {}) is None
    found = rule(policy).evaluate(e, {})
    assert found is None or found.finding_type == rule.finding_type
    return found is not None


def test_idle_instance_edges() -> None:
    policy = WastePolicy()
    assert is_idle(_evidence(4.99, 2.0), policy)
    assert not is_idle(_evidence(5.0, 2.0), policy)  # strictly below 5% peak CPU
    assert not is_idle(_evidence(1.0, 2.01), policy)
    assert not is_idle(_evidence(1.0, 0.1, hours=29.0), policy)  # not enough data
    assert is_idle(_evidence(1.0, 0.0, kind="rds", connections=0.0), policy)
    assert not is_idle(_evidence(1.0, 0.0, kind="rds", connections=1.0), policy)


def _snapshot(created: date, volume: str = "vol-gone") -> wh.InventoryItem:
    return wh.InventoryItem(
        "1",
        "us-east-1",
        "AWS::EC2::Snapshot",
        "snap-1",
        "arn:aws:ec2:us-east-1:1:snapshot/snap-1",
        None,
        "completed",
        datetime(created.year, created.month, created.day, tzinfo=UTC),
        created,
        {"volumeId": volume, "volumeSize": 100},
        {},
    )


def _snapshots(
    snapshots: list[wh.InventoryItem],
    items: list[wh.InventoryItem],
    lines: dict[str, list[wh.UsageLine]],
    as_of: date,
    policy: WastePolicy,
) -> list[Finding]:
    """The old-snapshot rule over ``snapshots``, with ``items`` as the rest of the inventory."""
    volumes = frozenset(i.resource_id for i in items if i.resource_type == VOLUME)
    inputs = WasteInputs(as_of, as_of, as_of, items, lines, {}, {}, {}, volumes)
    rule = OldSnapshot(policy)
    return [f for s in snapshots if (f := rule.evaluate(s, inputs)) is not None]


def test_old_snapshot_age_edge_and_orphan_requirement() -> None:
    as_of = date(2026, 10, 31)
    line = wh.UsageLine(
        "arn:aws:ec2:us-east-1:1:snapshot/snap-1",
        "EBS:SnapshotUsage",
        "us-east-1",
        Decimal("0.05"),
        Decimal(1),
        Decimal(1),
        Decimal(1),
        date(2026, 10, 1),
        as_of,
    )
    lines = {line.resource_id: [line]}
    policy = WastePolicy()
    old = _snapshot(date(2025, 10, 31))  # 365 days
    found = _snapshots([old], [old], lines, as_of, policy)
    assert [f.estimated_monthly_savings for f in found] == [Decimal("5.00")]
    assert _snapshots([_snapshot(date(2025, 11, 1))], [], lines, as_of, policy) == []
    live = wh.InventoryItem(
        "1", "us-east-1", "AWS::EC2::Volume", "vol-live", None, None, "in-use", None, as_of, {}, {}
    )
    assert _snapshots([_snapshot(date(2024, 1, 1), "vol-live")], [live], lines, as_of, policy) == []


def test_tag_policy_problems() -> None:
    policy = TagPolicy(allowed={"environment": ("prod", "dev")})
    full = {"team": "a", "environment": "prod", "cost-center": "CC", "application": "x"}
    assert problems(full, policy) == ("ok", [])
    assert problems({}, policy)[0] == "untagged"
    assert problems({"Name": "web"}, policy)[0] == "untagged"
    status, found = problems({**full, "environment": "Prod"}, policy)
    assert status == "mistagged" and "environment 'Prod' is not allowed" in found[0]
    misspelt = {k: v for k, v in full.items() if k != "environment"} | {"enviroment": "prod"}
    assert problems(misspelt, policy) == (
        "mistagged",
        ["tag key 'enviroment' misspelt; 'environment' missing"],
    )
    assert problems(
        {
            "user_team": "a",
            "user_environment": "dev",
            "user_cost_center": "CC",
            "user_application": "x",
        },
        policy,
    ) == ("ok", [])


def test_fingerprint_is_stable_and_scoped() -> None:
    a = fingerprint("oversized_instance", "1", "us-east-1", "i-1", "m5.4xlarge")
    assert a == fingerprint("oversized_instance", "1", "us-east-1", "i-1", "m5.4xlarge")
    assert a != fingerprint("oversized_instance", "1", "us-east-1", "i-1", "m5.2xlarge")
    assert len(a) == 32 and int(a, 16) >= 0


def test_savings_plan_simulation_picks_the_best_breakpoint() -> None:
    spend = [Decimal(10)] * 12 + [Decimal(2)] * 12  # $/hour on demand
    rec = recommend_plan(spend, term_years=1, payment_option="No Upfront", discount=Decimal("0.25"))
    # the breakpoints are 1.5 (covers the 2/h floor) and 7.5 (covers the 10/h peak)
    low, high = (
        simulate(spend, Decimal("1.5"), Decimal("0.25")),
        simulate(spend, Decimal("7.5"), Decimal("0.25")),
    )
    assert low.net_savings == Decimal("12.0")  # 24 h × (2 − 1.5)
    assert high.net_savings == Decimal("-36.0")  # 12 h × 2.5 saved, 12 h × 5.5 wasted
    assert rec.hourly_commitment == Decimal("1.500")
    assert rec.estimated_monthly_savings == Decimal("12.0") * 730 / 24


def test_chargeback_sums_to_the_cent_with_unallocated_explicit() -> None:
    rules = parse_rules(
        {
            "shared": [{"name": "support", "match": {"service": "Support"}, "split": "even"}],
            "rules": [{"match": {"account": "222"}, "cost_center": "CC-2"}],
        }
    )
    rows = [
        CostRow("111", "EC2", "Usage", "Usage", {"cost_center": "CC-1"}, Decimal("10.005")),
        CostRow("222", "EC2", "Usage", "Usage", {}, Decimal("20.001")),
        CostRow("333", "S3", "Usage", "Usage", {}, Decimal("5.003")),
        CostRow("111", "Support", "Purchase", "Fee", {}, Decimal("1.00")),
    ]
    report = build_report(rows, rules=rules, billing_period=date(2026, 10, 1), currency="USD")
    assert report.total == Decimal("36.01")
    assert sum(line.cost for line in report.lines) == report.total
    by_cc = report.by_cost_center()
    assert by_cc["unallocated"] == Decimal("5.00")
    assert by_cc["CC-1"] + by_cc["CC-2"] == Decimal("31.01")
    with pytest.raises(ConfigurationError, match="fixed ratios"):
        parse_rules({"shared": [{"match": {}, "split": {"fixed": {"A": "0.5"}}}]})
