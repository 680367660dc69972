"""The remediation action registry's meta-test: unique names; each docstring example parses,
names exactly the declared parameters and validates; every declared IAM action is an operation
of botocore's service model; every ``fixes`` names a finding type of the finding rule registry;
and each action's AWS calls, recorded against a moto server through botocore's ``before-call``
events over describe, dry run, execute, verify and rollback, are exactly its ``iam_actions``."""

from __future__ import annotations

import json
from pathlib import Path

import botocore.session
import pytest

from finops.analytics.optimization.rules import finding_types
from finops.errors import ConfigurationError
from finops.remediation import iam_actions, iam_policy
from finops.remediation.actions import ACTIONS, Action, Target
from finops.remediation.actions.ec2 import StopInstance
from finops.remediation.doctable import actions_table, documented, iam_policy_block, write_blocks
from tests.analytics.optimization.test_registry import _meta_check
from tests.factories.usage import MotoAws
from tests.remediation.conftest import RecordingClients
from tests.remediation.scenarios import SCENARIOS, action, idle_instance

ROOT = Path(__file__).resolve().parents[2]
REMEDIATION_MD = ROOT / "docs" / "remediation.md"
# IAM service prefix -> botocore service model
MODELS = {"ec2": "ec2", "rds": "rds", "elasticloadbalancing": "elbv2"}


def test_the_registry_holds_the_eight_actions_under_unique_names() -> None:
    names = ACTIONS.names()
    assert len(names) == len(set(names)) == 8
    assert set(names) == set(SCENARIOS)
    with pytest.raises(ConfigurationError, match="registered twice"):
        ACTIONS.register(ACTIONS.get("stop_instance"))


@pytest.mark.parametrize("cls", list(ACTIONS), ids=lambda c: c.name)
def test_every_docstring_example_parses_and_validates(cls: type[Action]) -> None:
    example = _meta_check(cls)
    assert example["action"] == cls.name
    assert example["resource"] == cls.resource_type
    assert example["fixes"] in cls.fixes
    assert cls.parameters_from(example.get("parameters") or {}) == cls.Parameters()
    assert cls.summary() and cls.undo


@pytest.mark.parametrize("cls", list(ACTIONS), ids=lambda c: c.name)
def test_fixes_name_existing_finding_types(cls: type[Action]) -> None:
    assert cls.fixes and set(cls.fixes) <= set(finding_types())


@pytest.mark.parametrize("cls", list(ACTIONS), ids=lambda c: c.name)
def test_every_iam_action_is_an_operation_of_botocore(cls: type[Action]) -> None:
    session = botocore.session.get_session()
    for declared in cls.iam_actions:
        prefix, _, operation = declared.partition(":")
        model = session.get_service_model(MODELS[prefix])
        assert operation in model.operation_names, declared
    assert len(set(cls.iam_actions)) == len(cls.iam_actions)


def test_reversible_actions_implement_rollback() -> None:
    reversible = {cls.name for cls in ACTIONS if cls.reversible}
    assert reversible == {
        "stop_instance",
        "resize_instance",
        "migrate_gp2_to_gp3",
        "stop_rds_instance",
    }
    for cls in ACTIONS:
        assert ("rollback" in vars(cls)) == cls.reversible, cls.name


def test_parameters_are_validated_naming_the_parameter() -> None:
    gp3 = ACTIONS.get("migrate_gp2_to_gp3")
    with pytest.raises(ConfigurationError, match="iops: must be an integer >= 3000"):
        gp3.parameters_from({"iops": 100})
    with pytest.raises(ConfigurationError, match="throughput_mibps: must be <= 1000"):
        gp3.parameters_from({"throughput_mibps": 2000})
    with pytest.raises(ConfigurationError, match="retention_days"):
        ACTIONS.get("delete_old_snapshot").parameters_from({"retention_days": 0})
    with pytest.raises(ConfigurationError, match="max_wait_seconds"):
        ACTIONS.get("stop_instance").parameters_from({"max_wait_seconds": 1})
    with pytest.raises(ConfigurationError, match=r"unknown parameter.*instance_type"):
        ACTIONS.get("resize_instance").parameters_from({"instance_type": "t3.nano"})


def run_every_method(act: Action, clients: RecordingClients, target: Target) -> set[str]:
    """describe, dry run, execute, verify and (reversible) rollback; the IAM actions called."""
    act.describe(clients, target)
    act.dry_run(clients, target)
    outcome = act.execute(clients, target)
    assert outcome.changed
    assert set(outcome.calls) <= set(act.iam_actions)
    act.verify(clients, target)
    if act.reversible:
        act.rollback(clients, target, outcome.undo)
    return clients.recorded()


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_calls_are_exactly_the_declared_iam_actions(
    name: str, aws: MotoAws, clients: RecordingClients
) -> None:
    act = action(name)
    assert run_every_method(act, clients, SCENARIOS[name](aws)) == set(act.iam_actions)


class _UnderDeclared(StopInstance):
    """An action that exists only in this test: it forgets the call its rollback makes.

    Example::

        action: stop_instance_underdeclared
        resource: AWS::EC2::Instance
        fixes: idle_instance
        parameters:
          max_wait_seconds: 600
    """

    name = "stop_instance_underdeclared"
    iam_actions = ("ec2:DescribeInstances", "ec2:StopInstances")


def test_the_recording_notices_an_undeclared_call(aws: MotoAws, clients: RecordingClients) -> None:
    with ACTIONS.temporarily(_UnderDeclared):
        _meta_check(_UnderDeclared)  # well formed otherwise
        recorded = run_every_method(_UnderDeclared(), clients, idle_instance(aws))
    assert recorded - set(_UnderDeclared.iam_actions) == {"ec2:StartInstances"}
    model = botocore.session.get_session().get_service_model("ec2")
    assert "StopInstance" not in model.operation_names  # a misspelt action would fail


def test_the_iam_policy_is_the_union_of_the_declared_actions() -> None:
    policy = iam_policy()
    allowed = policy["Statement"][0]["Action"]
    assert allowed == sorted({a for cls in ACTIONS for a in cls.iam_actions})
    assert len(allowed) == len(iam_actions()) == 17
    assert not any("*" in a for a in allowed)


def test_the_documented_iam_policy_is_the_generated_one() -> None:
    block = documented(REMEDIATION_MD, "remediation-iam-policy")
    assert block.startswith("```json\n") and block.endswith("\n```")
    assert json.loads(block.removeprefix("```json").removesuffix("```")) == iam_policy()
    assert block == iam_policy_block()


def test_the_documented_actions_table_is_the_registry(tmp_path: Path) -> None:
    table = documented(REMEDIATION_MD, "remediation-actions")
    assert table == actions_table()
    assert len(table.splitlines()) == 2 + len(ACTIONS)
    # the generator rewrites a stale copy, and only when it differs
    stale = tmp_path / "remediation.md"
    stale.write_text(REMEDIATION_MD.read_text().replace("`stop_rds_instance`", "`stop_db`"))
    assert write_blocks(stale) is True
    assert stale.read_text() == REMEDIATION_MD.read_text()
    assert write_blocks(stale) is False
