"""Storage and network waste: unattached volumes, old orphaned snapshots, unassociated elastic
IPs, idle load balancers, gp2 volumes (→ gp3). Each rule reads the inventory as of the run date
and prices its finding from the bill's public on-demand rate for the resource's usage type."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Connection

from finops.analytics.optimization import warehouse as wh
from finops.analytics.optimization.findings import Finding, Pricing, rate_difference, removal
from finops.analytics.optimization.instances import window
from finops.analytics.optimization.policy import HOURS_PER_MONTH, WastePolicy

VOLUME = "AWS::EC2::Volume"
SNAPSHOT = "AWS::EC2::Snapshot"
EIP = "AWS::EC2::EIP"
LOAD_BALANCER = "AWS::ElasticLoadBalancingV2::LoadBalancer"


def _line(
    lines: dict[str, list[wh.UsageLine]], item: wh.InventoryItem, prefix: str
) -> wh.UsageLine | None:
    found = [
        line
        for bill_id in item.billing_ids
        for line in lines.get(bill_id, [])
        if line.usage_type.startswith(prefix)
    ]
    return max(found, key=lambda u: (u.last_day, u.usage_type)) if found else None


def _gb(item: wh.InventoryItem, key: str) -> Decimal | None:
    value = item.configuration.get(key)
    return None if value is None else Decimal(str(value))


def _finding(
    kind: str,
    item: wh.InventoryItem,
    service: str,
    savings: Decimal,
    scope: str,
    pricing: Pricing,
    **details: object,
) -> Finding:
    return Finding(
        finding_type=kind,
        account_id=item.account_id,
        region=item.region,
        resource_id=item.resource_id,
        resource_type=item.resource_type,
        service=service,
        scope=scope,
        estimated_monthly_savings=savings,
        details=dict(details),
        billing_ids=item.billing_ids,
        pricing=pricing,
    )


def _day(value: datetime | None) -> date | None:
    return None if value is None else value.date()


def waste_findings(conn: Connection, *, as_of: date, policy: WastePolicy) -> list[Finding]:
    """Every storage/network waste finding as of ``as_of`` (instances are handled elsewhere)."""
    start, end = window(as_of, max(policy.idle_lookback_days, 7))
    items = wh.inventory_as_of(conn, as_of=as_of, types=[VOLUME, SNAPSHOT, EIP, LOAD_BALANCER])
    lines = wh.usage_lines(
        conn, start=start, end=end, ids=[i for r in items for i in r.billing_ids]
    )
    rates = wh.public_rates(conn, start=start, end=end)
    out: list[Finding] = []
    out += _volumes(
        conn, [i for i in items if i.resource_type == VOLUME], lines, rates, as_of, policy
    )
    out += _snapshots(
        [i for i in items if i.resource_type == SNAPSHOT], items, lines, as_of, policy
    )
    out += _addresses([i for i in items if i.resource_type == EIP], lines, policy)
    lbs = [i for i in items if i.resource_type == LOAD_BALANCER]
    out += _load_balancers(conn, lbs, lines, start, end, policy)
    return out


def _volumes(
    conn: Connection,
    volumes: list[wh.InventoryItem],
    lines: dict[str, list[wh.UsageLine]],
    rates: dict[tuple[str, str], Decimal],
    as_of: date,
    policy: WastePolicy,
) -> list[Finding]:
    available = [v for v in volumes if v.state == "available"]
    since = wh.in_state_since(
        conn,
        resource_type=VOLUME,
        ids=[v.resource_id for v in available],
        states=["available"],
        as_of=as_of,
    )
    out = []
    for vol in volumes:
        line = _line(lines, vol, "EBS:VolumeUsage")
        size = _gb(vol, "size")
        if line is None or size is None:
            continue
        vtype = str(vol.configuration.get("volumeType") or "")
        monthly = line.list_unit_price * size
        if vol.state == "available":
            first = since.get(vol.resource_id, vol.first_seen)
            days = (as_of - first).days
            if days >= policy.unattached_volume_min_days:
                out.append(
                    _finding(
                        "unattached_volume",
                        vol,
                        "AmazonEC2",
                        monthly,
                        "",
                        removal(),
                        volume_type=vtype,
                        size_gb=size,
                        gb_month_rate=line.list_unit_price,
                        unattached_since=first,
                        unattached_days=days,
                        threshold_days=policy.unattached_volume_min_days,
                        action="snapshot if needed, then delete",
                    )
                )
        elif vtype == "gp2" and vol.state == "in-use" and policy.gp2_to_gp3:
            out.append(_gp2(vol, line, size, rates, policy))
    return out


def _gp2(
    vol: wh.InventoryItem,
    line: wh.UsageLine,
    size: Decimal,
    rates: dict[tuple[str, str], Decimal],
    policy: WastePolicy,
) -> Finding:
    gp3_rate = rates.get((vol.region, "EBS:VolumeUsage.gp3"))
    source = "bill"
    if gp3_rate is None:
        gp3_rate = line.list_unit_price * (1 - policy.gp3_discount_when_unpriced)
        source = "gp2 rate less the published gp3 discount"
    return _finding(
        "gp2_volume",
        vol,
        "AmazonEC2",
        (line.list_unit_price - gp3_rate) * size,
        "gp2",
        rate_difference(line.list_unit_price, gp3_rate, "EBS:VolumeUsage.gp2"),
        size_gb=size,
        volume_type="gp2",
        recommended_volume_type="gp3",
        gb_month_rate=line.list_unit_price,
        recommended_gb_month_rate=gp3_rate,
        recommended_rate_source=source,
        iops=vol.configuration.get("iops"),
        action="modify-volume to gp3 (online, no detach)",
    )


def _snapshots(
    snapshots: list[wh.InventoryItem],
    items: list[wh.InventoryItem],
    lines: dict[str, list[wh.UsageLine]],
    as_of: date,
    policy: WastePolicy,
) -> list[Finding]:
    live_volumes = {i.resource_id for i in items if i.resource_type == VOLUME}
    out = []
    for snap in snapshots:
        created = _day(snap.created_at)
        source = snap.configuration.get("volumeId")
        if created is None or source in live_volumes:
            continue
        age = (as_of - created).days
        line = _line(lines, snap, "EBS:SnapshotUsage")
        size = _gb(snap, "volumeSize")
        if age < policy.old_snapshot_min_age_days or line is None or size is None:
            continue
        out.append(
            _finding(
                "old_snapshot",
                snap,
                "AmazonEC2",
                line.list_unit_price * size,
                "",
                removal(),
                size_gb=size,
                created=created,
                age_days=age,
                source_volume_id=source,
                source_volume_exists=False,
                gb_month_rate=line.list_unit_price,
                threshold_days=policy.old_snapshot_min_age_days,
                note="billed size is an upper bound: snapshots are incremental",
                action="delete (after checking no AMI uses it)",
            )
        )
    return out


def _addresses(
    addresses: list[wh.InventoryItem], lines: dict[str, list[wh.UsageLine]], policy: WastePolicy
) -> list[Finding]:
    out = []
    for eip in addresses:
        if eip.configuration.get("associationId") or eip.configuration.get("instanceId"):
            continue
        line = _line(lines, eip, "PublicIPv4:IdleAddress")
        if line is None:
            continue
        idle_days = (line.last_day - line.first_day).days + 1
        if idle_days < policy.eip_min_idle_days:
            continue
        out.append(
            _finding(
                "unassociated_eip",
                eip,
                "AmazonVPC",
                line.list_unit_price * HOURS_PER_MONTH,
                "",
                removal(),
                public_ip=eip.configuration.get("publicIp"),
                hourly_rate=line.list_unit_price,
                idle_days_billed=idle_days,
                action="release the address",
            )
        )
    return out


def _load_balancers(
    conn: Connection,
    lbs: list[wh.InventoryItem],
    lines: dict[str, list[wh.UsageLine]],
    start: date,
    end: date,
    policy: WastePolicy,
) -> list[Finding]:
    stats = wh.daily_stats(
        conn,
        start=start,
        end=end,
        namespaces=["AWS/ApplicationELB", "AWS/NetworkELB"],
        metrics=["RequestCount", "NewFlowCount"],
        stats=["Sum"],
    )
    out = []
    for lb in lbs:
        metric_id = (lb.arn or lb.resource_id).partition("loadbalancer/")[2]
        requests = stats.get((metric_id, "AWS/ApplicationELB", "RequestCount", "Sum"))
        line = _line(lines, lb, "LoadBalancerUsage")
        if requests is None or line is None or requests.hours < policy.idle_min_hours:
            continue
        if requests.total >= policy.idle_lb_max_requests:
            continue
        lcu = _line(lines, lb, "LCUUsage")
        monthly = line.list_unit_price * HOURS_PER_MONTH
        out.append(
            _finding(
                "idle_load_balancer",
                lb,
                "AWSELB",
                monthly,
                "",
                removal(),
                requests_in_lookback=requests.total,
                lookback_days=policy.idle_lookback_days,
                hours_of_data=round(requests.hours, 2),
                hourly_rate=line.list_unit_price,
                lcu_cost_in_window=None if lcu is None else lcu.list_cost,
                threshold_requests=policy.idle_lb_max_requests,
                action="delete",
            )
        )
    return out
