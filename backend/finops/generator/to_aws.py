"""``--to-aws ENDPOINT``: load the generated estate into an AWS-compatible endpoint (a moto server
in tests) so ingestion can be exercised through boto3 exactly as against AWS.

- S3: every exported file under its path relative to the output directory (``cur2/…``,
  ``cur/…``, ``focus/…`` in bucket ``finops-demo-billing`` — the bucket the manifests name;
  ``cloudwatch/…`` and ``config/…`` in ``finops-demo-telemetry``).
- EC2 (per simulated account, through ``sts:AssumeRole`` into that account, per region):
  instances, volumes (attached or not), snapshots (their source volume deleted), Elastic IPs.
  Endpoints assign their own resource ids, so every created resource carries the tags
  ``finops:simulated-id`` and ``finops:account-id``; the mapping is returned and written to
  ``<out>/to_aws/id_map.json`` (not part of the deterministic output).
- CloudWatch: ``PutMetricData`` of the utilization series (5-minute statistic sets), newest
  first, up to ``max_datapoints``.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import boto3
import structlog

from finops.generator.estate.model import Estate, Resource
from finops.generator.results import AwsLoadReport, GenerateResult

log = structlog.get_logger(__name__)

BILLING_BUCKET = "finops-demo-billing"
TELEMETRY_BUCKET = "finops-demo-telemetry"
ROLE = "OrganizationAccountAccessRole"


def _client(endpoint: str, service: str, region: str, creds: dict[str, str] | None = None) -> Any:
    session = boto3.session.Session(
        aws_access_key_id=creds["AccessKeyId"] if creds else "testing",
        aws_secret_access_key=creds["SecretAccessKey"] if creds else "testing",
        aws_session_token=creds["SessionToken"] if creds else None,
        region_name=region,
    )
    return session.client(service, endpoint_url=endpoint)  # type: ignore[call-overload]


def load_to_aws(
    *, endpoint: str, result: GenerateResult, estate: Estate, max_datapoints: int = 30_000
) -> AwsLoadReport:
    report = AwsLoadReport()
    _upload(endpoint, result, report)
    for account in estate.accounts:
        creds = _assume(endpoint, account.account_id)
        mine = [r for r in estate.resources if r.account_id == account.account_id]
        for region in sorted({r.region for r in mine}):
            _load_ec2(endpoint, creds, region, [r for r in mine if r.region == region], report)
    _load_metrics(endpoint, result.out_dir, report, max_datapoints)
    id_map = result.out_dir / "to_aws" / "id_map.json"
    id_map.parent.mkdir(parents=True, exist_ok=True)
    id_map.write_text(json.dumps(report.id_map, indent=2, sort_keys=True) + "\n")
    log.info(
        "to_aws.done",
        endpoint=endpoint,
        objects=report.objects,
        instances=report.instances,
        datapoints=report.datapoints,
    )
    return report


def _assume(endpoint: str, account_id: str) -> dict[str, str]:
    sts = _client(endpoint, "sts", "us-east-1")
    response = sts.assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/{ROLE}", RoleSessionName="finops-generator"
    )
    creds: dict[str, str] = response["Credentials"]
    return creds


def _upload(endpoint: str, result: GenerateResult, report: AwsLoadReport) -> None:
    s3 = _client(endpoint, "s3", "us-east-1")
    for bucket in (BILLING_BUCKET, TELEMETRY_BUCKET):
        s3.create_bucket(Bucket=bucket)
    for path in result.files:
        key = path.relative_to(result.out_dir).as_posix()
        bucket = (
            BILLING_BUCKET
            if key.split("/", 1)[0] in ("cur2", "cur", "focus")
            else (TELEMETRY_BUCKET)
        )
        s3.upload_file(str(path), bucket, key)
        report.objects += 1


def _tags(r: Resource) -> list[dict[str, str]]:
    tags = [{"Key": k, "Value": v} for k, v in sorted(r.tags.items())]
    tags += [
        {"Key": "finops:simulated-id", "Value": r.resource_id},
        {"Key": "finops:account-id", "Value": r.account_id},
    ]
    return tags


def _load_ec2(
    endpoint: str,
    creds: dict[str, str],
    region: str,
    resources: list[Resource],
    report: AwsLoadReport,
) -> None:
    ec2 = _client(endpoint, "ec2", region, creds)
    image = ec2.describe_images(Owners=["amazon"], MaxResults=5)["Images"][0]["ImageId"]
    ids: dict[str, str] = {}
    for r in (x for x in resources if x.kind == "ec2_instance" and x.terminate_hour is None):
        spec = {"ResourceType": "instance", "Tags": _tags(r)}
        made = ec2.run_instances(
            ImageId=image,
            MinCount=1,
            MaxCount=1,
            InstanceType=r.attrs["instance_type"],
            Placement={"AvailabilityZone": r.az},
            TagSpecifications=[spec],
        )
        ids[r.resource_id] = made["Instances"][0]["InstanceId"]
        report.instances += 1
    for r in (x for x in resources if x.kind == "ebs_volume" and x.terminate_hour is None):
        volume = ec2.create_volume(
            Size=r.attrs["size_gb"],
            AvailabilityZone=r.az,
            VolumeType=r.attrs["volume_type"],
            TagSpecifications=[{"ResourceType": "volume", "Tags": _tags(r)}],
        )
        ids[r.resource_id] = volume["VolumeId"]
        owner = r.attrs.get("attached_to")
        if owner in ids and r.attrs.get("detach_hour") is None:
            ec2.attach_volume(VolumeId=volume["VolumeId"], InstanceId=ids[owner], Device="/dev/sdf")
        report.volumes += 1
    for r in (x for x in resources if x.kind == "ebs_snapshot"):
        source = ec2.create_volume(Size=r.attrs["size_gb"], AvailabilityZone=f"{region}a")
        snap = ec2.create_snapshot(
            VolumeId=source["VolumeId"],
            Description=f"backup of {r.attrs['volume_id']}",
            TagSpecifications=[{"ResourceType": "snapshot", "Tags": _tags(r)}],
        )
        ec2.delete_volume(VolumeId=source["VolumeId"])
        ids[r.resource_id] = snap["SnapshotId"]
        report.snapshots += 1
    for r in (x for x in resources if x.kind == "elastic_ip"):
        address = ec2.allocate_address(
            Domain="vpc", TagSpecifications=[{"ResourceType": "elastic-ip", "Tags": _tags(r)}]
        )
        owner = r.attrs.get("associated_with")
        if owner in ids:
            ec2.associate_address(AllocationId=address["AllocationId"], InstanceId=ids[owner])
        ids[r.resource_id] = address["AllocationId"]
        report.addresses += 1
    report.id_map.update(ids)


def _load_metrics(endpoint: str, out_dir: Path, report: AwsLoadReport, limit: int) -> None:
    files = sorted((out_dir / "cloudwatch").rglob("*.gz"), reverse=True)
    # each account's metrics go into that account (through its assumed role), with resource
    # ids in the dimensions translated to the ids the endpoint assigned
    by_scope: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for path in files:
        for line in gzip.decompress(path.read_bytes()).splitlines():
            if report.datapoints >= limit:
                break
            record = json.loads(line)
            value = record["value"]
            by_scope.setdefault((record["account_id"], record["region"]), []).append(
                {
                    "Namespace": record["namespace"],
                    "MetricName": record["metric_name"],
                    "Dimensions": [
                        {"Name": k, "Value": report.id_map.get(v, v)}
                        for k, v in record["dimensions"].items()
                    ],
                    "Timestamp": record["timestamp"] / 1000.0,
                    "StatisticValues": {
                        "SampleCount": value["count"],
                        "Sum": value["sum"],
                        "Minimum": value["min"],
                        "Maximum": value["max"],
                    },
                    "Unit": record["unit"],
                }
            )
            report.datapoints += 1
    for (account_id, region), data in sorted(by_scope.items()):
        cloudwatch = _client(endpoint, "cloudwatch", region, _assume(endpoint, account_id))
        by_namespace: dict[str, list[dict[str, Any]]] = {}
        for datum in data:
            by_namespace.setdefault(datum.pop("Namespace"), []).append(datum)
        for namespace, items in sorted(by_namespace.items()):
            for start in range(0, len(items), 1000):
                cloudwatch.put_metric_data(
                    Namespace=namespace, MetricData=items[start : start + 1000]
                )
