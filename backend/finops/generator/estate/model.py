"""What the simulated AWS organisation is made of: accounts, resources with lifecycles and
workload profiles, commitments, cost anomalies, and the situations planted in it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from finops.generator.timeline import Timeline


@dataclass(frozen=True, slots=True)
class Account:
    account_id: str
    name: str
    environment: str
    team: str
    regions: tuple[str, ...]


@dataclass(slots=True)
class Profile:
    """Workload shape of a resource: drives both its utilization metrics and variable usage."""

    level: float  # mean CPU % (or intensity multiplier for usage streams)
    diurnal: float = 0.35  # relative amplitude of the daily cycle
    weekend: float = 0.7  # weekend multiplier
    noise: float = 0.08  # relative noise
    growth: float = 0.15  # relative growth per year
    burst: float = 0.0  # probability of a burst in an hour
    idle_band: tuple[float, float] | None = None  # idle resources stay inside this CPU band
    peak_cap: float = 100.0  # maximum CPU ever reported
    memory: float | None = None  # mean mem_used_percent (CloudWatch agent); None: 30–70% by id


@dataclass(slots=True)
class Resource:
    kind: str
    resource_id: str
    account_id: str
    region: str
    az: str
    launch_hour: int  # may be negative (launched before the range)
    terminate_hour: int | None  # exclusive; None = still running at the end
    tags: dict[str, str]
    attrs: dict[str, Any] = field(default_factory=dict)
    profile: Profile | None = None

    def alive_at(self, hour: int) -> bool:
        return self.launch_hour <= hour and (
            self.terminate_hour is None or hour < self.terminate_hour
        )

    def ec2_arn(self, resource_type: str) -> str:
        """The resource's ARN in the EC2 namespace, e.g. ``ec2_arn("volume")``."""
        return f"arn:aws:ec2:{self.region}:{self.account_id}:{resource_type}/{self.resource_id}"


@dataclass(frozen=True, slots=True)
class ReservedInstance:
    reservation_id: str
    arn: str
    account_id: str
    region: str
    instance_type: str
    count: int
    start_hour: int
    end_hour: int
    hourly_rate: Decimal  # per instance-hour (No Upfront: recurring fee only)
    start: date
    end: date


@dataclass(frozen=True, slots=True)
class SavingsPlan:
    savings_plan_id: str
    arn: str
    account_id: str
    commitment: Decimal  # $ per hour
    start_hour: int
    end_hour: int
    start: date
    end: date
    scope: tuple[str, ...] = ()
    """The resource ids the plan may cover (empty: any eligible usage of the organisation);
    the generator's loop buys one sized to a single resource (``finops.generator.loop``)."""


@dataclass(frozen=True, slots=True)
class Anomaly:
    """A multiplier on the variable usage of some resources during a time window."""

    anomaly_id: int
    kind: str  # cost_spike | level_shift | cost_drift
    resource_ids: tuple[str, ...]
    usage_kinds: tuple[str, ...]  # which usage streams of those resources are affected
    start_hour: int
    end_hour: int | None  # exclusive; None = until the end
    multiplier: float
    ramp_hours: int = 0  # cost_drift: reaches the multiplier linearly over this many hours


@dataclass(frozen=True, slots=True)
class UsagePin:
    """A resource's CPU held at ``value`` percent during ``[start_hour, end_hour)`` (a runaway
    process); ``anomaly_id`` names the cost anomaly it causes, None for a blip without cost."""

    resource_id: str
    start_hour: int
    end_hour: int
    value: float = 100.0
    anomaly_id: int | None = None


@dataclass(slots=True)
class Situation:
    kind: str
    resource_id: str | None
    account_id: str
    region: str | None
    service: str | None
    start: date
    end: date | None
    monthly_cost_impact: Decimal | None
    details: dict[str, Any]
    anomaly_id: int | None = None


@dataclass(slots=True)
class Estate:
    timeline: Timeline
    seed: int
    payer: Account
    accounts: list[Account]
    resources: list[Resource]
    reservations: list[ReservedInstance]
    savings_plans: list[SavingsPlan]
    anomalies: list[Anomaly]
    situations: list[Situation]
    usage_pins: list[UsagePin] = field(default_factory=list)

    def account(self, account_id: str) -> Account:
        for account in (self.payer, *self.accounts):
            if account.account_id == account_id:
                return account
        raise KeyError(account_id)

    def by_id(self) -> dict[str, Resource]:
        return {r.resource_id: r for r in self.resources}


SERVICE_OF_KIND: dict[str, str] = {
    "ec2_instance": "AmazonEC2",
    "ebs_volume": "AmazonEC2",
    "ebs_snapshot": "AmazonEC2",
    "nat_gateway": "AmazonEC2",
    "elastic_ip": "AmazonVPC",
    "rds_instance": "AmazonRDS",
    "s3_bucket": "AmazonS3",
    "lambda_function": "AWSLambda",
    "load_balancer": "AWSELB",
}
"""The billing service (product code) of each resource kind."""
