"""Remediation: the registry of actions that fix findings (``finops.remediation.actions``) and
the IAM policy of the remediation role generated from it (docs/remediation.md)."""

from __future__ import annotations

import dataclasses
from typing import Any

from finops.ingest.aws import AwsSessions, AwsSettings, BaseSession
from finops.remediation.actions import ACTIONS, Action, Clients, Outcome, Target

REMEDIATION_ROLE = "FinOpsRemediation"


def remediation_sessions(
    *,
    role_name: str = REMEDIATION_ROLE,
    settings: AwsSettings | None = None,
    base: BaseSession | None = None,
) -> AwsSessions:
    """Clients for the actions: the collectors' settings (endpoint, adaptive retries), but
    ``sts:AssumeRole`` into the remediation role of each account, never the read-only
    collector role (the caller's own account uses the base session, as for collection).
    ``base``: the base session (the DAG's Airflow connection); None: the default chain."""
    aws = settings or AwsSettings.from_settings()
    return AwsSessions(
        settings=dataclasses.replace(aws, role_name=role_name, session_name="finops-remediation"),
        provided=base,
    )


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


__all__ = [
    "ACTIONS",
    "REMEDIATION_ROLE",
    "Action",
    "Clients",
    "Outcome",
    "Target",
    "iam_actions",
    "iam_policy",
    "remediation_sessions",
]
