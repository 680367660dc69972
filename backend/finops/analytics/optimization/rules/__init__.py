"""The finding rules: one small class per finding type, registered in ``FINDING_RULES``.

Importing this package registers every rule, in the order the API lists the types. Everything
else that names finding types — the API's ``FindingType`` enum, the Cost Optimization Hub
comparison, the evaluation's list, the table in docs/analytics.md and the dashboard's labels in
frontend/src/lib/findings.ts — is generated from or checked against this registry
(tests/analytics/optimization/test_registry.py).
"""

from __future__ import annotations

# isort: off
# the registration order (the order of the API's enum, the docs table and the eval)
from finops.analytics.optimization.rules import compute  # noqa: F401
from finops.analytics.optimization.rules import storage  # noqa: F401
from finops.analytics.optimization.rules import network  # noqa: F401
from finops.analytics.optimization.rules import tagging  # noqa: F401
from finops.analytics.optimization.rules import commitments  # noqa: F401

# isort: on
from finops.analytics.optimization.rules.base import FINDING_RULES, FindingRule


def finding_types() -> tuple[str, ...]:
    """Every finding type, in registry order."""
    return FINDING_RULES.names()


def evaluated_types() -> tuple[str, ...]:
    """The finding types the generated estate's ground truth plants and the eval scores."""
    return tuple(rule.finding_type for rule in FINDING_RULES if rule.evaluated)


def coh_actions() -> dict[str, str]:
    """The Cost Optimization Hub action type each finding type recommends, where one does."""
    return {rule.finding_type: rule.coh_action for rule in FINDING_RULES if rule.coh_action}


def labels() -> dict[str, str]:
    """What the dashboard calls each finding type."""
    return {rule.finding_type: rule.label for rule in FINDING_RULES}


__all__ = [
    "FINDING_RULES",
    "FindingRule",
    "coh_actions",
    "evaluated_types",
    "finding_types",
    "labels",
]
