"""EC2 and RDS instances: the evidence every compute rule reads (inventory, utilization
percentiles, billed hours and rates), and their classification — idle, oversized, previous
generation — in that order of precedence (stopping beats downsizing beats modernising)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import Connection

from finops.analytics.optimization import warehouse as wh
from finops.analytics.optimization.findings import Finding, rate_difference, removal
from finops.analytics.optimization.instance_types import (
    InstanceType,
    parse_instance_type,
    successor_type,
)
from finops.analytics.optimization.policy import HOURS_PER_MONTH, RightsizingPolicy, WastePolicy
from finops.analytics.optimization.rightsizing import (
    Recommendation,
    Utilization,
    derived_rate,
    recommend,
)

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


# ---- classification ------------------------------------------------------------------------


def is_idle(e: ComputeEvidence, policy: WastePolicy) -> bool:
    if e.idle_cpu_max is None or e.idle_hours < policy.idle_min_hours:
        return False
    if e.kind == "rds":
        return (
            e.idle_connections_max is not None
            and e.idle_connections_max <= policy.idle_rds_max_connections
        )
    return (
        e.idle_cpu_max < policy.idle_instance_max_cpu_percent
        and e.idle_network_mbps is not None
        and e.idle_network_mbps <= policy.idle_instance_max_network_mbps
    )


def rightsize(
    e: ComputeEvidence, rates: dict[tuple[str, str], Decimal], policy: RightsizingPolicy
) -> Recommendation | None:
    if e.spec is None or e.usage is None:
        return None
    prefix = "BoxUsage:" if e.kind == "ec2" else "InstanceUsage:db."
    region = e.item.region

    def rate_of(spec: InstanceType) -> Decimal | None:
        return derived_rate(spec, region, rates, usage_prefix=prefix)

    rec = recommend(
        current=e.spec, current_rate=e.hourly_rate, usage=e.usage, rate_of=rate_of, policy=policy
    )
    if rec is None or rec.hourly_savings * e.monthly_hours < policy.min_monthly_savings:
        return None
    return rec


def _service(e: ComputeEvidence) -> str:
    return "AmazonEC2" if e.kind == "ec2" else "AmazonRDS"


def idle_finding(e: ComputeEvidence, policy: WastePolicy) -> Finding:
    savings = e.hourly_rate * e.monthly_hours
    details = {
        "instance_type": e.instance_type,
        "hourly_rate": e.hourly_rate,
        "monthly_hours": e.monthly_hours,
        "lookback_days": policy.idle_lookback_days,
        "hours_of_data": round(e.idle_hours, 2),
        "max_cpu_percent": e.idle_cpu_max,
        "action": "stop or terminate" if e.kind == "ec2" else "stop or delete (snapshot first)",
    }
    if e.kind == "ec2":
        details["avg_network_mbps"] = round(e.idle_network_mbps or 0.0, 4)
        details["thresholds"] = {
            "max_cpu_percent": policy.idle_instance_max_cpu_percent,
            "max_network_mbps": policy.idle_instance_max_network_mbps,
        }
    else:
        details["max_connections"] = e.idle_connections_max
        details["thresholds"] = {"max_connections": policy.idle_rds_max_connections}
    return Finding(
        finding_type="idle_instance" if e.kind == "ec2" else "idle_rds",
        account_id=e.item.account_id,
        region=e.item.region,
        resource_id=e.item.resource_id,
        resource_type=e.item.resource_type,
        service=_service(e),
        scope=e.instance_type,
        estimated_monthly_savings=savings,
        details=details,
        billing_ids=e.item.billing_ids,
        # a stopped database still pays for its storage: only its instance hours are saved
        pricing=removal() if e.kind == "ec2" else removal("InstanceUsage:"),
    )


def oversized_finding(
    e: ComputeEvidence, rec: Recommendation, policy: RightsizingPolicy
) -> Finding:
    assert e.usage is not None
    return Finding(
        finding_type="oversized_instance" if e.kind == "ec2" else "oversized_rds",
        account_id=e.item.account_id,
        region=e.item.region,
        resource_id=e.item.resource_id,
        resource_type=e.item.resource_type,
        service=_service(e),
        scope=e.instance_type,
        estimated_monthly_savings=rec.hourly_savings * e.monthly_hours,
        details={
            "instance_type": e.instance_type,
            "recommended_instance_type": (
                rec.target.name if e.kind == "ec2" else f"db.{rec.target.name}"
            ),
            "hourly_rate": rec.current_rate,
            "recommended_hourly_rate": rec.target_rate,
            "monthly_hours": e.monthly_hours,
            "projected_cpu_percent": rec.projected_cpu_percent,
            "projected_memory_percent": rec.projected_memory_percent,
            "projected_network_percent": rec.projected_network_percent,
            "memory_checked": rec.memory_checked,
            "risk": rec.risk,
            "evidence": {
                "lookback_days": policy.lookback_days,
                "hours_of_data": round(e.usage.hours, 2),
                "cpu_percentile": policy.cpu_percentile,
                "cpu_percent_at_percentile": round(e.usage.cpu_percent, 4),
                "cpu_max_percent": e.usage.cpu_max_percent,
                "memory_percent_at_percentile": e.usage.memory_percent,
                "network_bytes_per_s_at_percentile": e.usage.network_bytes_per_s,
                "ebs_iops_at_percentile": e.usage.ebs_iops,
                "cpu_headroom": policy.cpu_headroom,
                "memory_headroom": policy.memory_headroom,
            },
        },
        billing_ids=e.item.billing_ids,
        pricing=rate_difference(rec.current_rate, rec.target_rate, _usage_type(e)),
    )


def _usage_type(e: ComputeEvidence) -> str:
    return f"BoxUsage:{e.instance_type}" if e.kind == "ec2" else f"InstanceUsage:{e.instance_type}"


def previous_generation_finding(
    e: ComputeEvidence, rates: dict[tuple[str, str], Decimal]
) -> Finding | None:
    if e.kind != "ec2" or e.spec is None or e.spec.current_generation:
        return None
    target = successor_type(e.spec)
    if target is None:
        return None
    rate = derived_rate(target, e.item.region, rates)
    if rate is None:
        return None
    return Finding(
        finding_type="previous_generation_instance",
        account_id=e.item.account_id,
        region=e.item.region,
        resource_id=e.item.resource_id,
        resource_type=e.item.resource_type,
        service="AmazonEC2",
        scope=e.instance_type,
        estimated_monthly_savings=max(Decimal(0), (e.hourly_rate - rate) * e.monthly_hours),
        details={
            "instance_type": e.instance_type,
            "recommended_instance_type": target.name,
            "hourly_rate": e.hourly_rate,
            "recommended_hourly_rate": rate,
            "monthly_hours": e.monthly_hours,
            "generation": "previous",
        },
        billing_ids=e.item.billing_ids,
        pricing=rate_difference(e.hourly_rate, rate, _usage_type(e)),
    )
