"""The remediation actions: one small class per action, registered in ``ACTIONS``.

Importing this package registers every action, in the order docs/remediation.md lists them.
"""

from __future__ import annotations

# isort: off
from finops.remediation.actions import ec2  # noqa: F401
from finops.remediation.actions import ebs  # noqa: F401
from finops.remediation.actions import network  # noqa: F401
from finops.remediation.actions import rds  # noqa: F401

# isort: on
from finops.remediation.actions.base import ACTIONS, Action, Clients, Outcome, Target

__all__ = ["ACTIONS", "Action", "Clients", "Outcome", "Target"]
