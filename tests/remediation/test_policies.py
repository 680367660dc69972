"""Remediation policy files: the examples load; every kind of bad input is refused naming file,
policy and field; the defaults; ``finops policies validate|list``. (What a loaded policy
answers is in test_policy_behaviour.py.)"""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from finops.config import Settings
from finops.errors import PolicyError
from finops.remediation.actions import ACTIONS
from finops.remediation.policies import EXAMPLES, load_policies, validate_policies
from tests.factories.policies import BASE, make_policy, variant, write_policies


def _problems(folder: Path) -> list[str]:
    _, problems = validate_policies(folder)
    with pytest.raises(PolicyError) as caught:
        load_policies(folder)
    assert caught.value.problems == problems
    return problems


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
    policy = make_policy()
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
    "time_with_offset": (
        "window: {start: '01:00+02:00', end: '02:00'}\n",
        "window.start",
        "give the zone in timezone",
    ),
    "empty_window": ("window: {start: '06:00', end: '06:00'}\n", "window", "equal"),
    "bad_day": ("window: {days: [someday], start: '01:00', end: '02:00'}\n", "window.days.0", ""),
    "bad_timezone": (
        "window: {start: '01:00', end: '02:00', timezone: Mars/Olympus}\n",
        "window.timezone",
        "unknown time zone 'Mars/Olympus'",
    ),
    "unknown_field": ("max_resources: 3\n", "max_resources", "Extra inputs are not permitted"),
    "unquoted_account": (
        "scope: {accounts: [111111111111]}\n",
        "scope.accounts",
        "write account ids as quoted 12-digit text, got 111111111111",
    ),
    "tag_without_values": ("scope: {tags: {env: []}}\n", "scope.tags", "at least one"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_refused_naming_file_policy_and_field(tmp_path: Path, case: str) -> None:
    extra, field, message = BAD[case]
    path = write_policies(tmp_path, "bad.yaml", BASE.format(name="good"), variant("bad", extra))
    problems = _problems(tmp_path)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{path}:bad:{field}: ")
    assert message in problems[0]
    # the good policy of the same file still validates
    assert [p.name for p in validate_policies(tmp_path)[0]] == ["good"]


def test_missing_limits_are_each_named(tmp_path: Path) -> None:
    policy = "".join(line + "\n" for line in BASE.format(name="nolimits").splitlines()[:4])
    path = write_policies(tmp_path, "a.yaml", policy)
    assert _problems(tmp_path) == [
        f"{path}:nolimits:max_resources_per_run: Field required",
        f"{path}:nolimits:max_resources_per_account: Field required",
    ]


def test_duplicate_names_across_files_are_refused(tmp_path: Path) -> None:
    first = write_policies(tmp_path, "a.yaml", BASE.format(name="same"))
    second = write_policies(tmp_path, "b.yml", BASE.format(name="same"))
    assert _problems(tmp_path) == [f"{second}:same:name: duplicate policy name (first in {first})"]


def test_every_problem_of_every_file_is_named(tmp_path: Path) -> None:
    a = write_policies(tmp_path, "a.yaml", variant("x", "action: nope\n"))
    (tmp_path / "b.yaml").write_text("policies: [\n")
    (tmp_path / "c.yaml").write_text("rules: []\n")
    unnamed = write_policies(tmp_path, "d.yaml", "description: no name\n")
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
    a = write_policies(folder, "a.yaml", variant("one", "action: stop_everything\n"))
    b = write_policies(folder, "b.yaml", variant("two", "max_resources_per_account: 0\n"))
    for command in ("validate", "list"):
        run = _cli(tmp_path, command, str(folder))
        assert run.returncode == 1
        assert run.stdout == ""
        assert f"error: {a}:one:action: unknown action 'stop_everything'" in run.stderr
        assert f"error: {b}:two:max_resources_per_account: " in run.stderr
        assert "2 problem(s) in" in run.stderr


def test_cli_reads_the_configured_folder_by_default(tmp_path: Path) -> None:
    write_policies(tmp_path / "home" / "policies", "a.yaml", BASE.format(name="one"))
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
