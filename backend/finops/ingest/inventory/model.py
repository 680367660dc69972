"""One normalized resource record, whichever way it was read (describe calls or AWS Config).

Both inputs end up in the same shape so both paths fill the tables identically:

- ``configuration`` is the describe output with AWS Config's key spelling (first letter lower
  case: ``InstanceId`` → ``instanceId``, ``DBInstanceIdentifier`` → ``dBInstanceIdentifier``) and
  timestamps as ``YYYY-MM-DDTHH:MM:SS.000Z``;
- ``resource_type`` is the CloudFormation / AWS Config type (``AWS::EC2::Instance``);
- the id, name, state and creation time are derived from that configuration by the same rules.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

EC2_INSTANCE = "AWS::EC2::Instance"
EBS_VOLUME = "AWS::EC2::Volume"
EBS_SNAPSHOT = "AWS::EC2::Snapshot"
ELASTIC_IP = "AWS::EC2::EIP"
NAT_GATEWAY = "AWS::EC2::NatGateway"
LOAD_BALANCER = "AWS::ElasticLoadBalancingV2::LoadBalancer"
TARGET_GROUP = "AWS::ElasticLoadBalancingV2::TargetGroup"
RDS_INSTANCE = "AWS::RDS::DBInstance"
LAMBDA_FUNCTION = "AWS::Lambda::Function"
S3_BUCKET = "AWS::S3::Bucket"

# Types listed per (account, region) by the API collectors.
REGIONAL_TYPES: tuple[str, ...] = (
    EC2_INSTANCE,
    EBS_VOLUME,
    EBS_SNAPSHOT,
    ELASTIC_IP,
    NAT_GATEWAY,
    LOAD_BALANCER,
    TARGET_GROUP,
    RDS_INSTANCE,
    LAMBDA_FUNCTION,
)
KNOWN_TYPES: tuple[str, ...] = (*REGIONAL_TYPES, S3_BUCKET)


@dataclass(frozen=True, slots=True)
class ResourceRecord:
    account_id: str
    region: str
    resource_type: str
    resource_id: str
    arn: str | None
    name: str | None
    state: str | None
    deleted: bool
    created_at: str | None
    configuration: dict[str, Any]
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def config_hash(self) -> str:
        return content_hash(self.configuration, self.tags)


def content_hash(configuration: Mapping[str, Any], tags: Mapping[str, str]) -> str:
    body = json.dumps([configuration, tags], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


def config_style(value: Any) -> Any:
    """Describe output → AWS Config spelling: keys lower-first, datetimes ISO with ``.000Z``."""
    if isinstance(value, Mapping):
        return {
            _lower_first(str(k)): config_style(v)
            for k, v in value.items()
            if k != "ResponseMetadata"
        }
    if isinstance(value, list | tuple):
        return [config_style(v) for v in value]
    if isinstance(value, datetime):
        return iso(value)
    return value


def iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _lower_first(key: str) -> str:
    return key[:1].lower() + key[1:]


def tags_from_list(items: Any) -> dict[str, str]:
    """``[{"key"|"Key": …, "value"|"Value": …}]`` → ``{key: value}``."""
    tags: dict[str, str] = {}
    for item in items or []:
        key = item.get("key", item.get("Key"))
        if key is not None:
            tags[str(key)] = str(item.get("value", item.get("Value", "")))
    return tags


@dataclass(frozen=True, slots=True)
class _Identity:
    resource_id: str
    arn: str | None
    name: str | None
    state: str | None
    created_at: str | None


# what a resource type's identity is read from: (configuration, account, region)
IdentityOf = Callable[[Mapping[str, Any], str, str], _Identity]


def _get(config: Mapping[str, Any], *path: str) -> Any:
    value: Any = config
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def _instance(c: Mapping[str, Any], account: str, region: str) -> _Identity:
    rid = str(c["instanceId"])
    return _Identity(
        rid,
        f"arn:aws:ec2:{region}:{account}:instance/{rid}",
        None,
        _str(_get(c, "state", "name")),
        _str(c.get("launchTime")),
    )


def _ec2_resource(id_key: str, arn_kind: str, created_key: str) -> IdentityOf:
    """An EC2 resource known by its id (``id_key``), with a plain ``state`` and a creation
    time (``created_key``): volumes, snapshots, NAT gateways."""

    def identity(c: Mapping[str, Any], account: str, region: str) -> _Identity:
        rid = str(c[id_key])
        arn = f"arn:aws:ec2:{region}:{account}:{arn_kind}/{rid}"
        return _Identity(rid, arn, None, _str(c.get("state")), _str(c.get(created_key)))

    return identity


def _address(c: Mapping[str, Any], account: str, region: str) -> _Identity:
    rid = str(c["allocationId"])
    state = "associated" if c.get("associationId") else "unassociated"
    return _Identity(rid, f"arn:aws:ec2:{region}:{account}:elastic-ip/{rid}", None, state, None)


def _known_by_arn(
    arn_key: str, name_key: str, *, state: tuple[str, ...] = (), created_key: str | None = None
) -> IdentityOf:
    """A resource known by its ARN (``arn_key``), with its name, its state at the path
    ``state`` and its creation time when the type has them: load balancers, target groups, RDS
    instances, Lambda functions."""

    def identity(c: Mapping[str, Any], account: str, region: str) -> _Identity:
        arn = str(c[arn_key])
        return _Identity(
            arn,
            arn,
            _str(c.get(name_key)),
            _str(_get(c, *state)) if state else None,
            _str(c.get(created_key)) if created_key else None,
        )

    return identity


def _bucket(c: Mapping[str, Any], account: str, region: str) -> _Identity:
    name = str(c["name"])
    return _Identity(name, f"arn:aws:s3:::{name}", name, None, _str(c.get("creationDate")))


IDENTITY: dict[str, IdentityOf] = {
    EC2_INSTANCE: _instance,
    EBS_VOLUME: _ec2_resource("volumeId", "volume", "createTime"),
    EBS_SNAPSHOT: _ec2_resource("snapshotId", "snapshot", "startTime"),
    ELASTIC_IP: _address,
    NAT_GATEWAY: _ec2_resource("natGatewayId", "natgateway", "createTime"),
    LOAD_BALANCER: _known_by_arn(
        "loadBalancerArn", "loadBalancerName", state=("state", "code"), created_key="createdTime"
    ),
    TARGET_GROUP: _known_by_arn("targetGroupArn", "targetGroupName"),
    RDS_INSTANCE: _known_by_arn(
        "dBInstanceArn",
        "dBInstanceIdentifier",
        state=("dBInstanceStatus",),
        created_key="instanceCreateTime",
    ),
    LAMBDA_FUNCTION: _known_by_arn("functionArn", "functionName", state=("state",)),
    S3_BUCKET: _bucket,
}


def make_record(
    *,
    account_id: str,
    region: str,
    resource_type: str,
    configuration: dict[str, Any],
    tags: dict[str, str],
    deleted: bool = False,
) -> ResourceRecord:
    """Build a record from a Config-style configuration; raises KeyError on a missing id."""
    ident = IDENTITY[resource_type](configuration, account_id, region)
    state = ident.state
    if deleted and resource_type == EC2_INSTANCE:
        state = "terminated"
    return ResourceRecord(
        account_id=account_id,
        region=region,
        resource_type=resource_type,
        resource_id=ident.resource_id,
        arn=ident.arn,
        name=tags.get("Name") or ident.name,
        state=state,
        deleted=deleted or (resource_type == EC2_INSTANCE and state == "terminated"),
        created_at=ident.created_at,
        configuration=configuration,
        tags=dict(sorted(tags.items())),
    )
