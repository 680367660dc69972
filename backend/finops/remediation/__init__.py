"""Remediation: the registry of actions that fix findings (``finops.remediation.actions``) and
the IAM policy of the remediation role generated from it (docs/remediation.md)."""

from __future__ import annotations

from typing import Any

from finops.remediation.actions import ACTIONS, Action, Clients, Outcome, Target


def iam_actions() -> tuple[str, ...]:
    """Every IAM action the registered actions declare, sorted, once each."""
    return tuple(sorted({a for action in ACTIONS for a in action.iam_actions}))


def iam_policy() -> dict[str, Any]:
    """The identity policy of the remediation role: exactly the declared actions."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "FinOpsRemediation",
                "Effect": "Allow",
                "Action": list(iam_actions()),
                "Resource": "*",
            }
        ],
    }


__all__ = ["ACTIONS", "Action", "Clients", "Outcome", "Target", "iam_actions", "iam_policy"]
