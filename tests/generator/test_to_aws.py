"""``to_aws_endpoint``: the estate lands in a moto server on loopback, readable through boto3."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from finops.generator import generate
from tests.factories.moto import start_moto_server, stop_moto_server
from tests.generator.helpers import small_options


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    server, endpoint = start_moto_server()
    yield endpoint
    stop_moto_server(server, endpoint)


def client(endpoint: str, service: str, region: str = "us-east-1", **creds: str) -> object:
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id=creds.get("AccessKeyId", "testing"),
        aws_secret_access_key=creds.get("SecretAccessKey", "testing"),
        aws_session_token=creds.get("SessionToken"),
    )


def test_estate_loads_into_moto(endpoint: str, tmp_path: Path) -> None:
    from datetime import date

    result = generate(
        small_options(
            tmp_path,
            start=date(2026, 9, 1),
            formats=("cur2",),
            utilization_days=1,
            to_aws_endpoint=endpoint,
            to_aws_max_datapoints=3000,
        )
    )
    report = result.aws_load
    assert report is not None and report.instances > 20 and report.datapoints == 3000
    s3 = client(endpoint, "s3")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="finops-demo-billing")["Contents"]]  # type: ignore[attr-defined]
    manifest_key = "cur2/finops-demo/metadata/BILLING_PERIOD=2026-09/finops-demo-Manifest.json"
    assert manifest_key in keys
    manifest = json.loads(
        s3.get_object(Bucket="finops-demo-billing", Key=manifest_key)["Body"].read()  # type: ignore[attr-defined]
    )
    for data_file in manifest["dataFiles"]:
        assert data_file.split("finops-demo-billing/", 1)[1] in keys
    truth = json.loads(result.ground_truth_path.read_text())
    account = truth["organization"]["accounts"][0]["account_id"]
    sts = client(endpoint, "sts")
    creds = sts.assume_role(  # type: ignore[attr-defined]
        RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole", RoleSessionName="test"
    )["Credentials"]
    ec2 = client(endpoint, "ec2", truth["organization"]["accounts"][0]["regions"][0], **creds)
    reservations = ec2.describe_instances(  # type: ignore[attr-defined]
        Filters=[{"Name": "tag-key", "Values": ["finops:simulated-id"]}]
    )["Reservations"]
    simulated = {
        t["Value"]
        for r in reservations
        for i in r["Instances"]
        for t in i["Tags"]
        if t["Key"] == "finops:simulated-id"
    }
    assert simulated and all(s.startswith("i-") for s in simulated)
    idle = [s for s in truth["situations"] if s["kind"] == "unassociated_eip"]
    for s in idle:
        assert s["resource_id"] in report.id_map
    # metrics land in the account that owns the resource, keyed by the endpoint's instance ids
    moto_ids = set(report.id_map.values())
    found: list[dict[str, object]] = []
    for account_id in sorted({s["account_id"] for s in truth["situations"] if s["account_id"]}):
        sts = client(endpoint, "sts")
        creds = sts.assume_role(  # type: ignore[attr-defined]
            RoleArn=f"arn:aws:iam::{account_id}:role/OrganizationAccountAccessRole",
            RoleSessionName="test",
        )["Credentials"]
        for region in ("us-east-1", "eu-west-1", "us-west-2", "ap-southeast-2"):
            cw = client(endpoint, "cloudwatch", region, **creds)
            found += cw.list_metrics(  # type: ignore[attr-defined]
                Namespace="AWS/EC2", MetricName="CPUUtilization"
            )["Metrics"]
    assert found
    assert {d["Value"] for m in found for d in m["Dimensions"]} <= moto_ids  # type: ignore[union-attr, index]
    default = client(endpoint, "cloudwatch", "us-east-1")
    assert default.list_metrics(Namespace="AWS/EC2")["Metrics"] == []  # type: ignore[attr-defined]
