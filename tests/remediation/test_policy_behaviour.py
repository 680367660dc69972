"""What a loaded remediation policy answers: matching by account, region and tags with the
opt-out tag and excluded ids; limits per run and per account; maintenance window edges;
auto-approval conditions."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from finops.analytics.optimization.findings import Finding
from finops.errors import InvalidParameterError, PolicyLimitError
from finops.remediation.policies import ProposalFacts
from tests.factories.policies import idle_finding, make_policy

# ---- matching ---------------------------------------------------------------------------------

SCOPED = """\
scope:
  accounts: ["111111111111"]
  regions: [us-east-1]
  tags: {environment: [dev, test]}
exclusions:
  resource_ids: [i-excluded]
"""


def test_matching_by_type_account_region_and_tags() -> None:
    policy = make_policy(SCOPED)
    dev = {"environment": "dev"}
    assert policy.matches(idle_finding(), dev)
    assert policy.matches(idle_finding(), {"environment": "test", "team": "a"})
    assert not policy.matches(idle_finding(account="222222222222"), dev)
    assert not policy.matches(idle_finding(region="eu-west-1"), dev)
    assert not policy.matches(idle_finding(), {"environment": "prod"})
    assert not policy.matches(idle_finding(), {})
    assert not policy.matches(replace(idle_finding(), finding_type="gp2_volume"), dev)
    # an unscoped policy matches every account and region
    assert make_policy().matches(idle_finding(account="999999999999", region="ap-south-1"), {})


def test_the_opt_out_tag_and_excluded_ids_are_never_matched() -> None:
    policy = make_policy(SCOPED)
    assert not policy.matches(idle_finding(), {"environment": "dev", "finops:exclude": "true"})
    assert not policy.matches(idle_finding(), {"environment": "dev", "finops:exclude": ""})
    assert not policy.matches(idle_finding("i-excluded"), {"environment": "dev"})
    custom = make_policy("exclusions: {opt_out_tag: 'keep-me'}\n")
    assert not custom.matches(idle_finding(), {"keep-me": "yes"})
    assert custom.matches(idle_finding(), {"finops:exclude": "true"})


# ---- limits -----------------------------------------------------------------------------------


def test_limits_per_run_raise_naming_the_counts() -> None:
    policy = make_policy()  # 3 per run, 2 per account
    within = [idle_finding("i-1"), idle_finding("i-2"), idle_finding("i-3", "222222222222")]
    policy.check_limits(within)
    over = [*within, idle_finding("i-4", "333333333333")]
    with pytest.raises(PolicyLimitError) as caught:
        policy.check_limits(over)
    error = caught.value
    assert (error.policy, error.limit, error.allowed, error.count) == (
        "p",
        "max_resources_per_run",
        3,
        4,
    )
    assert str(error) == (
        "policy p: 4 resources exceed max_resources_per_run 3; nothing was changed"
    )


def test_limits_per_account_raise_naming_the_account_and_counts() -> None:
    policy = make_policy()
    three_in_one = [idle_finding(f"i-{n}", "222222222222") for n in range(3)]
    with pytest.raises(PolicyLimitError) as caught:
        policy.check_limits(three_in_one)
    error = caught.value
    assert (error.limit, error.allowed, error.count) == ("max_resources_per_account", 2, 3)
    assert "3 resources in account 222222222222 exceed max_resources_per_account 2" in str(error)


def test_a_run_over_its_limit_changes_nothing() -> None:
    """The check runs over the whole candidate list before the first action is built."""
    policy = make_policy()
    acted: list[str] = []

    def run(candidates: list[Finding]) -> None:
        policy.check_limits(candidates)
        acted.extend(c.resource_id or "" for c in candidates)

    with pytest.raises(PolicyLimitError):
        run([idle_finding(f"i-{n}") for n in range(4)])
    assert acted == []
    run([idle_finding("i-1"), idle_finding("i-2", "222222222222")])
    assert acted == ["i-1", "i-2"]


# ---- maintenance window -----------------------------------------------------------------------


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_a_day_window_includes_start_and_excludes_end() -> None:
    policy = make_policy("window: {days: [mon], start: '09:00', end: '17:00'}\n")
    assert policy.in_window(_at("2026-12-07T09:00:00+00:00"))  # a Monday
    assert policy.in_window(_at("2026-12-07T16:59:59+00:00"))
    assert not policy.in_window(_at("2026-12-07T17:00:00+00:00"))
    assert not policy.in_window(_at("2026-12-07T08:59:59+00:00"))
    assert not policy.in_window(_at("2026-12-08T10:00:00+00:00"))  # Tuesday


def test_an_overnight_window_belongs_to_the_day_it_starts() -> None:
    policy = make_policy("window: {days: [fri], start: '22:00', end: '06:00'}\n")
    assert policy.in_window(_at("2026-12-04T22:00:00+00:00"))  # Friday night
    assert policy.in_window(_at("2026-12-05T05:59:00+00:00"))  # Saturday early
    assert not policy.in_window(_at("2026-12-05T06:00:00+00:00"))
    assert not policy.in_window(_at("2026-12-05T22:30:00+00:00"))  # Saturday night
    assert not policy.in_window(_at("2026-12-04T05:00:00+00:00"))  # Friday early: Thursday's


def test_a_named_time_zone_follows_its_clock_and_daylight_saving() -> None:
    policy = make_policy("window: {start: '02:00', end: '04:00', timezone: Europe/Berlin}\n")
    assert policy.in_window(_at("2026-12-03T01:30:00+00:00"))  # 02:30 CET (UTC+1)
    assert not policy.in_window(_at("2026-12-03T03:00:00+00:00"))  # 04:00 CET
    assert policy.in_window(_at("2026-07-03T00:30:00+00:00"))  # 02:30 CEST (UTC+2)
    assert not policy.in_window(_at("2026-07-03T02:00:00+00:00"))  # 04:00 CEST


def test_no_window_is_always_and_a_naive_time_is_refused() -> None:
    assert make_policy().in_window(datetime(2026, 12, 3, 12, tzinfo=UTC))
    with pytest.raises(InvalidParameterError, match="timezone-aware"):
        make_policy().in_window(datetime(2026, 12, 3, 12))


# ---- auto-approval ----------------------------------------------------------------------------

AUTO = """\
approval:
  mode: auto
  conditions:
    max_estimated_monthly_savings: "100.00"
    account_tags: {environment: [dev, test]}
"""


def test_auto_approval_needs_every_condition() -> None:
    policy = make_policy(AUTO)
    dev = {"environment": "dev", "team": "a"}
    assert policy.auto_approves(ProposalFacts(Decimal("99.99"), dev))
    assert policy.auto_approves(ProposalFacts(Decimal("100.00"), {"environment": "test"}))
    assert not policy.auto_approves(ProposalFacts(Decimal("100.01"), dev))
    assert not policy.auto_approves(ProposalFacts(Decimal("10"), {"environment": "prod"}))
    assert not policy.auto_approves(ProposalFacts(Decimal("10"), {}))


def test_a_single_condition_is_enough_to_configure_and_manual_never_approves() -> None:
    savings_only = make_policy(
        "approval: {mode: auto, conditions: {max_estimated_monthly_savings: '5'}}\n"
    )
    assert savings_only.auto_approves(ProposalFacts(Decimal("5"), {}))
    assert not savings_only.auto_approves(ProposalFacts(Decimal("5.01"), {}))
    tags_only = make_policy("approval: {mode: auto, conditions: {account_tags: {env: [dev]}}}\n")
    assert tags_only.auto_approves(ProposalFacts(Decimal("100000"), {"env": "dev"}))
    assert not make_policy().auto_approves(ProposalFacts(Decimal("0"), {"environment": "dev"}))
