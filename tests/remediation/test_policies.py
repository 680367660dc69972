"""Remediation policies: the examples load; every kind of bad input is refused naming file,
policy and field; matching, limits, maintenance windows and auto-approval; the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from textwrap import dedent, indent
from typing import Any

import pytest
import yaml

from finops.analytics.optimization.findings import Finding
from finops.config import Settings
from finops.errors import InvalidParameterError, PolicyError, PolicyLimitError
from finops.remediation.actions import ACTIONS
from finops.remediation.policies import (
    EXAMPLES,
    Policy,
    ProposalFacts,
    load_policies,
    validate_policies,
)

BASE = """\
name: {name}
description: Stop idle instances.
finding_types: [idle_instance]
action: stop_instance
max_resources_per_run: 3
max_resources_per_account: 2
"""


def _variant(name: str, extra: str) -> str:
    """The base policy with each line of ``extra`` in place of the base's line of that key."""
    keys = {line.split(":")[0] for line in extra.splitlines()}
    base = BASE.format(name=name).splitlines()
    return "".join(line + "\n" for line in base if line.split(":")[0] not in keys) + extra


def _write(folder: Path, file: str, *policies: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    body = "".join("  - " + indent(p, "    ").lstrip() for p in policies)
    path = folder / file
    path.write_text("policies:\n" + body)
    return path


def _problems(folder: Path) -> list[str]:
    _, problems = validate_policies(folder)
    with pytest.raises(PolicyError) as caught:
        load_policies(folder)
    assert caught.value.problems == problems
    return problems


def _policy(extra: str = "", name: str = "p") -> Policy:
    data = yaml.safe_load(BASE.format(name=name) + dedent(extra))
    return Policy.model_validate(data)


def _finding(
    resource_id: str = "i-1", account: str = "111111111111", region: str = "us-east-1"
) -> Finding:
    return Finding(
        finding_type="idle_instance",
        account_id=account,
        region=region,
        resource_id=resource_id,
        resource_type="AWS::EC2::Instance",
        service="AmazonEC2",
        scope="",
        estimated_monthly_savings=Decimal("30.00"),
        details={},
    )


# ---- the examples ---------------------------------------------------------------------------


def test_the_examples_load_one_policy_per_action() -> None:
    policies = load_policies(EXAMPLES)
    assert sorted(p.action for p in policies) == sorted(ACTIONS.names())
    assert len(policies) == len(ACTIONS) == 8
    for policy in policies:
        assert Path(policy.source).parent == EXAMPLES
        assert isinstance(policy.action_parameters(), ACTIONS.get(policy.action).Parameters)
    stop = next(p for p in policies if p.action == "stop_instance")
    assert stop.approval.mode == "auto"
    assert stop.approval.conditions is not None
    assert stop.approval.conditions.max_estimated_monthly_savings == Decimal("200.00")
    assert stop.action_parameters().max_wait_seconds == 600
    assert stop.exclusions.opt_out_tag == "finops:exclude"
    gp3 = next(p for p in policies if p.action == "migrate_gp2_to_gp3")
    assert (gp3.action_parameters().iops, gp3.action_parameters().throughput_mibps) == (3000, 125)


def test_defaults_manual_approval_72_hours_and_the_opt_out_tag() -> None:
    policy = _policy()
    assert policy.approval.mode == "manual"
    assert policy.approval_expiry_hours == 72
    assert policy.exclusions.opt_out_tag == "finops:exclude"
    assert policy.window is None


def test_the_policy_folder_defaults_to_home_policies(tmp_path: Path) -> None:
    assert Settings(home=tmp_path).remediation_policy_path == (tmp_path / "policies").resolve()
    other = tmp_path / "elsewhere"
    assert Settings(home=tmp_path, remediation_policy_dir=other).remediation_policy_path == other


# ---- refusals: each names file, policy and field --------------------------------------------

BAD = {
    "unknown_action": ("action: stop_everything\n", "action", "unknown action 'stop_everything'"),
    "action_does_not_fix": (
        "action: migrate_gp2_to_gp3\n",
        "action",
        "migrate_gp2_to_gp3 does not fix idle_instance (it fixes gp2_volume)",
    ),
    "unknown_finding_type": (
        "finding_types: [idle_unicorn]\n",
        "finding_types",
        "unknown finding type(s) idle_unicorn",
    ),
    "unknown_parameter": (
        "parameters: {wait: 5}\n",
        "parameters",
        "stop_instance: unknown parameter(s) wait; accepted: max_wait_seconds",
    ),
    "parameter_out_of_range": (
        "parameters: {max_wait_seconds: 5}\n",
        "parameters",
        "max_wait_seconds: must be an integer >= 15, got 5",
    ),
    "zero_limit": ("max_resources_per_run: 0\n", "max_resources_per_run", "greater than 0"),
    "auto_without_conditions": (
        "approval: {mode: auto}\n",
        "approval",
        "mode auto needs explicit conditions",
    ),
    "auto_with_empty_conditions": (
        "approval: {mode: auto, conditions: {}}\n",
        "approval",
        "mode auto needs explicit conditions",
    ),
    "manual_with_conditions": (
        "approval: {conditions: {max_estimated_monthly_savings: '5'}}\n",
        "approval",
        "conditions apply only to mode auto",
    ),
    "savings_as_float": (
        "approval: {mode: auto, conditions: {max_estimated_monthly_savings: 50.10}}\n",
        "approval.conditions.max_estimated_monthly_savings",
        "write money as quoted decimal text",
    ),
    "unquoted_time": (
        "window: {start: 22:00, end: '06:00'}\n",
        "window.start",
        "write a time as quoted 'HH:MM', got 1320",
    ),
    "bad_time": ("window: {start: '25:00', end: '06:00'}\n", "window.start", "time"),
    "empty_window": ("window: {start: '06:00', end: '06:00'}\n", "window", "equal"),
    "bad_day": ("window: {days: [someday], start: '01:00', end: '02:00'}\n", "window.days.0", ""),
    "bad_timezone": (
        "window: {start: '01:00', end: '02:00', timezone: Mars/Olympus}\n",
        "window.timezone",
        "unknown time zone 'Mars/Olympus'",
    ),
    "unknown_field": ("max_resources: 3\n", "max_resources", "Extra inputs are not permitted"),
    "tag_without_values": ("scope: {tags: {env: []}}\n", "scope.tags", "at least one"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_refused_naming_file_policy_and_field(tmp_path: Path, case: str) -> None:
    extra, field, message = BAD[case]
    path = _write(tmp_path, "bad.yaml", BASE.format(name="good"), _variant("bad", extra))
    problems = _problems(tmp_path)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{path}:bad:{field}: ")
    assert message in problems[0]
    # the good policy of the same file still validates
    assert [p.name for p in validate_policies(tmp_path)[0]] == ["good"]


def test_missing_limits_are_each_named(tmp_path: Path) -> None:
    policy = "".join(line + "\n" for line in BASE.format(name="nolimits").splitlines()[:4])
    path = _write(tmp_path, "a.yaml", policy)
    assert _problems(tmp_path) == [
        f"{path}:nolimits:max_resources_per_run: Field required",
        f"{path}:nolimits:max_resources_per_account: Field required",
    ]


def test_duplicate_names_across_files_are_refused(tmp_path: Path) -> None:
    first = _write(tmp_path, "a.yaml", BASE.format(name="same"))
    second = _write(tmp_path, "b.yml", BASE.format(name="same"))
    assert _problems(tmp_path) == [f"{second}:same:name: duplicate policy name (first in {first})"]


def test_every_problem_of_every_file_is_named(tmp_path: Path) -> None:
    a = _write(tmp_path, "a.yaml", _variant("x", "action: nope\n"))
    (tmp_path / "b.yaml").write_text("policies: [\n")
    (tmp_path / "c.yaml").write_text("rules: []\n")
    unnamed = _write(tmp_path, "d.yaml", "description: no name\n")
    problems = _problems(tmp_path)
    assert len(problems) == 8, problems
    assert problems[0] == (
        f"{a}:x:action: unknown action 'nope'; actions: {', '.join(ACTIONS.names())}"
    )
    assert problems[1].startswith(f"{tmp_path / 'b.yaml'}:-:-: not readable YAML")
    assert problems[2] == (
        f"{tmp_path / 'c.yaml'}:-:policies: the file must be a mapping with one key, policies"
    )
    missing = ["name", "finding_types", "action", "max_resources_per_run"]
    missing.append("max_resources_per_account")
    assert problems[3:] == [f"{unnamed}:#1:{field}: Field required" for field in missing]


def test_a_missing_folder_is_a_problem(tmp_path: Path) -> None:
    assert _problems(tmp_path / "nope") == [
        f"{tmp_path / 'nope'}:-:-: policy folder does not exist"
    ]


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
    policy = _policy(SCOPED)
    dev = {"environment": "dev"}
    assert policy.matches(_finding(), dev)
    assert policy.matches(_finding(), {"environment": "test", "team": "a"})
    assert not policy.matches(_finding(account="222222222222"), dev)
    assert not policy.matches(_finding(region="eu-west-1"), dev)
    assert not policy.matches(_finding(), {"environment": "prod"})
    assert not policy.matches(_finding(), {})
    gp2 = Finding(**_as(_finding(), "gp2_volume"))
    assert not policy.matches(gp2, dev)
    # an unscoped policy matches every account and region
    assert _policy().matches(_finding(account="999999999999", region="ap-south-1"), {})


def _as(finding: Finding, finding_type: str) -> dict[str, Any]:
    fields = {name: getattr(finding, name) for name in Finding.__dataclass_fields__}
    return {**fields, "finding_type": finding_type}


def test_the_opt_out_tag_and_excluded_ids_are_never_matched() -> None:
    policy = _policy(SCOPED)
    assert not policy.matches(_finding(), {"environment": "dev", "finops:exclude": "true"})
    assert not policy.matches(_finding(), {"environment": "dev", "finops:exclude": ""})
    assert not policy.matches(_finding("i-excluded"), {"environment": "dev"})
    custom = _policy("exclusions: {opt_out_tag: 'keep-me'}\n")
    assert not custom.matches(_finding(), {"keep-me": "yes"})
    assert custom.matches(_finding(), {"finops:exclude": "true"})


# ---- limits -----------------------------------------------------------------------------------


def test_limits_per_run_raise_naming_the_counts() -> None:
    policy = _policy()  # 3 per run, 2 per account
    within = [_finding("i-1", "111111111111"), _finding("i-2", "111111111111"), _finding("i-3")]
    within[2] = _finding("i-3", "222222222222")
    policy.check_limits(within)
    over = [*within, _finding("i-4", "333333333333")]
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
    policy = _policy()
    three_in_one = [_finding(f"i-{n}", "222222222222") for n in range(3)]
    with pytest.raises(PolicyLimitError) as caught:
        policy.check_limits(three_in_one)
    error = caught.value
    assert (error.limit, error.allowed, error.count) == ("max_resources_per_account", 2, 3)
    assert "3 resources in account 222222222222 exceed max_resources_per_account 2" in str(error)


def test_a_run_over_its_limit_changes_nothing() -> None:
    """The check runs over the whole candidate list before the first action is built."""
    policy = _policy()
    acted: list[str] = []

    def run(candidates: list[Finding]) -> None:
        policy.check_limits(candidates)
        acted.extend(c.resource_id or "" for c in candidates)

    with pytest.raises(PolicyLimitError):
        run([_finding(f"i-{n}") for n in range(4)])
    assert acted == []
    run([_finding("i-1"), _finding("i-2", "222222222222")])
    assert acted == ["i-1", "i-2"]


# ---- maintenance window -----------------------------------------------------------------------


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_a_day_window_includes_start_and_excludes_end() -> None:
    policy = _policy("window: {days: [mon], start: '09:00', end: '17:00'}\n")
    assert policy.in_window(_at("2026-12-07T09:00:00+00:00"))  # a Monday
    assert policy.in_window(_at("2026-12-07T16:59:59+00:00"))
    assert not policy.in_window(_at("2026-12-07T17:00:00+00:00"))
    assert not policy.in_window(_at("2026-12-07T08:59:59+00:00"))
    assert not policy.in_window(_at("2026-12-08T10:00:00+00:00"))  # Tuesday


def test_an_overnight_window_belongs_to_the_day_it_starts() -> None:
    policy = _policy("window: {days: [fri], start: '22:00', end: '06:00'}\n")
    assert policy.in_window(_at("2026-12-04T22:00:00+00:00"))  # Friday night
    assert policy.in_window(_at("2026-12-05T05:59:00+00:00"))  # Saturday early
    assert not policy.in_window(_at("2026-12-05T06:00:00+00:00"))
    assert not policy.in_window(_at("2026-12-05T22:30:00+00:00"))  # Saturday night
    assert not policy.in_window(_at("2026-12-04T05:00:00+00:00"))  # Friday early: Thursday's


def test_a_named_time_zone_follows_its_clock_and_daylight_saving() -> None:
    policy = _policy("window: {start: '02:00', end: '04:00', timezone: Europe/Berlin}\n")
    assert policy.in_window(_at("2026-12-03T01:30:00+00:00"))  # 02:30 CET (UTC+1)
    assert not policy.in_window(_at("2026-12-03T03:00:00+00:00"))  # 04:00 CET
    assert policy.in_window(_at("2026-07-03T00:30:00+00:00"))  # 02:30 CEST (UTC+2)
    assert not policy.in_window(_at("2026-07-03T02:00:00+00:00"))  # 04:00 CEST


def test_no_window_is_always_and_a_naive_time_is_refused() -> None:
    assert _policy().in_window(datetime(2026, 12, 3, 12, tzinfo=UTC))
    with pytest.raises(InvalidParameterError, match="timezone-aware"):
        _policy().in_window(datetime(2026, 12, 3, 12))


# ---- auto-approval ----------------------------------------------------------------------------

AUTO = """\
approval:
  mode: auto
  conditions:
    max_estimated_monthly_savings: "100.00"
    account_tags: {environment: [dev, test]}
"""


def test_auto_approval_needs_every_condition() -> None:
    policy = _policy(AUTO)
    dev = {"environment": "dev", "team": "a"}
    assert policy.auto_approves(ProposalFacts(Decimal("99.99"), dev))
    assert policy.auto_approves(ProposalFacts(Decimal("100.00"), {"environment": "test"}))
    assert not policy.auto_approves(ProposalFacts(Decimal("100.01"), dev))
    assert not policy.auto_approves(ProposalFacts(Decimal("10"), {"environment": "prod"}))
    assert not policy.auto_approves(ProposalFacts(Decimal("10"), {}))


def test_a_single_condition_is_enough_to_configure_and_manual_never_approves() -> None:
    savings_only = _policy(
        "approval: {mode: auto, conditions: {max_estimated_monthly_savings: '5'}}\n"
    )
    assert savings_only.auto_approves(ProposalFacts(Decimal("5"), {}))
    assert not savings_only.auto_approves(ProposalFacts(Decimal("5.01"), {}))
    tags_only = _policy("approval: {mode: auto, conditions: {account_tags: {env: [dev]}}}\n")
    assert tags_only.auto_approves(ProposalFacts(Decimal("100000"), {"env": "dev"}))
    assert not _policy().auto_approves(ProposalFacts(Decimal("0"), {"environment": "dev"}))


# ---- the CLI ----------------------------------------------------------------------------------


def _cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, FINOPS_HOME=str(tmp_path / "home"), COLUMNS="300")
    return subprocess.run(
        [sys.executable, "-m", "finops", "policies", *args],
        env=env,
        capture_output=True,
        text=True,
    )


def test_cli_validate_and_list_the_examples(tmp_path: Path) -> None:
    ok = _cli(tmp_path, "validate", str(EXAMPLES))
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout == f"8 policies valid in {EXAMPLES}\n"
    listed = _cli(tmp_path, "list", str(EXAMPLES))
    assert listed.returncode == 0, listed.stderr
    rows = listed.stdout.splitlines()
    assert rows[0] == "| name | finding types | action | scope | limits | approval |"
    assert len(rows) == 2 + 8
    assert (
        "| rightsize-instances | oversized_instance, previous_generation_instance | "
        "resize_instance | accounts all; regions all; window sun 04:00-08:00 UTC | "
        "5/run, 2/account | manual (expires 48 h) |"
    ) in rows
    assert any(r.startswith("| migrate-gp2-volumes |") and "| auto (" in r for r in rows)


def test_cli_validate_exits_1_naming_every_problem(tmp_path: Path) -> None:
    folder = tmp_path / "policies"
    a = _write(folder, "a.yaml", _variant("one", "action: stop_everything\n"))
    b = _write(folder, "b.yaml", _variant("two", "max_resources_per_account: 0\n"))
    for command in ("validate", "list"):
        run = _cli(tmp_path, command, str(folder))
        assert run.returncode == 1
        assert run.stdout == ""
        assert f"error: {a}:one:action: unknown action 'stop_everything'" in run.stderr
        assert f"error: {b}:two:max_resources_per_account: " in run.stderr
        assert "2 problem(s) in" in run.stderr


def test_cli_reads_the_configured_folder_by_default(tmp_path: Path) -> None:
    _write(tmp_path / "home" / "policies", "a.yaml", BASE.format(name="one"))
    run = _cli(tmp_path, "validate")
    assert run.returncode == 0, run.stderr
    assert run.stdout == f"1 policies valid in {(tmp_path / 'home' / 'policies').resolve()}\n"


def test_the_policy_examples_in_docs_validate(tmp_path: Path) -> None:
    doc = (Path(__file__).parents[2] / "docs" / "remediation.md").read_text()
    section = doc.split("## Policies", 1)[1].split("\n## ", 1)[0]
    blocks = [b.split("```", 1)[0] for b in section.split("```yaml\n")[1:]]
    assert len(blocks) == 2
    for n, block in enumerate(blocks):
        (tmp_path / f"doc{n}.yaml").write_text(block)
    policies = load_policies(tmp_path)
    assert [p.name for p in policies] == ["stop-idle-dev-instances", "delete-unattached-volumes"]
    example = next(p for p in load_policies(EXAMPLES) if p.name == policies[0].name)
    assert policies[0].model_dump() == example.model_dump()  # the doc shows the example file
