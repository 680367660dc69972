"""Remediation policy factories: a minimal valid policy (``BASE``), variants of it, policy
files in a folder, and findings to match against."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from textwrap import dedent, indent

import yaml

from finops.analytics.optimization.findings import Finding
from finops.remediation.policies import Policy

BASE = """\
name: {name}
description: Stop idle instances.
finding_types: [idle_instance]
action: stop_instance
max_resources_per_run: 3
max_resources_per_account: 2
"""


def variant(name: str, extra: str) -> str:
    """The base policy with each line of ``extra`` in place of the base's line of that key."""
    keys = {line.split(":")[0] for line in extra.splitlines()}
    base = BASE.format(name=name).splitlines()
    return "".join(line + "\n" for line in base if line.split(":")[0] not in keys) + extra


def write_policies(folder: Path, file: str, *policies: str) -> Path:
    """A policy file in ``folder`` holding the given policies (YAML mappings as text)."""
    folder.mkdir(parents=True, exist_ok=True)
    body = "".join("  - " + indent(p, "    ").lstrip() for p in policies)
    path = folder / file
    path.write_text("policies:\n" + body)
    return path


def make_policy(extra: str = "", name: str = "p") -> Policy:
    """The base policy with ``extra`` keys added (3 resources per run, 2 per account)."""
    data = yaml.safe_load(BASE.format(name=name) + dedent(extra))
    return Policy.model_validate(data)


def idle_finding(
    resource_id: str = "i-1", account: str = "111111111111", region: str = "us-east-1"
) -> Finding:
    """An idle instance finding saving 30.00 a month."""
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
