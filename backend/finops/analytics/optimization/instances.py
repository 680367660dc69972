"""EC2 and RDS instances: the evidence every compute rule reads (inventory, utilization
percentiles, billed hours and rates). The rules themselves — idle, oversized, previous
generation — are in ``rules/compute.py``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import Connection

from finops.analytics.optimization import warehouse as wh
from finops.analytics.optimization.instance_types import InstanceType, parse_instance_type
from finops.analytics.optimization.policy import HOURS_PER_MONTH, RightsizingPolicy, WastePolicy
from finops.analytics.optimization.rightsizing import Utilization

EC2_TYPE = "AWS::EC2::Instance"
RDS_TYPE = "AWS::RDS::DBInstance"
VOLUME_TYPE = "AWS::EC2::Volume"
FIVE_MINUTES_S = 300.0


@dataclass(frozen=True, slots=True)
class ComputeEvidence:
    item: wh.InventoryItem
    kind: str  # ec2 | rds
    instance_type: str
    spec: InstanceType | None
    hourly_rate: Decimal  # the bill's public on-demand rate of the current type
    monthly_hours: Decimal  # billed hours scaled to 730 h
    usage: Utilization | None  # rightsizing window
    idle_cpu_max: float | None  # idle window
    idle_network_mbps: float | None
    idle_connections_max: float | None
    idle_hours: float


def window(as_of: date, days: int) -> tuple[date, date]:
    return as_of - timedelta(days=days - 1), as_of + timedelta(days=1)


def _metric_id(item: wh.InventoryItem) -> str:
    return item.name or item.resource_id if item.resource_type == RDS_TYPE else item.resource_id


def collect(
    conn: Connection,
    *,
    as_of: date,
    rightsizing: RightsizingPolicy,
    waste: WastePolicy,
) -> tuple[list[ComputeEvidence], dict[tuple[str, str], Decimal]]:
    """Evidence for every EC2 and RDS instance billed in the lookback window, and the bill's
    public rates (region, usage type) used to price candidates."""
    rs_start, end = window(as_of, rightsizing.lookback_days)
    idle_start, _ = window(as_of, waste.idle_lookback_days)
    bill_start = min(rs_start, idle_start)
    items = wh.inventory_as_of(conn, as_of=as_of, types=[EC2_TYPE, RDS_TYPE])
    ids = [i for item in items for i in item.billing_ids]
    lines = wh.usage_lines(conn, start=bill_start, end=end, ids=ids)
    rates = wh.public_rates(conn, start=bill_start, end=end)
    points = wh.point_percentiles(
        conn,
        start=rs_start,
        end=end,
        percentile=rightsizing.cpu_percentile,
        namespaces=["AWS/EC2", "CWAgent", "AWS/RDS", "AWS/EBS"],
        metrics=[
            "CPUUtilization",
            "mem_used_percent",
            "NetworkIn",
            "NetworkOut",
            "VolumeReadOps",
            "VolumeWriteOps",
        ],
        stats=["Maximum", "Sum"],
    )
    daily = wh.daily_stats(
        conn,
        start=idle_start,
        end=end,
        namespaces=["AWS/EC2", "AWS/RDS"],
        metrics=["CPUUtilization", "NetworkIn", "NetworkOut", "DatabaseConnections"],
        stats=["Maximum", "Sum"],
    )
    volumes = _attached_volumes(items)
    out = []
    for item in items:
        evidence = _evidence(item, lines, points, daily, volumes, rs_start, as_of)
        if evidence is not None:
            out.append(evidence)
    return out, rates


def _attached_volumes(items: list[wh.InventoryItem]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for item in items:
        if item.resource_type != EC2_TYPE:
            continue
        mappings = item.configuration.get("blockDeviceMappings") or []
        out[item.resource_id] = sorted(
            str(m["ebs"]["volumeId"]) for m in mappings if m.get("ebs", {}).get("volumeId")
        )
    return out


def _current_type(item: wh.InventoryItem) -> tuple[str, str] | None:
    if item.resource_type == EC2_TYPE:
        itype = item.configuration.get("instanceType")
        return ("ec2", str(itype)) if itype else None
    klass = item.configuration.get("dBInstanceClass")
    return ("rds", str(klass)) if klass else None


def _evidence(
    item: wh.InventoryItem,
    lines: dict[str, list[wh.UsageLine]],
    points: dict[wh.MetricKey, wh.MetricStats],
    daily: dict[wh.MetricKey, wh.DailyStats],
    volumes: dict[str, list[str]],
    rs_start: date,
    as_of: date,
) -> ComputeEvidence | None:
    current = _current_type(item)
    if current is None:
        return None
    kind, itype = current
    usage_type = f"BoxUsage:{itype}" if kind == "ec2" else f"InstanceUsage:{itype}"
    billed = [
        line
        for bill_id in item.billing_ids
        for line in lines.get(bill_id, [])
        if line.usage_type == usage_type
    ]
    if not billed:
        return None  # not billed in the window: nothing to save
    line = max(billed, key=lambda u: (u.last_day, u.quantity))
    spec = parse_instance_type(itype.removeprefix("db."))
    metric_id = _metric_id(item)
    ns = "AWS/EC2" if kind == "ec2" else "AWS/RDS"
    cpu = points.get((metric_id, ns, "CPUUtilization", "Maximum"))
    usage = None
    if cpu is not None:
        usage = Utilization(
            hours=cpu.hours,
            cpu_percent=cpu.percentile,
            cpu_max_percent=cpu.maximum,
            memory_percent=_pct(points, (metric_id, "CWAgent", "mem_used_percent", "Maximum")),
            network_bytes_per_s=_network(points, metric_id) if kind == "ec2" else None,
            ebs_iops=_iops(points, volumes.get(item.resource_id, [])) if kind == "ec2" else None,
        )
    idle_cpu = daily.get((metric_id, ns, "CPUUtilization", "Maximum"))
    net_in = daily.get((metric_id, "AWS/EC2", "NetworkIn", "Sum"))
    net_out = daily.get((metric_id, "AWS/EC2", "NetworkOut", "Sum"))
    conns = daily.get((metric_id, "AWS/RDS", "DatabaseConnections", "Maximum"))
    network_mbps = None
    if net_in is not None and net_out is not None:
        network_mbps = (net_in.mean + net_out.mean) * 8 / FIVE_MINUTES_S / 1e6
    return ComputeEvidence(
        item=item,
        kind=kind,
        instance_type=itype,
        spec=spec,
        hourly_rate=line.list_unit_price,
        monthly_hours=monthly_hours(line, rs_start, as_of),
        usage=usage,
        idle_cpu_max=None if idle_cpu is None else idle_cpu.maximum,
        idle_network_mbps=network_mbps,
        idle_connections_max=None if conns is None else conns.maximum,
        idle_hours=0.0 if idle_cpu is None else idle_cpu.hours,
    )


def monthly_hours(line: wh.UsageLine, start: date, as_of: date) -> Decimal:
    """Billed hours per day since the resource was first billed in the window, scaled to a
    730-hour month (an always-on instance: 730; office hours: about a third of that)."""
    days = (as_of - max(start, line.first_day)).days + 1
    if days <= 0:
        return Decimal(0)
    per_day = line.quantity / days
    return min(HOURS_PER_MONTH, per_day * HOURS_PER_MONTH / 24)


def _pct(points: dict[wh.MetricKey, wh.MetricStats], key: wh.MetricKey) -> float | None:
    stats = points.get(key)
    return None if stats is None else stats.percentile


def _network(points: dict[wh.MetricKey, wh.MetricStats], metric_id: str) -> float | None:
    inbound = points.get((metric_id, "AWS/EC2", "NetworkIn", "Sum"))
    outbound = points.get((metric_id, "AWS/EC2", "NetworkOut", "Sum"))
    if inbound is None or outbound is None:
        return None
    return (inbound.percentile + outbound.percentile) / FIVE_MINUTES_S  # an upper bound


def _iops(points: dict[wh.MetricKey, wh.MetricStats], volume_ids: list[str]) -> float | None:
    total = 0.0
    seen = False
    for vol in volume_ids:
        for metric in ("VolumeReadOps", "VolumeWriteOps"):
            stats = points.get((vol, "AWS/EBS", metric, "Sum"))
            if stats is not None:
                total += stats.percentile / FIVE_MINUTES_S
                seen = True
    return total if seen else None
