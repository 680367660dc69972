"""The CloudWatch metrics that matter per resource kind, and the statistics kept for each.

Both inputs give the same 5-minute points: GetMetricData returns the statistic directly; a
Metric Streams record carries the statistic set (min, max, sum, count) of its period, from which
``Average = sum / count``, ``Maximum = max``, ``Minimum = min``, ``Sum = sum``,
``SampleCount = count`` — the way CloudWatch itself computes them for one period.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

PERIOD_S = 300
STATS = ("Average", "Maximum", "Minimum", "Sum", "SampleCount")


@dataclass(frozen=True, slots=True)
class MetricSpec:
    namespace: str
    metric_name: str
    stats: tuple[str, ...]
    resource_dimension: str
    unit: str
    exact: bool = True  # True: the resource dimension is the only one (per-resource series)

    def matches(self, dimensions: Mapping[str, str]) -> bool:
        if self.resource_dimension not in dimensions:
            return False
        return not self.exact or len(dimensions) == 1


_AVG_MAX = ("Average", "Maximum")
_SUM = ("Sum",)

CATALOG: tuple[MetricSpec, ...] = (
    MetricSpec("AWS/EC2", "CPUUtilization", _AVG_MAX, "InstanceId", "Percent"),
    MetricSpec("AWS/EC2", "NetworkIn", _SUM, "InstanceId", "Bytes"),
    MetricSpec("AWS/EC2", "NetworkOut", _SUM, "InstanceId", "Bytes"),
    # The CloudWatch agent adds dimensions of its own (InstanceType, ImageId, …).
    MetricSpec("CWAgent", "mem_used_percent", _AVG_MAX, "InstanceId", "Percent", exact=False),
    MetricSpec("AWS/EBS", "VolumeReadOps", _SUM, "VolumeId", "Count"),
    MetricSpec("AWS/EBS", "VolumeWriteOps", _SUM, "VolumeId", "Count"),
    MetricSpec("AWS/EBS", "VolumeReadBytes", _SUM, "VolumeId", "Bytes"),
    MetricSpec("AWS/EBS", "VolumeWriteBytes", _SUM, "VolumeId", "Bytes"),
    MetricSpec("AWS/EBS", "VolumeIdleTime", _SUM, "VolumeId", "Seconds"),
    MetricSpec("AWS/RDS", "CPUUtilization", _AVG_MAX, "DBInstanceIdentifier", "Percent"),
    MetricSpec("AWS/RDS", "DatabaseConnections", _AVG_MAX, "DBInstanceIdentifier", "Count"),
    MetricSpec("AWS/ApplicationELB", "RequestCount", _SUM, "LoadBalancer", "Count"),
    MetricSpec("AWS/Lambda", "Invocations", _SUM, "FunctionName", "Count"),
)

BY_METRIC: dict[tuple[str, str], MetricSpec] = {(m.namespace, m.metric_name): m for m in CATALOG}


def stat_from_set(
    stat: str, *, minimum: float, maximum: float, total: float, count: float
) -> float:
    """One statistic of a period from its statistic set."""
    if stat == "Average":
        return total / count
    if stat == "Maximum":
        return maximum
    if stat == "Minimum":
        return minimum
    if stat == "Sum":
        return total
    if stat == "SampleCount":
        return count
    raise ValueError(f"unknown CloudWatch statistic {stat!r}")
