"""Remediation proposals made the way the platform makes them: idle instances run in a moto
server, their ``idle_instance`` findings written by the optimization jobs' own writer
(``write_run``), then the remediation core's ``propose`` under a policy for them."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import yaml

from finops.analytics.optimization.findings import Finding, write_run
from finops.config import Settings
from finops.db.engine import get_engine
from finops.ingest.aws import AwsSettings
from finops.remediation import remediation_sessions
from finops.remediation.policies import Policy
from finops.remediation.proposer import propose
from tests.factories.usage import MotoAws, run_instance

ACCOUNT = "123456789012"  # moto's own account: the base session
OTHER = "111122223333"  # a linked account: through the remediation role
REGION = "us-east-1"
PROPOSER = "user:proposer"

IDLE_POLICY = """\
name: stop-idle
description: Stop idle instances.
finding_types: [idle_instance]
action: stop_instance
max_resources_per_run: 50
max_resources_per_account: 50
"""

_runs = itertools.count(1)


def idle_policy() -> Policy:
    return Policy.model_validate(yaml.safe_load(IDLE_POLICY))


def idle_finding(instance_id: str, account: str) -> Finding:
    return Finding(
        finding_type="idle_instance",
        account_id=account,
        region=REGION,
        resource_id=instance_id,
        resource_type="AWS::EC2::Instance",
        service="AmazonEC2",
        scope="",
        estimated_monthly_savings=Decimal("70.08"),
        details={"max_cpu_percent": 0.8, "hours_observed": 72},
    )


def propose_idle(
    settings: Settings,
    aws: MotoAws,
    *,
    accounts: dict[str, int],
    actor: str = PROPOSER,
    now: datetime | None = None,
) -> list[int]:
    """Run ``accounts[account]`` idle instances in each account, record their findings (a new
    run of a job of their own) and propose; returns the new proposals' ids in the order of
    ``accounts``."""
    made: list[tuple[str, str]] = []
    for account, count in accounts.items():
        ec2 = aws.client("ec2", REGION, account=None if account == ACCOUNT else account)
        made += [(account, run_instance(ec2, tags={"Name": "idle"})) for _ in range(count)]
    run = next(_runs)
    engine = get_engine(settings)
    with engine.begin() as conn:
        write_run(
            conn,
            job=f"api-test-{run}",
            as_of=date.today(),
            run_id=f"api-test-{run}",
            findings=[idle_finding(iid, account) for account, iid in made],
            currency="USD",
            parameters={},
        )
    report = propose(
        engine,
        policies=[idle_policy()],
        clients=remediation_sessions(settings=AwsSettings.from_settings(settings)),
        actor=actor,
        now=now or datetime.now(UTC),
    )
    by_resource = _proposals_by_resource(settings, report.proposed)
    return [by_resource[iid] for _, iid in made]


def _proposals_by_resource(settings: Settings, ids: list[int]) -> dict[str, int]:
    from finops.remediation import store

    with get_engine(settings).connect() as conn:
        return {store.get_proposal(conn, i).resource_id: i for i in ids}


def instance_state(aws: MotoAws, instance_id: str, account: str | None = None) -> Any:
    ec2 = aws.client("ec2", REGION, account=account)
    found = ec2.describe_instances(InstanceIds=[instance_id])
    return found["Reservations"][0]["Instances"][0]["State"]["Name"]
