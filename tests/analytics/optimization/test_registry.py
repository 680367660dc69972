"""The finding rule registry is the one description of the finding types: the API's enum and
OpenAPI schema, the Cost Optimization Hub map, the evaluation's list, the docs table and the
dashboard's labels are generated from or checked against it. Each drift check below is a
function returning what differs; the last test registers a fake rule and requires every check
to notice it. The meta-tests check every registry in ``finops.registry.REGISTRIES``."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest

from finops.analytics.optimization.findings import COMMITMENT_WASTE, RATE_DIFFERENCE, REMOVAL
from finops.analytics.optimization.policy import TagPolicy, WastePolicy
from finops.analytics.optimization.rules import (
    FINDING_RULES,
    FindingRule,
    coh_actions,
    evaluated_types,
    finding_types,
    labels,
)
from finops.analytics.optimization.rules.base import NO_SAVINGS, WASTE_JOB
from finops.analytics.optimization.rules.doctable import documented_table, finding_types_table
from finops.errors import ConfigurationError
from finops.registry import REGISTRIES, Registered

ROOT = Path(__file__).resolve().parents[3]
FINDINGS_TS = ROOT / "frontend" / "src" / "lib" / "findings.ts"
ANALYTICS_MD = ROOT / "docs" / "analytics.md"
JOBS = {"rightsizing", "waste", "tagging", "commitments"}
SAVINGS_METHODS = {REMOVAL, RATE_DIFFERENCE, COMMITMENT_WASTE, NO_SAVINGS}


# ---- drift checks: each returns what differs from the registry ------------------------------


def _differs(where: str, found: object, expected: object) -> list[str]:
    return [] if found == expected else [f"{where}: {found!r} != registry {expected!r}"]


def api_enum_drift() -> list[str]:
    from finops.api.routes.findings import FindingType

    return _differs("api FindingType", tuple(t.value for t in FindingType), finding_types())


def openapi_drift() -> list[str]:
    from finops.api.main import create_app

    schema = create_app(frontend_dist=None).openapi()
    enum = schema["components"]["schemas"]["FindingType"]["enum"]
    return _differs("OpenAPI FindingType", tuple(enum), finding_types())


def coh_drift() -> list[str]:
    from finops.api.routes.optimization import PLATFORM_ACTIONS

    return _differs("COH comparison", PLATFORM_ACTIONS, coh_actions())


def evaluation_drift() -> list[str]:
    from finops.analytics.optimization.evaluation import EVALUATED_TYPES

    return _differs("evaluation", EVALUATED_TYPES, evaluated_types())


def docs_drift() -> list[str]:
    out = _differs("docs/analytics.md table", documented_table(ANALYTICS_MD), finding_types_table())
    scored = _eval_table_types(ANALYTICS_MD.read_text())
    return out + _differs("docs/analytics.md eval scores", scored, evaluated_types())


def _eval_table_types(text: str) -> tuple[str, ...]:
    section = text.split("### Evaluation on the generated estate", 1)[1]
    table = section.split("| type | expected |", 1)[1].split("\n\n", 1)[0]
    return tuple(
        cells[1].strip()
        for row in table.splitlines()[2:]
        if (cells := row.split("|")) and len(cells) > 2
    )


def frontend_labels(text: str) -> dict[str, str]:
    """The type → label map ``FINDING_TYPE_LABELS`` in frontend/src/lib/findings.ts."""
    body = re.search(r"FINDING_TYPE_LABELS[^=]*=\s*\{(.*?)\n\};", text, re.S)
    assert body is not None, "FINDING_TYPE_LABELS not found in findings.ts"
    return dict(re.findall(r'^\s*(\w+):\s*"([^"]*)",?\s*$', body.group(1), re.M))


def frontend_drift() -> list[str]:
    text = FINDINGS_TS.read_text()
    found = frontend_labels(text)
    out = _differs("findings.ts labels", found, labels())
    stale = sorted(set(re.findall(r'case "(\w+)":', text)) - set(finding_types()))
    return out + ([f"findings.ts switch cases not in the registry: {stale}"] if stale else [])


DRIFT_CHECKS: list[Callable[[], list[str]]] = [
    api_enum_drift,
    openapi_drift,
    coh_drift,
    evaluation_drift,
    docs_drift,
    frontend_drift,
]


@pytest.mark.parametrize("check", DRIFT_CHECKS, ids=lambda c: c.__name__)
def test_generated_and_checked_lists_match_the_registry(check: Callable[[], list[str]]) -> None:
    assert check() == []


def test_the_frontend_parser_reads_every_label() -> None:
    found = frontend_labels(FINDINGS_TS.read_text())
    assert len(found) == len(FINDING_RULES) == 14
    assert found["gp2_volume"] == "gp2 → gp3 volume"


class _FakeRule(FindingRule):
    """A rule that exists only in this test.

    Example::

        finding: fake_rule
        resource: AWS::EC2::Instance
        parameters:
          idle_min_hours: 30
    """

    finding_type = "fake_rule"
    resource_types = ("AWS::EC2::Instance",)
    label = "Fake"
    Parameters = WastePolicy
    parameter_names = ("idle_min_hours",)
    job = WASTE_JOB
    savings_method = REMOVAL
    coh_action = "Delete"


def test_every_check_fails_when_a_rule_joins_the_registry_alone() -> None:
    with FINDING_RULES.temporarily(_FakeRule):
        assert "fake_rule" in finding_types()
        failing = {check.__name__: check() for check in DRIFT_CHECKS}
    assert all(failing.values()), {k: v for k, v in failing.items() if not v}
    assert "fake_rule" not in finding_types()
    _meta_check(_FakeRule)  # the fake rule itself is well formed


# ---- meta-tests: every registered class --------------------------------------------------


def _registered() -> list[type[Registered]]:
    return [cls for registry in REGISTRIES for cls in registry]


def _meta_check(cls: type[Registered]) -> dict[str, Any]:
    example = cls.example()
    parameters = example.get("parameters", {})
    assert tuple(parameters) == cls.parameter_names, (cls.name, tuple(parameters))
    names = {f.name for f in fields(cls.Parameters)}
    assert set(cls.parameter_names) <= names, (cls.name, set(cls.parameter_names) - names)
    assert isinstance(cls.parameters_from(parameters), cls.Parameters)
    return example


@pytest.mark.parametrize("cls", _registered(), ids=lambda c: c.name)
def test_every_docstring_example_parses_and_validates(cls: type[Registered]) -> None:
    example = _meta_check(cls)
    if issubclass(cls, FindingRule):
        assert example["finding"] == cls.finding_type
        assert example["resource"] in cls.resource_types
        assert cls.label and cls.summary() and cls.job in JOBS
        assert cls.savings_method in SAVINGS_METHODS


def test_examples_show_the_defaults_and_validation_names_the_parameter() -> None:
    # every example shows its policy's defaults (so the docs never promise another default);
    # the tag rules' default policy is a file (allocation/default_tag_policy.json)
    for cls in FINDING_RULES:
        assert set(cls.defaults()) == set(cls.parameter_names)
        if cls.Parameters is not TagPolicy:
            assert cls.parameters_from(cls.example()["parameters"]) == cls.Parameters(), cls.name
    idle = FINDING_RULES.get("idle_instance")
    with pytest.raises(ConfigurationError, match="idle_instance_max_cpu_percent"):
        idle.parameters_from({"idle_instance_max_cpu_percent": 150})
    with pytest.raises(ConfigurationError, match=r"unknown parameter.*min_days"):
        idle.parameters_from({"min_days": 3})
    with pytest.raises(ConfigurationError, match=r"idle_instance\.idle_min_hours: expected float"):
        idle.parameters_from({"idle_min_hours": "thirty"})
    with pytest.raises(ConfigurationError, match="registered twice"):
        FINDING_RULES.register(idle)
    with pytest.raises(ConfigurationError, match="unknown finding rule 'nope'"):
        FINDING_RULES.get("nope")


def test_registry_order_gives_compute_precedence() -> None:
    from finops.analytics.optimization.policy import RightsizingPolicy
    from finops.analytics.optimization.rules.compute import compute_rules

    order = [r.finding_type for r in compute_rules(RightsizingPolicy(), WastePolicy())]
    assert order == [
        "idle_instance",
        "idle_rds",
        "oversized_instance",
        "oversized_rds",
        "previous_generation_instance",
    ]
    assert len(finding_types()) == len(set(finding_types())) == 14
    assert set(finding_types()) - set(evaluated_types()) == {"oversized_rds"}
