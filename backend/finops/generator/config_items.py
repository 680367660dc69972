"""AWS Config configuration items: for each resource kind, what its describe call returns
(``describe_instances``, ``describe_volumes``, ``describe_snapshots``, ``describe_addresses``,
``describe_db_instances``, ``describe_load_balancers`` …), wrapped in the configuration item."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from finops.generator import catalog
from finops.generator.estate.model import Estate, Resource
from finops.generator.timeline import HOUR_S

Described = tuple[str, str, dict[str, Any], dict[str, Any]]
"""(resource type, ARN, configuration, supplementary configuration)."""


def config_time(estate: Estate, hour: int) -> str:
    moment = datetime.fromtimestamp(estate.timeline.epoch_s + hour * HOUR_S, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _tags_list(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"key": k, "value": v} for k, v in sorted(tags.items())]


def config_item(estate: Estate, r: Resource, hour: int, state: str, status: str) -> dict[str, Any]:
    resource_type, arn, configuration, supplementary = DESCRIBE[r.kind](estate, r, hour, state)
    created = config_time(estate, r.launch_hour)
    if r.kind == "ebs_snapshot":
        created = f"{r.attrs['created']}T00:00:00.000Z"
    body = json.dumps(configuration, sort_keys=True)
    return {
        "configurationItemVersion": "1.3",
        "configurationItemCaptureTime": config_time(estate, hour),
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


def describe_instance(estate: Estate, r: Resource, hour: int, state: str) -> Described:
    spec = catalog.instance_spec(r.attrs["instance_type"])
    return (
        "AWS::EC2::Instance",
        r.ec2_arn("instance"),
        {
            "instanceId": r.resource_id,
            "instanceType": r.attrs["instance_type"],
            "imageId": r.attrs["ami"],
            "state": {"code": 16 if state == "running" else 80, "name": state},
            "launchTime": config_time(estate, r.launch_hour),
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


def describe_volume(estate: Estate, r: Resource, hour: int, state: str) -> Described:
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
        r.ec2_arn("volume"),
        {
            "volumeId": r.resource_id,
            "size": r.attrs["size_gb"],
            "volumeType": r.attrs["volume_type"],
            "iops": r.attrs["iops"],
            "state": "in-use" if attachments else "available",
            "availabilityZone": r.az,
            "createTime": config_time(estate, r.launch_hour),
            "encrypted": True,
            "attachments": attachments,
            "tags": _tags_list(r.tags),
        },
        {},
    )


def describe_snapshot(estate: Estate, r: Resource, hour: int, state: str) -> Described:
    return (
        "AWS::EC2::Snapshot",
        r.ec2_arn("snapshot"),
        {
            "snapshotId": r.resource_id,
            "volumeId": r.attrs["volume_id"],
            "volumeSize": r.attrs["size_gb"],
            "startTime": f"{r.attrs['created']}T00:00:00.000Z",
            "state": "completed",
            "ownerId": r.account_id,
            "description": "Created by CreateImage for ami backup",
            "tags": _tags_list(r.tags),
        },
        {"SourceVolumeExists": r.attrs["source_volume_exists"]},
    )


def describe_db_instance(estate: Estate, r: Resource, hour: int, state: str) -> Described:
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
            "instanceCreateTime": config_time(estate, r.launch_hour),
        },
        {},
    )


def describe_load_balancer(estate: Estate, r: Resource, hour: int, state: str) -> Described:
    return (
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        r.resource_id,
        {
            "loadBalancerArn": r.resource_id,
            "loadBalancerName": r.attrs["name"],
            "type": "application",
            "scheme": "internet-facing",
            "state": {"code": "active"},
            "createdTime": config_time(estate, r.launch_hour),
            "availabilityZones": [{"zoneName": r.az}],
        },
        {"RegisteredTargetCount": r.attrs["targets"]},
    )


def describe_address(estate: Estate, r: Resource, hour: int, state: str) -> Described:
    associated = r.attrs.get("associated_with")
    return (
        "AWS::EC2::EIP",
        r.ec2_arn("elastic-ip"),
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


def describe_nat_gateway(estate: Estate, r: Resource, hour: int, state: str) -> Described:
    return (
        "AWS::EC2::NatGateway",
        r.ec2_arn("natgateway"),
        {
            "natGatewayId": r.resource_id,
            "state": "available",
            "connectivityType": "public",
        },
        {},
    )


def describe_bucket(estate: Estate, r: Resource, hour: int, state: str) -> Described:
    return (
        "AWS::S3::Bucket",
        f"arn:aws:s3:::{r.resource_id}",
        {
            "name": r.resource_id,
            "creationDate": config_time(estate, r.launch_hour),
        },
        {"BucketTaggingConfiguration": {"tagSets": [{"tags": dict(sorted(r.tags.items()))}]}},
    )


def describe_function(estate: Estate, r: Resource, hour: int, state: str) -> Described:
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


DESCRIBE: dict[str, Callable[[Estate, Resource, int, str], Described]] = {
    "ec2_instance": describe_instance,
    "ebs_volume": describe_volume,
    "ebs_snapshot": describe_snapshot,
    "rds_instance": describe_db_instance,
    "load_balancer": describe_load_balancer,
    "elastic_ip": describe_address,
    "nat_gateway": describe_nat_gateway,
    "s3_bucket": describe_bucket,
    "lambda_function": describe_function,
}
