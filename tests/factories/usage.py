"""Populate a moto server through boto3, the way an AWS organization would look.

- ``MotoAws``: clients per account (moto keeps one backend per account; linked accounts are
  reached through ``sts:AssumeRole``, as the collectors do).
- ``stream_records`` / ``write_stream_subset`` / ``put_records``: take Metric Streams lines the
  generator wrote, keep a small window of them, write them back as a Metric Streams folder AND
  put the very same statistic sets into CloudWatch per account — so the file path and the API
  path can be compared point for point.
- ``lock_down``: turn moto's IAM enforcement on with one account whose role may read and one
  whose role may not (AccessDenied), for the fault tests.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import requests

ROLE = "OrganizationAccountAccessRole"
READ_ONLY_ACTIONS = [
    "ec2:Describe*",
    "elasticloadbalancing:Describe*",
    "rds:Describe*",
    "lambda:List*",
    "cloudwatch:GetMetricData",
    "cloudwatch:ListMetrics",
    # moto checks CloudWatch calls against the signing name ("monitoring:"), AWS against
    # "cloudwatch:"; the role allows both so the test means the same thing on either.
    "monitoring:GetMetricData",
    "monitoring:ListMetrics",
]


@dataclass
class MotoAws:
    endpoint: str
    access_key: str = "testing"
    secret_key: str = "testing"

    def client(self, service: str, region: str = "us-east-1", account: str | None = None) -> Any:
        creds: dict[str, str | None] = {
            "aws_access_key_id": self.access_key,
            "aws_secret_access_key": self.secret_key,
            "aws_session_token": None,
        }
        if account is not None:
            assumed = self.client("sts").assume_role(
                RoleArn=f"arn:aws:iam::{account}:role/{ROLE}", RoleSessionName="factory"
            )["Credentials"]
            creds = {
                "aws_access_key_id": assumed["AccessKeyId"],
                "aws_secret_access_key": assumed["SecretAccessKey"],
                "aws_session_token": assumed["SessionToken"],
            }
        return boto3.client(service, endpoint_url=self.endpoint, region_name=region, **creds)

    def reset(self) -> None:
        requests.post(f"{self.endpoint}/moto-api/reset-auth", data=b"inf", timeout=10)
        requests.post(f"{self.endpoint}/moto-api/reset", timeout=30)


def image_id(ec2: Any) -> str:
    return str(ec2.describe_images(Owners=["amazon"], MaxResults=5)["Images"][0]["ImageId"])


def run_instance(ec2: Any, *, instance_type: str = "t3.large", tags: dict[str, str]) -> str:
    made = ec2.run_instances(
        ImageId=image_id(ec2),
        MinCount=1,
        MaxCount=1,
        InstanceType=instance_type,
        TagSpecifications=[
            {"ResourceType": "instance", "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}
        ],
    )
    return str(made["Instances"][0]["InstanceId"])


def create_volume(ec2: Any, region: str, *, size: int = 50, tags: dict[str, str]) -> str:
    volume = ec2.create_volume(
        Size=size,
        AvailabilityZone=f"{region}a",
        VolumeType="gp3",
        TagSpecifications=[
            {"ResourceType": "volume", "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}
        ],
    )
    return str(volume["VolumeId"])


# ---- metrics -------------------------------------------------------------------------------


def stream_records(root: Path, *, day: str, hours: Iterable[int]) -> list[dict[str, Any]]:
    """The Metric Streams records the generator delivered in ``hours`` of ``day`` (YYYY/MM/DD)."""
    records: list[dict[str, Any]] = []
    for hour in hours:
        for path in sorted((root / day / f"{hour:02d}").glob("*.gz")):
            records += [
                json.loads(line) for line in gzip.decompress(path.read_bytes()).splitlines()
            ]
    return records


def write_stream_subset(records: list[dict[str, Any]], out: Path) -> Path:
    """Write ``records`` back as a Firehose delivery (one gzip JSON-lines object per hour)."""
    by_hour: dict[datetime, list[dict[str, Any]]] = {}
    for r in records:
        moment = datetime.fromtimestamp(r["timestamp"] / 1000, UTC)
        by_hour.setdefault(moment.replace(minute=0, second=0), []).append(r)
    for hour, rows in sorted(by_hour.items()):
        folder = out / f"{hour:%Y/%m/%d/%H}"
        folder.mkdir(parents=True, exist_ok=True)
        payload = "".join(json.dumps(r) + "\n" for r in rows).encode()
        (folder / f"subset-{hour:%Y-%m-%d-%H}.gz").write_bytes(gzip.compress(payload))
    return out


def put_records(aws: MotoAws, records: list[dict[str, Any]]) -> int:
    """PutMetricData of the records' statistic sets into each record's own account."""
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for r in records:
        value = r["value"]
        groups.setdefault((r["account_id"], r["region"], r["namespace"]), []).append(
            {
                "MetricName": r["metric_name"],
                "Dimensions": [{"Name": k, "Value": v} for k, v in r["dimensions"].items()],
                "Timestamp": datetime.fromtimestamp(r["timestamp"] / 1000, UTC),
                "StatisticValues": {
                    "SampleCount": value["count"],
                    "Sum": value["sum"],
                    "Minimum": value["min"],
                    "Maximum": value["max"],
                },
                "Unit": r["unit"],
            }
        )
    for (account, region, namespace), data in sorted(groups.items()):
        cloudwatch = aws.client("cloudwatch", region, account)
        for start in range(0, len(data), 1000):
            cloudwatch.put_metric_data(Namespace=namespace, MetricData=data[start : start + 1000])
    return len(records)


# ---- IAM -----------------------------------------------------------------------------------


def lock_down(aws: MotoAws, *, readable: list[str], denied: list[str]) -> MotoAws:
    """Create a collector user and per-account roles, then enforce IAM.

    Roles in ``readable`` accounts get the read-only collector policy; roles in ``denied``
    accounts get none (every call is AccessDenied). Returns the collector's credentials.
    """
    iam = aws.client("iam")
    iam.create_user(UserName="finops-collector")
    iam.put_user_policy(
        UserName="finops-collector",
        PolicyName="assume-collector-roles",
        PolicyDocument=_policy(["sts:AssumeRole", "sts:GetCallerIdentity"]),
    )
    key = iam.create_access_key(UserName="finops-collector")["AccessKey"]
    trust = _policy(["sts:AssumeRole"], principal={"AWS": "*"})
    for account in [*readable, *denied]:
        role_iam = aws.client("iam", account=account)
        role_iam.create_role(RoleName=ROLE, AssumeRolePolicyDocument=trust)
        if account in readable:
            role_iam.put_role_policy(
                RoleName=ROLE,
                PolicyName="finops-read-only",
                PolicyDocument=_policy(READ_ONLY_ACTIONS),
            )
    requests.post(f"{aws.endpoint}/moto-api/reset-auth", data=b"0", timeout=10)
    return MotoAws(aws.endpoint, key["AccessKeyId"], key["SecretAccessKey"])


def _policy(actions: list[str], principal: dict[str, str] | None = None) -> str:
    statement: dict[str, Any] = {"Effect": "Allow", "Action": actions}
    if principal is None:
        statement["Resource"] = "*"
    else:
        statement["Principal"] = principal
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})
