"""The actions table and the IAM policy block of docs/remediation.md, generated from the
registry (tests/remediation/test_action_registry.py requires the doc to hold them verbatim)."""

from __future__ import annotations

import json

from finops.remediation import iam_policy
from finops.remediation.actions import ACTIONS


def actions_table() -> str:
    """One row per action: name, fixes, resource, IAM actions, reversible and how."""
    rows = [
        "| action | fixes | resource | IAM actions | reversible / how |",
        "|---|---|---|---|---|",
    ]
    for cls in ACTIONS:
        rows.append(
            "| "
            + " | ".join(
                [
                    f"`{cls.name}`",
                    ", ".join(f"`{f}`" for f in cls.fixes),
                    cls.resource_type,
                    ", ".join(f"`{a}`" for a in cls.iam_actions),
                    _reversible(cls.reversible, cls.undo),
                ]
            )
            + " |"
        )
    return "\n".join(rows)


def _reversible(reversible: bool, undo: str) -> str:
    return ("yes: " if reversible else "no: ") + undo.removeprefix("not reversible: ")


def iam_policy_json() -> str:
    return json.dumps(iam_policy(), indent=2)
