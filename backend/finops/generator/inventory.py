"""Inventory: daily AWS Config configuration snapshots, as Config delivers them to S3:
``AWSLogs/<account>/Config/<region>/YYYY/M/D/ConfigSnapshot/<account>_Config_<region>_ConfigSnapshot_<time>_<id>.json.gz``.

Each configuration item carries what the describe call would return for the resource
(``describe_instances``, ``describe_volumes``, ``describe_addresses``, ``describe_db_instances``,
``describe_load_balancers`` …). AWS Config does not record EBS snapshots; they are included with
``resourceType`` ``AWS::EC2::Snapshot`` and the ``describe_snapshots`` shape so the inventory
is complete.

Snapshots are written for every day of the utilization window and for the first day of every
billing period in the range. A day's snapshot lists every resource that existed at any time that
day: ``configurationItemStatus`` is ``ResourceDiscovered`` for resources created that day,
``ResourceDeleted`` (EC2 state ``terminated``) for those deleted that day, ``OK`` otherwise.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from finops.generator import catalog
from finops.generator.estate.model import Estate, Resource
from finops.generator.timeline import DAY_H, HOUR_S

CAPTURE_HOUR = 3  # snapshots are taken at 03:00 UTC


def snapshot_days(estate: Estate, utilization_days: int) -> list[int]:
    tl = estate.timeline
    days = {p.first_day for p in tl.periods()}
    days.update(range(max(0, tl.days - utilization_days), tl.days))
    return sorted(days)


def day_status(r: Resource, day: int) -> str | None:
    """Config item status of a resource in the snapshot of ``day``; None if it did not exist."""
    start, end = day * DAY_H, (day + 1) * DAY_H
    terminate = r.terminate_hour if r.terminate_hour is not None else 2**40
    if r.launch_hour >= end or terminate <= start:
        return None
    if terminate < end:
        return "ResourceDeleted"
    if r.launch_hour >= start:
        return "ResourceDiscovered"
    return "OK"


def instance_state(r: Resource, hour: int, weekday: int, status: str = "OK") -> str:
    """EC2-style state name of a resource at ``hour`` in a snapshot with item ``status``."""
    if status == "ResourceDeleted":
        return "terminated"
    if r.kind == "ec2_instance" and r.attrs.get("schedule") == "office_hours":
        running = weekday < 5 and 7 <= hour % DAY_H < 19
        return "running" if running else "stopped"
    return "running"


def _iso(estate: Estate, hour: int) -> str:
    moment = datetime.fromtimestamp(estate.timeline.epoch_s + hour * HOUR_S, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _tags_list(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"key": k, "value": v} for k, v in sorted(tags.items())]


def _item(estate: Estate, r: Resource, hour: int, state: str, status: str) -> dict[str, Any]:
    resource_type, arn, configuration, supplementary = _describe(estate, r, hour, state)
    created = _iso(estate, r.launch_hour)
    if r.kind == "ebs_snapshot":
        created = f"{r.attrs['created']}T00:00:00.000Z"
    body = json.dumps(configuration, sort_keys=True)
    return {
        "configurationItemVersion": "1.3",
        "configurationItemCaptureTime": _iso(estate, hour),
        "configurationStateId": 1_700_000_000_000 + hour,
        "awsAccountId": r.account_id,
        "configurationItemStatus": status,
        "resourceType": resource_type,
        "resourceId": r.resource_id,
        "resourceName": r.attrs.get("name") or r.tags.get("application"),
        "ARN": arn,
        "awsRegion": r.region,
        "availabilityZone": r.az or "Not Applicable",
        "configurationStateMd5Hash": hashlib.md5(body.encode(), usedforsecurity=False).hexdigest(),
        "resourceCreationTime": created,
        "tags": dict(sorted(r.tags.items())),
        "relatedEvents": [],
        "relationships": _relationships(r),
        "configuration": configuration,
        "supplementaryConfiguration": supplementary,
    }


def _relationships(r: Resource) -> list[dict[str, str]]:
    related: list[dict[str, str]] = []
    if r.kind == "ec2_instance":
        for vol in r.attrs.get("volumes", []):
            related.append(
                {
                    "resourceType": "AWS::EC2::Volume",
                    "resourceId": vol,
                    "name": "Is attached to Volume",
                }
            )
    if r.kind == "ebs_volume" and r.attrs.get("attached_to"):
        related.append(
            {
                "resourceType": "AWS::EC2::Instance",
                "resourceId": r.attrs["attached_to"],
                "name": "Is attached to Instance",
            }
        )
    if r.kind == "elastic_ip" and r.attrs.get("associated_with"):
        related.append(
            {
                "resourceType": "AWS::EC2::Instance",
                "resourceId": r.attrs["associated_with"],
                "name": "Is attached to Instance",
            }
        )
    return related


def _describe(
    estate: Estate, r: Resource, hour: int, state: str
) -> tuple[str, str, dict[str, Any], dict[str, Any]]:
    acct, region = r.account_id, r.region
    if r.kind == "ec2_instance":
        spec = catalog.instance_spec(r.attrs["instance_type"])
        return (
            "AWS::EC2::Instance",
            f"arn:aws:ec2:{region}:{acct}:instance/{r.resource_id}",
            {
                "instanceId": r.resource_id,
                "instanceType": r.attrs["instance_type"],
                "imageId": r.attrs["ami"],
                "state": {"code": 16 if state == "running" else 80, "name": state},
                "launchTime": _iso(estate, r.launch_hour),
                "placement": {"availabilityZone": r.az, "tenancy": "default"},
                "privateIpAddress": r.attrs["private_ip"],
                "subnetId": r.attrs["subnet"],
                "architecture": "x86_64",
                "platformDetails": "Linux/UNIX",
                "cpuOptions": {"coreCount": spec.vcpu // 2, "threadsPerCore": 2},
                "monitoring": {"state": "disabled"},
                "blockDeviceMappings": [
                    {
                        "deviceName": "/dev/xvda",
                        "ebs": {"volumeId": v, "status": "attached", "deleteOnTermination": True},
                    }
                    for v in r.attrs.get("volumes", [])
                ],
                "tags": _tags_list(r.tags),
            },
            {},
        )
    if r.kind == "ebs_volume":
        detach = r.attrs.get("detach_hour")
        attached_to = r.attrs.get("attached_to")
        if detach is not None and hour >= detach:
            attached_to = None
        elif detach is not None:
            attached_to = r.attrs.get("was_attached_to")
        attachments = (
            [
                {
                    "instanceId": attached_to,
                    "device": r.attrs.get("device", "/dev/sdf"),
                    "state": "attached",
                    "volumeId": r.resource_id,
                    "deleteOnTermination": False,
                }
            ]
            if attached_to
            else []
        )
        return (
            "AWS::EC2::Volume",
            f"arn:aws:ec2:{region}:{acct}:volume/{r.resource_id}",
            {
                "volumeId": r.resource_id,
                "size": r.attrs["size_gb"],
                "volumeType": r.attrs["volume_type"],
                "iops": r.attrs["iops"],
                "state": "in-use" if attachments else "available",
                "availabilityZone": r.az,
                "createTime": _iso(estate, r.launch_hour),
                "encrypted": True,
                "attachments": attachments,
                "tags": _tags_list(r.tags),
            },
            {},
        )
    if r.kind == "ebs_snapshot":
        return (
            "AWS::EC2::Snapshot",
            f"arn:aws:ec2:{region}:{acct}:snapshot/{r.resource_id}",
            {
                "snapshotId": r.resource_id,
                "volumeId": r.attrs["volume_id"],
                "volumeSize": r.attrs["size_gb"],
                "startTime": f"{r.attrs['created']}T00:00:00.000Z",
                "state": "completed",
                "ownerId": acct,
                "description": "Created by CreateImage for ami backup",
                "tags": _tags_list(r.tags),
            },
            {"SourceVolumeExists": r.attrs["source_volume_exists"]},
        )
    if r.kind == "rds_instance":
        return (
            "AWS::RDS::DBInstance",
            r.resource_id,
            {
                "dBInstanceIdentifier": r.attrs["name"],
                "dBInstanceArn": r.resource_id,
                "dBInstanceClass": r.attrs["instance_class"],
                "engine": r.attrs["engine"],
                "dBInstanceStatus": "available",
                "allocatedStorage": r.attrs["storage_gb"],
                "storageType": "gp2",
                "multiAZ": False,
                "availabilityZone": r.az,
                "instanceCreateTime": _iso(estate, r.launch_hour),
            },
            {},
        )
    if r.kind == "load_balancer":
        return (
            "AWS::ElasticLoadBalancingV2::LoadBalancer",
            r.resource_id,
            {
                "loadBalancerArn": r.resource_id,
                "loadBalancerName": r.attrs["name"],
                "type": "application",
                "scheme": "internet-facing",
                "state": {"code": "active"},
                "createdTime": _iso(estate, r.launch_hour),
                "availabilityZones": [{"zoneName": r.az}],
            },
            {"RegisteredTargetCount": r.attrs["targets"]},
        )
    if r.kind == "elastic_ip":
        associated = r.attrs.get("associated_with")
        return (
            "AWS::EC2::EIP",
            f"arn:aws:ec2:{region}:{acct}:elastic-ip/{r.resource_id}",
            {
                "allocationId": r.resource_id,
                "publicIp": r.attrs["public_ip"],
                "domain": "vpc",
                "instanceId": associated,
                "associationId": f"eipassoc-{r.resource_id[9:26]}" if associated else None,
                "tags": _tags_list(r.tags),
            },
            {},
        )
    if r.kind == "nat_gateway":
        return (
            "AWS::EC2::NatGateway",
            f"arn:aws:ec2:{region}:{acct}:natgateway/{r.resource_id}",
            {
                "natGatewayId": r.resource_id,
                "state": "available",
                "connectivityType": "public",
            },
            {},
        )
    if r.kind == "s3_bucket":
        return (
            "AWS::S3::Bucket",
            f"arn:aws:s3:::{r.resource_id}",
            {
                "name": r.resource_id,
                "creationDate": _iso(estate, r.launch_hour),
            },
            {"BucketTaggingConfiguration": {"tagSets": [{"tags": dict(sorted(r.tags.items()))}]}},
        )
    if r.kind == "lambda_function":
        return (
            "AWS::Lambda::Function",
            r.resource_id,
            {
                "functionName": r.resource_id.rsplit(":", 1)[1],
                "functionArn": r.resource_id,
                "memorySize": r.attrs["memory_mb"],
                "runtime": "python3.12",
            },
            {},
        )
    raise KeyError(r.kind)


def write_inventory(*, root: Path, estate: Estate, utilization_days: int) -> list[Path]:
    files: list[Path] = []
    tl = estate.timeline
    groups: dict[tuple[str, str], list[Resource]] = {}
    for r in estate.resources:
        groups.setdefault((r.account_id, r.region), []).append(r)
    for day in snapshot_days(estate, utilization_days):
        hour = day * DAY_H + CAPTURE_HOUR
        weekday = (tl.start + timedelta(days=day)).weekday()
        moment = tl.day(day)
        for (account, region), resources in sorted(groups.items()):
            items = []
            for r in resources:
                status = day_status(r, day)
                if status is not None:
                    state = instance_state(r, hour, weekday, status)
                    items.append(_item(estate, r, hour, state, status))
            files.append(_write(root, estate, account, region, moment, hour, items))
    return files


def _write(
    root: Path,
    estate: Estate,
    account: str,
    region: str,
    moment: date,
    hour: int,
    items: list[dict[str, Any]],
) -> Path:
    stamp = f"{moment:%Y%m%d}T{CAPTURE_HOUR:02d}0000Z"
    token = hashlib.sha256(f"{estate.seed}|{account}|{region}|{hour}".encode()).hexdigest()
    snapshot_id = f"{token[:8]}-{token[8:12]}-{token[12:16]}-{token[16:20]}-{token[20:32]}"
    folder = (
        root
        / "AWSLogs"
        / account
        / "Config"
        / region
        / str(moment.year)
        / str(moment.month)
        / str(moment.day)
        / "ConfigSnapshot"
    )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{account}_Config_{region}_ConfigSnapshot_{stamp}_{snapshot_id}.json.gz"
    document = {"fileVersion": "1.0", "configSnapshotId": snapshot_id, "configurationItems": items}
    payload = json.dumps(document, sort_keys=False, separators=(",", ":")).encode()
    with path.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
        gz.write(payload)
    return path
