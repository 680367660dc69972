"""Inventory through the describe/list APIs, per (account, region) and resource type.

Each collector lists one resource type completely (every page) or raises; a type that cannot be
listed is reported with the reason and does not count as listed, so its resources are never
marked terminated because of a refusal. A resource deleted between the listing and a follow-up
call (tags of a function or load balancer) is simply not in the listing: already gone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import structlog
from botocore.exceptions import BotoCoreError, ClientError

from finops.ingest.aws import AwsSessions, classify, error_code
from finops.ingest.inventory.model import (
    EBS_SNAPSHOT,
    EBS_VOLUME,
    EC2_INSTANCE,
    ELASTIC_IP,
    LAMBDA_FUNCTION,
    LOAD_BALANCER,
    NAT_GATEWAY,
    RDS_INSTANCE,
    TARGET_GROUP,
    ResourceRecord,
    config_style,
    make_record,
    tags_from_list,
)

log = structlog.get_logger(__name__)


@dataclass(slots=True)
class Listing:
    """What one (account, region) listing produced."""

    records: list[ResourceRecord] = field(default_factory=list)
    listed_types: list[str] = field(default_factory=list)
    failures: dict[str, tuple[str, str]] = field(default_factory=dict)  # type -> (reason, msg)
    api_calls: int = 0


class _Counter:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, **_: Any) -> None:
        self.calls += 1


Collector = Callable[[Any, str, str], Iterator[tuple[dict[str, Any], dict[str, str]]]]


def _ec2_instances(
    ec2: Any, account: str, region: str
) -> Iterator[tuple[dict[str, Any], dict[str, str]]]:
    for page in ec2.get_paginator("describe_instances").paginate():
        for reservation in page["Reservations"]:
            for instance in reservation["Instances"]:
                yield config_style(instance), tags_from_list(instance.get("Tags"))


def _ebs_volumes(
    ec2: Any, account: str, region: str
) -> Iterator[tuple[dict[str, Any], dict[str, str]]]:
    for page in ec2.get_paginator("describe_volumes").paginate():
        for volume in page["Volumes"]:
            yield config_style(volume), tags_from_list(volume.get("Tags"))


def _ebs_snapshots(
    ec2: Any, account: str, region: str
) -> Iterator[tuple[dict[str, Any], dict[str, str]]]:
    for page in ec2.get_paginator("describe_snapshots").paginate(OwnerIds=["self"]):
        for snapshot in page["Snapshots"]:
            yield config_style(snapshot), tags_from_list(snapshot.get("Tags"))


def _elastic_ips(
    ec2: Any, account: str, region: str
) -> Iterator[tuple[dict[str, Any], dict[str, str]]]:
    for address in ec2.describe_addresses()["Addresses"]:
        yield config_style(address), tags_from_list(address.get("Tags"))


def _nat_gateways(
    ec2: Any, account: str, region: str
) -> Iterator[tuple[dict[str, Any], dict[str, str]]]:
    for page in ec2.get_paginator("describe_nat_gateways").paginate():
        for gateway in page["NatGateways"]:
            yield config_style(gateway), tags_from_list(gateway.get("Tags"))


def _elbv2_tags(elbv2: Any, arns: list[str]) -> dict[str, dict[str, str]]:
    """Tags per ARN, 20 ARNs per call; ARNs deleted meanwhile are left out."""
    tags: dict[str, dict[str, str]] = {}
    for start in range(0, len(arns), 20):
        batch = arns[start : start + 20]
        try:
            descriptions = elbv2.describe_tags(ResourceArns=batch)["TagDescriptions"]
        except ClientError as exc:
            if classify(exc) != "not_found":
                raise
            descriptions = []
            for arn in batch:  # find which one is gone
                try:
                    descriptions += elbv2.describe_tags(ResourceArns=[arn])["TagDescriptions"]
                except ClientError as single:
                    if classify(single) != "not_found":
                        raise
                    log.info("inventory.gone_mid_run", resource_id=arn)
        for d in descriptions:
            tags[d["ResourceArn"]] = tags_from_list(d.get("Tags"))
    return tags


def _load_balancers(
    elbv2: Any, account: str, region: str
) -> Iterator[tuple[dict[str, Any], dict[str, str]]]:
    balancers = [
        lb
        for page in elbv2.get_paginator("describe_load_balancers").paginate()
        for lb in page["LoadBalancers"]
    ]
    tags = _elbv2_tags(elbv2, [lb["LoadBalancerArn"] for lb in balancers])
    for lb in balancers:
        if lb["LoadBalancerArn"] in tags:
            yield config_style(lb), tags[lb["LoadBalancerArn"]]


def _target_groups(
    elbv2: Any, account: str, region: str
) -> Iterator[tuple[dict[str, Any], dict[str, str]]]:
    groups = [
        tg
        for page in elbv2.get_paginator("describe_target_groups").paginate()
        for tg in page["TargetGroups"]
    ]
    tags = _elbv2_tags(elbv2, [tg["TargetGroupArn"] for tg in groups])
    for tg in groups:
        if tg["TargetGroupArn"] in tags:
            yield config_style(tg), tags[tg["TargetGroupArn"]]


def _db_instances(
    rds: Any, account: str, region: str
) -> Iterator[tuple[dict[str, Any], dict[str, str]]]:
    for page in rds.get_paginator("describe_db_instances").paginate():
        for db in page["DBInstances"]:
            yield config_style(db), tags_from_list(db.get("TagList"))


def _functions(
    lam: Any, account: str, region: str
) -> Iterator[tuple[dict[str, Any], dict[str, str]]]:
    for page in lam.get_paginator("list_functions").paginate():
        for fn in page["Functions"]:
            try:
                tags = lam.list_tags(Resource=fn["FunctionArn"]).get("Tags", {})
            except ClientError as exc:
                if classify(exc) == "not_found":
                    log.info("inventory.gone_mid_run", resource_id=fn["FunctionArn"])
                    continue
                raise
            yield config_style(fn), {str(k): str(v) for k, v in tags.items()}


# resource type -> (boto3 service, collector)
COLLECTORS: dict[str, tuple[str, Collector]] = {
    EC2_INSTANCE: ("ec2", _ec2_instances),
    EBS_VOLUME: ("ec2", _ebs_volumes),
    EBS_SNAPSHOT: ("ec2", _ebs_snapshots),
    ELASTIC_IP: ("ec2", _elastic_ips),
    NAT_GATEWAY: ("ec2", _nat_gateways),
    LOAD_BALANCER: ("elbv2", _load_balancers),
    TARGET_GROUP: ("elbv2", _target_groups),
    RDS_INSTANCE: ("rds", _db_instances),
    LAMBDA_FUNCTION: ("lambda", _functions),
}


def list_region(
    sessions: AwsSessions,
    *,
    account_id: str,
    region: str,
    resource_types: tuple[str, ...] = tuple(COLLECTORS),
) -> Listing:
    """List every resource type of ``resource_types`` in one (account, region)."""
    listing = Listing()
    counter = _Counter()
    clients: dict[str, Any] = {}
    for resource_type in resource_types:
        service, collect = COLLECTORS[resource_type]
        if resource_type in listing.failures:
            continue
        if service not in clients:
            client = sessions.client(service, account_id=account_id, region=region)
            client.meta.events.register("before-send", counter)
            clients[service] = client
        try:
            found = [
                make_record(
                    account_id=account_id,
                    region=region,
                    resource_type=resource_type,
                    configuration=configuration,
                    tags=tags,
                )
                for configuration, tags in collect(clients[service], account_id, region)
            ]
        except (ClientError, BotoCoreError) as exc:
            reason = classify(exc)
            message = f"{resource_type} via {service}: {error_code(exc)}: {exc}"
            listing.failures[resource_type] = (reason, message)
            log.warning(
                "inventory.type_skipped",
                account_id=account_id,
                region=region,
                resource_type=resource_type,
                reason=reason,
                code=error_code(exc),
            )
            if reason in ("access_denied", "region_not_enabled"):
                _skip_remaining(listing, resource_types, service, reason, message)
            continue
        listing.records += found
        listing.listed_types.append(resource_type)
    listing.api_calls = counter.calls
    return listing


def _skip_remaining(
    listing: Listing, resource_types: tuple[str, ...], service: str, reason: str, message: str
) -> None:
    """Once a service refuses in a region, its other types need not be tried."""
    for other in resource_types:
        if COLLECTORS[other][0] == service and other not in listing.failures:
            listing.failures[other] = (reason, message)
