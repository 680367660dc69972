"""Remediation policies: which finding types an action fixes, where, how many at a time, when,
and whether a person must approve.

Policies are YAML files (``*.yaml``/``*.yml``) in one folder (``Settings.remediation_policy_path``,
default ``<home>/policies``), each a mapping with a ``policies`` list, in the Cloud Custodian
style. :func:`load_policies` validates every file and raises one :class:`PolicyError` that names
each problem as ``file:policy:field: message``. Finding types come from the finding rule
registry, actions and their parameters from the action registry: a policy can name nothing else.

The format, with examples, is in docs/remediation.md; ``finops/remediation/examples/`` holds one
policy per action.
"""

from __future__ import annotations

from pathlib import Path

from finops.remediation.policies.loader import load_policies, validate_policies
from finops.remediation.policies.parts import (
    OPT_OUT_TAG,
    Approval,
    AutoConditions,
    Exclusions,
    Scope,
    Window,
)
from finops.remediation.policies.policy import InAccount, Policy, ProposalFacts

EXAMPLES = Path(__file__).parents[1] / "examples"

__all__ = [
    "EXAMPLES",
    "OPT_OUT_TAG",
    "Approval",
    "AutoConditions",
    "Exclusions",
    "InAccount",
    "Policy",
    "ProposalFacts",
    "Scope",
    "Window",
    "load_policies",
    "validate_policies",
]
