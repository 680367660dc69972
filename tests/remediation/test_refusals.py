"""Refusals change nothing and fail with a typed error.

- moto with IAM enforcement on (its own server: this module's) refuses a principal that may
  only describe; moto answers ``AccessDenied`` for EC2 (real EC2 answers a DryRun
  ``UnauthorizedOperation``), and the DryRun refusal is an ``ActionRefusedError``.
- moto cannot produce ``UnauthorizedOperation``, so its mapping is tested through a botocore
  ``Stubber`` on a real EC2 client: the DryRun of StopInstances answered with AWS's error code.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import requests
from botocore.stub import Stubber

from finops.errors import ActionRefusedError, RemediationError
from finops.ingest.aws import AwsSessions, AwsSettings
from finops.remediation.actions import ACTIONS, Target
from tests.factories.usage import MotoAws
from tests.remediation.conftest import ACCOUNT, REGION
from tests.remediation.scenarios import idle_instance, target


@pytest.fixture
def running_instance(aws: MotoAws) -> Target:
    return idle_instance(aws)  # created with moto's admin credentials, before enforcement


@pytest.fixture
def describe_only(
    aws: MotoAws, running_instance: Target, monkeypatch: pytest.MonkeyPatch
) -> Iterator[AwsSessions]:
    """Credentials of a user allowed to describe instances only, with IAM enforced."""
    iam = aws.client("iam")
    iam.create_user(UserName="finops-describer")
    iam.put_user_policy(
        UserName="finops-describer",
        PolicyName="describe-only",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": ["ec2:DescribeInstances", "sts:GetCallerIdentity"],
                        "Resource": "*",
                    }
                ],
            }
        ),
    )
    key = iam.create_access_key(UserName="finops-describer")["AccessKey"]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
    requests.post(f"{aws.endpoint}/moto-api/reset-auth", data=b"0", timeout=10)
    try:
        settings = AwsSettings(endpoint_url=aws.endpoint, accounts=(ACCOUNT,), regions=(REGION,))
        yield AwsSessions(settings=settings)
    finally:
        requests.post(f"{aws.endpoint}/moto-api/reset-auth", data=b"inf", timeout=10)


def test_a_refused_dry_run_changes_nothing(
    aws: MotoAws, running_instance: Target, describe_only: AwsSessions
) -> None:
    t = running_instance
    act = ACTIONS.get("stop_instance")()
    with pytest.raises(ActionRefusedError, match="DryRun of StopInstances refused") as refused:
        act.dry_run(describe_only, t)
    assert refused.value.code == "AccessDenied"
    with pytest.raises(ActionRefusedError, match="StopInstances refused"):
        act.execute(describe_only, t)
    observed = act.describe(describe_only, t)  # the user may describe
    assert observed["state"] == "running"


class StubbedClients:
    """Clients that hand out one stubbed EC2 client (botocore's Stubber on a real client)."""

    def __init__(self, ec2: Any) -> None:
        self.ec2 = ec2

    def client(self, service: str, *, account_id: str | None, region: str) -> Any:
        assert service == "ec2"
        return self.ec2


def running(iid: str) -> dict[str, Any]:
    return {
        "Reservations": [
            {
                "Instances": [
                    {"InstanceId": iid, "InstanceType": "t3.large", "State": {"Name": "running"}}
                ]
            }
        ]
    }


@pytest.mark.parametrize(
    ("code", "error"),
    [("UnauthorizedOperation", ActionRefusedError), ("InternalError", RemediationError)],
)
def test_unauthorized_operation_on_a_dry_run_is_a_refusal(
    code: str, error: type[Exception]
) -> None:
    iid = "i-0123456789abcdef0"
    ec2 = boto3.client("ec2", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(ec2) as stub:
        stub.add_response("describe_instances", running(iid), {"InstanceIds": [iid]})
        stub.add_client_error(
            "stop_instances",
            service_error_code=code,
            http_status_code=403,
            expected_params={"InstanceIds": [iid], "DryRun": True},
        )
        with pytest.raises(error) as raised:
            ACTIONS.get("stop_instance")().dry_run(StubbedClients(ec2), target(iid))
        stub.assert_no_pending_responses()
    assert (getattr(raised.value, "code", None) == code) == (error is ActionRefusedError)


def test_a_dry_run_that_is_permitted_is_not_an_error() -> None:
    iid = "i-0123456789abcdef0"
    ec2 = boto3.client("ec2", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(ec2) as stub:
        stub.add_response("describe_instances", running(iid), {"InstanceIds": [iid]})
        stub.add_client_error("stop_instances", service_error_code="DryRunOperation")
        state = ACTIONS.get("stop_instance")().dry_run(StubbedClients(ec2), target(iid))
    assert state == {"state": "running", "instance_type": "t3.large", "tags": {}}
