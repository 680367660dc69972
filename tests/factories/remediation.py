"""Remediation factories: a finding planted in the warehouse (one run of a findings job, as the
optimization jobs write it), a policy folder, and the clock of a test."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from finops.analytics.optimization.findings import Finding, write_run
from tests.factories.policies import variant, write_policies

ACCOUNT = "123456789012"  # moto's own account: the base session, no AssumeRole
REGION = "us-east-1"


def now() -> datetime:
    return datetime.now(UTC)


def plant_findings(
    engine: Engine,
    *resources: str,
    finding_type: str = "idle_instance",
    savings: str = "42.00",
    as_of: date | None = None,
    details: dict[str, Any] | None = None,
    job: str = "waste",
) -> None:
    """One run of ``job`` naming each resource as a finding of ``finding_type``."""
    findings = [
        Finding(
            finding_type=finding_type,
            account_id=ACCOUNT,
            region=REGION,
            resource_id=resource,
            resource_type="AWS::EC2::Instance",
            service="AmazonEC2",
            scope="",
            estimated_monthly_savings=Decimal(savings),
            details=dict(details or {"cpu_p95": 1.5}),
        )
        for resource in resources
    ]
    with engine.begin() as conn:
        write_run(
            conn,
            job=job,
            as_of=as_of or date.today(),
            run_id=f"test-{job}",
            findings=findings,
            currency="USD",
            parameters={},
        )


def policy_folder(folder: Path, *extras: str) -> Path:
    """A folder with one policy per ``extra`` (a variant of the base stop_instance policy:
    ``idle-<i>``)."""
    write_policies(
        folder, "policies.yaml", *(variant(f"idle-{i}", e) for i, e in enumerate(extras))
    )
    return folder
