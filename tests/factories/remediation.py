"""Remediation factories: a finding planted in the warehouse (one run of a findings job, as the
optimization jobs write it), a policy folder, the clock of a test, and proposals for idle
instances run in moto, made by the core's ``propose``."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from finops.analytics.optimization.findings import Finding, write_run
from finops.config import Settings
from finops.db.engine import get_engine
from finops.ingest.aws import AwsSettings
from finops.remediation import remediation_sessions
from finops.remediation.policies import load_policies
from finops.remediation.proposer import propose
from finops.remediation.store import get_proposal
from tests.factories.moto import start_moto_server, stop_moto_server
from tests.factories.policies import variant, write_policies
from tests.factories.usage import MotoAws, run_instance

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


# ---- proposals for idle instances in moto, made by the core ---------------------------------

OTHER = "111122223333"  # a linked account: through the remediation role
PROPOSER = "user:proposer"
IDLE_POLICY = """\
policies:
  - name: stop-idle
    description: Stop idle instances.
    finding_types: [idle_instance]
    action: stop_instance
    max_resources_per_run: 50
    max_resources_per_account: 50
"""
_runs = itertools.count(1)


def idle_policy_folder(folder: Path) -> Path:
    """A policy folder whose one policy, ``stop-idle``, stops idle instances anywhere."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "idle.yaml").write_text(IDLE_POLICY)
    return folder


def propose_idle(
    settings: Settings,
    aws: MotoAws,
    *,
    accounts: dict[str, int],
    actor: str = PROPOSER,
) -> list[int]:
    """Run ``accounts[account]`` idle instances in each account (moto), record their
    ``idle_instance`` findings (a run of a job of their own, by the jobs' writer) and propose
    under the policies of ``settings.remediation_policy_path``, four eyes as the settings say;
    returns the new proposals' ids in the order of ``accounts``."""
    made: list[tuple[str, str]] = []
    for account, count in accounts.items():
        ec2 = aws.client("ec2", REGION, account=None if account == ACCOUNT else account)
        made += [(account, run_instance(ec2, tags={"Name": "idle"})) for _ in range(count)]
    run = next(_runs)
    engine = get_engine(settings)
    with engine.begin() as conn:
        write_run(
            conn,
            job=f"idle-{run}",
            as_of=date.today(),
            run_id=f"idle-{run}",
            findings=[
                Finding(
                    finding_type="idle_instance",
                    account_id=account,
                    region=REGION,
                    resource_id=iid,
                    resource_type="AWS::EC2::Instance",
                    service="AmazonEC2",
                    scope="",
                    estimated_monthly_savings=Decimal("70.08"),
                    details={"cpu_p95": 0.8},
                )
                for account, iid in made
            ],
            currency="USD",
            parameters={},
        )
    report = propose(
        engine,
        policies=load_policies(settings.remediation_policy_path),
        clients=remediation_sessions(settings=AwsSettings.from_settings(settings)),
        actor=actor,
        now=now(),
        four_eyes=settings.remediation_four_eyes,
    )
    with engine.connect() as conn:
        by_resource = {get_proposal(conn, i).resource_id: i for i in report.proposed}
    return [by_resource[iid] for _, iid in made]


def instance_state(aws: MotoAws, instance_id: str, account: str | None = None) -> str:
    ec2 = aws.client("ec2", REGION, account=account)
    found = ec2.describe_instances(InstanceIds=[instance_id])
    return str(found["Reservations"][0]["Instances"][0]["State"]["Name"])


@contextmanager
def moto_aws() -> Iterator[MotoAws]:
    """A moto server of its own, with the process's AWS credentials pointing at nothing real
    (fixed test keys, no profile, no config file) while it runs."""
    server, endpoint = start_moto_server()
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("AWS_ACCESS_KEY_ID", "testing")
            mp.setenv("AWS_SECRET_ACCESS_KEY", "testing")
            mp.setenv("AWS_DEFAULT_REGION", REGION)
            for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
                mp.delenv(name, raising=False)
            mp.setenv("AWS_CONFIG_FILE", "/nonexistent")
            mp.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
            yield MotoAws(endpoint)
    finally:
        stop_moto_server(server, endpoint)
