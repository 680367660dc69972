"""The simulated AWS organisation: accounts, resources with lifecycles and workload profiles,
commitments, cost anomalies, and the situations planted in it (the ground truth).

Everything is drawn from one ``numpy`` generator seeded with the options' seed, in a fixed order,
so the same options always give the same estate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import numpy as np

from finops.generator import catalog
from finops.generator.timeline import DAY_H, MONTH_HOURS, Timeline

PAYER_NAME = "finops-demo-management"
ACCOUNT_NAMES: tuple[tuple[str, str, str], ...] = (  # name, environment, team
    ("prod-commerce", "prod", "checkout"),
    ("prod-data", "prod", "data"),
    ("staging", "staging", "platform"),
    ("dev", "dev", "search"),
    ("shared-services", "prod", "platform"),
    ("ml-platform", "prod", "ml"),
    ("sandbox", "sandbox", "identity"),
    ("payments", "prod", "payments"),
)
REGION_ORDER: tuple[str, ...] = ("us-east-1", "eu-west-1", "us-west-2", "ap-southeast-2")
GROUP_TYPES: tuple[str, ...] = (
    "m5.large",
    "m5.xlarge",
    "m6i.large",
    "m6i.xlarge",
    "m6i.2xlarge",
    "c6i.large",
    "c6i.xlarge",
    "c6i.2xlarge",
    "r6i.large",
    "r6i.xlarge",
    "t3.large",
    "t3.xlarge",
)
APPLICATIONS: tuple[str, ...] = ("storefront", "catalog", "orders", "etl", "api", "reports")
SP2_PEAK_USE = Decimal("0.75")  # the over-committed plan's utilization at the peak of usage


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

    def account(self, account_id: str) -> Account:
        for account in (self.payer, *self.accounts):
            if account.account_id == account_id:
                return account
        raise KeyError(account_id)

    def by_id(self) -> dict[str, Resource]:
        return {r.resource_id: r for r in self.resources}


# ---------------------------------------------------------------------------------------------


class _Builder:
    def __init__(self, *, timeline: Timeline, seed: int, accounts: int, density: float) -> None:
        self.timeline = timeline
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.density = density
        self.n_accounts = accounts
        self.resources: list[Resource] = []
        self.situations: list[Situation] = []
        self.anomalies: list[Anomaly] = []
        self.reservations: list[ReservedInstance] = []
        self.savings_plans: list[SavingsPlan] = []
        self._ids: set[str] = set()
        self.payer = Account(self._account_id(), PAYER_NAME, "shared", "platform", ("us-east-1",))
        self.accounts = [self._make_account(i) for i in range(accounts)]
        self.hours = timeline.hours

    # ---- identifiers ----------------------------------------------------------------------

    def _hex(self, prefix: str, digits: int) -> str:
        while True:
            words = self.rng.integers(0, 2**64, size=(digits + 15) // 16, dtype=np.uint64)
            ident = prefix + "".join(f"{int(w):016x}" for w in words)[:digits]
            if ident not in self._ids:
                self._ids.add(ident)
                return ident

    def _account_id(self) -> str:
        while True:
            ident = str(int(self.rng.integers(10**11, 10**12)))
            if ident not in self._ids:
                self._ids.add(ident)
                return ident

    def _make_account(self, index: int) -> Account:
        name, environment, team = ACCOUNT_NAMES[index % len(ACCOUNT_NAMES)]
        if index >= len(ACCOUNT_NAMES):
            name = f"{name}-{index // len(ACCOUNT_NAMES) + 1}"
        primary = REGION_ORDER[index % 2]  # us-east-1 or eu-west-1
        regions = (primary,) if environment != "prod" else (primary, REGION_ORDER[2 + index % 2])
        return Account(self._account_id(), name, environment, team, regions)

    # ---- helpers --------------------------------------------------------------------------

    def day_hour(self, fraction: float) -> int:
        """Hour index at the start of the day ``fraction`` of the way through the range."""
        return int(self.timeline.days * fraction) * DAY_H

    def date_of(self, hour: int) -> date:
        return self.timeline.start + timedelta(days=max(0, hour) // DAY_H)

    def tags_for(self, account: Account, application: str | None = None) -> dict[str, str]:
        app = application or APPLICATIONS[int(self.rng.integers(len(APPLICATIONS)))]
        return {
            "team": account.team,
            "environment": account.environment,
            "cost-center": catalog.TEAMS[account.team],
            "application": app,
        }

    def az(self, region: str) -> str:
        zones = catalog.REGIONS[region].azs
        return region + zones[int(self.rng.integers(len(zones)))]

    def lifecycle(self, churn: float) -> tuple[int, int | None]:
        """Most resources run the whole range; ``churn`` of them launch or end inside it."""
        launch = -DAY_H * int(self.rng.integers(30, 900))
        terminate: int | None = None
        if self.rng.random() < churn:
            launch = int(self.rng.integers(0, max(1, self.hours - DAY_H)))
            launch -= launch % DAY_H - int(self.rng.integers(0, DAY_H))
        if self.rng.random() < churn / 2:
            lo = max(launch + DAY_H * 7, 0)
            if lo < self.hours:
                terminate = int(self.rng.integers(lo, self.hours + 1))
                if terminate >= self.hours:
                    terminate = None
        return launch, terminate

    def add(self, resource: Resource) -> Resource:
        self.resources.append(resource)
        return resource

    # ---- resource factories ---------------------------------------------------------------

    def instance(
        self,
        account: Account,
        region: str,
        instance_type: str,
        *,
        profile: Profile,
        launch: int,
        terminate: int | None,
        tags: dict[str, str],
        schedule: str = "always",
        agent: bool = False,
        volume_type: str = "gp3",
        volume_gb: int | None = None,
    ) -> Resource:
        az = self.az(region)
        instance = self.add(
            Resource(
                "ec2_instance",
                self._hex("i-", 17),
                account.account_id,
                region,
                az,
                launch,
                terminate,
                tags,
                {
                    "instance_type": instance_type,
                    "schedule": schedule,
                    "agent": agent,
                    "ami": self._hex("ami-", 17),
                    "subnet": self._hex("subnet-", 17),
                    "private_ip": f"10.{int(self.rng.integers(0, 255))}."
                    f"{int(self.rng.integers(0, 255))}.{int(self.rng.integers(4, 250))}",
                },
                profile,
            )
        )
        size = volume_gb or int(self.rng.choice([20, 30, 50, 100]))
        volume = self.volume(
            account, region, volume_type, size, launch=launch, terminate=terminate, tags=tags
        )
        volume.az = az
        volume.attrs["attached_to"] = instance.resource_id
        volume.attrs["device"] = "/dev/xvda"
        instance.attrs["volumes"] = [volume.resource_id]
        return instance

    def volume(
        self,
        account: Account,
        region: str,
        volume_type: str,
        size_gb: int,
        *,
        launch: int,
        terminate: int | None,
        tags: dict[str, str],
    ) -> Resource:
        return self.add(
            Resource(
                "ebs_volume",
                self._hex("vol-", 17),
                account.account_id,
                region,
                self.az(region),
                launch,
                terminate,
                tags,
                {
                    "volume_type": volume_type,
                    "size_gb": size_gb,
                    "attached_to": None,
                    "detach_hour": None,
                    "iops": 3000 if volume_type == "gp3" else max(100, 3 * size_gb),
                },
                Profile(level=1.0),
            )
        )

    def group(self, account: Account, region: str, index: int) -> None:
        """One application tier: a few instances of one type with their root volumes."""
        rng = self.rng
        instance_type = GROUP_TYPES[int(rng.integers(len(GROUP_TYPES)))]
        tags = self.tags_for(account)
        count = int(rng.integers(1, 4))
        dev_like = account.environment in ("dev", "sandbox", "staging")
        schedule = "office_hours" if dev_like and rng.random() < 0.5 else "always"
        level = float(rng.uniform(25, 60)) if not dev_like else float(rng.uniform(10, 35))
        for _ in range(count):
            launch, terminate = self.lifecycle(0.25)
            profile = Profile(
                level=level * float(rng.uniform(0.85, 1.15)),
                diurnal=float(rng.uniform(0.2, 0.5)),
                weekend=float(rng.uniform(0.5, 0.95)),
                noise=float(rng.uniform(0.05, 0.15)),
                growth=float(rng.uniform(0.0, 0.3)),
                burst=float(rng.uniform(0.0, 0.02)),
            )
            self.instance(
                account,
                region,
                instance_type,
                profile=profile,
                launch=launch,
                terminate=terminate,
                tags=tags,
                schedule=schedule,
                agent=rng.random() < 0.3,
            )
        if index % 3 == 0:  # an internet-facing tier ships data out
            first = next(r for r in reversed(self.resources) if r.kind == "ec2_instance")
            first.attrs["egress_gb_hour"] = round(float(rng.uniform(0.5, 6.0)), 3)

    def shared_services(self, account: Account, region: str) -> None:
        rng = self.rng
        tags = self.tags_for(account, "shared")
        self.add(
            Resource(
                "nat_gateway",
                self._hex("nat-", 17),
                account.account_id,
                region,
                self.az(region),
                -DAY_H * 400,
                None,
                tags,
                {"gb_hour": round(float(rng.uniform(0.5, 4.0)), 3)},
                Profile(level=1.0, diurnal=0.3, weekend=0.8, noise=0.1),
            )
        )
        for b in range(max(1, round(2 * self.density))):
            self.bucket(
                account, region, f"{account.name}-{region}-{b}", tags=self.tags_for(account)
            )
        for _ in range(max(1, round(2 * self.density))):
            self.function(account, region, tags=self.tags_for(account))
        if account.environment in ("prod", "staging"):
            self.load_balancer(account, region, tags=self.tags_for(account, "storefront"))
            if region == account.regions[0]:
                self.database(account, region, "db.m5.large", tags=self.tags_for(account, "orders"))

    def bucket(
        self, account: Account, region: str, name: str, *, tags: dict[str, str], gb: float = 0.0
    ) -> Resource:
        rng = self.rng
        return self.add(
            Resource(
                "s3_bucket",
                f"{name}-{self._hex('', 6)}",
                account.account_id,
                region,
                "",
                -DAY_H * 700,
                None,
                tags,
                {
                    "storage_gb": gb or round(float(rng.uniform(200, 6000)), 1),
                    "requests_hour": round(float(rng.uniform(2000, 60000)), 0),
                },
                Profile(level=1.0, diurnal=0.4, weekend=0.75, noise=0.1, growth=0.35),
            )
        )

    def function(self, account: Account, region: str, *, tags: dict[str, str]) -> Resource:
        rng = self.rng
        name = f"{tags['application']}-{self._hex('', 6)}"
        return self.add(
            Resource(
                "lambda_function",
                f"arn:aws:lambda:{region}:{account.account_id}:function:{name}",
                account.account_id,
                region,
                "",
                -DAY_H * 300,
                None,
                tags,
                {
                    "requests_hour": round(float(rng.uniform(5000, 200000)), 0),
                    "memory_mb": int(rng.choice([128, 256, 512, 1024])),
                    "duration_ms": round(float(rng.uniform(20, 400)), 0),
                },
                Profile(level=1.0, diurnal=0.5, weekend=0.6, noise=0.12, growth=0.25),
            )
        )

    def load_balancer(
        self, account: Account, region: str, *, tags: dict[str, str], idle: bool = False
    ) -> Resource:
        rng = self.rng
        name = f"{tags['application']}-alb"
        ident = self._hex("", 16)
        return self.add(
            Resource(
                "load_balancer",
                f"arn:aws:elasticloadbalancing:{region}:{account.account_id}:"
                f"loadbalancer/app/{name}/{ident}",
                account.account_id,
                region,
                self.az(region),
                -DAY_H * 365,
                None,
                tags,
                {
                    "lcu_hour": 0.0 if idle else round(float(rng.uniform(1, 12)), 2),
                    "requests_5min": 0.0 if idle else round(float(rng.uniform(500, 20000)), 0),
                    "name": name,
                    "targets": 0 if idle else int(rng.integers(2, 6)),
                },
                Profile(level=1.0, diurnal=0.5, weekend=0.7, noise=0.1, growth=0.2),
            )
        )

    def database(
        self,
        account: Account,
        region: str,
        instance_class: str,
        *,
        tags: dict[str, str],
        idle: bool = False,
    ) -> Resource:
        rng = self.rng
        name = f"{tags['application']}-db-{self._hex('', 4)}"
        profile = (
            Profile(
                level=1.5, diurnal=0.05, weekend=1.0, noise=0.2, growth=0.0, idle_band=(0.5, 3.0)
            )
            if idle
            else Profile(level=float(rng.uniform(20, 55)), diurnal=0.4, weekend=0.7, noise=0.08)
        )
        return self.add(
            Resource(
                "rds_instance",
                f"arn:aws:rds:{region}:{account.account_id}:db:{name}",
                account.account_id,
                region,
                self.az(region),
                -DAY_H * 500,
                None,
                tags,
                {
                    "instance_class": instance_class,
                    "engine": "mysql",
                    "storage_gb": int(rng.choice([100, 200, 500])),
                    "connections": 0.0 if idle else round(float(rng.uniform(20, 300)), 0),
                    "name": name,
                },
                profile,
            )
        )

    def address(self, account: Account, region: str, *, instance: Resource | None) -> Resource:
        rng = self.rng
        ip = f"203.0.{int(rng.integers(0, 255))}.{int(rng.integers(1, 255))}"
        return self.add(
            Resource(
                "elastic_ip",
                self._hex("eipalloc-", 17),
                account.account_id,
                region,
                "",
                -DAY_H * 200,
                None,
                self.tags_for(account),
                {
                    "public_ip": ip,
                    "associated_with": instance.resource_id if instance else None,
                },
            )
        )


# ---------------------------------------------------------------------------------------------


def build_estate(
    *,
    timeline: Timeline,
    seed: int,
    accounts: int,
    density: float = 1.0,
    extra_anomalies: int = 0,
) -> Estate:
    """The organisation, its resources and every planted situation.

    ``extra_anomalies`` plants that many more cost anomalies (spikes, level shifts, drifts on
    single resources) for evaluation estates; they draw from their own random stream, so the
    rest of the estate is the same with or without them.
    """
    b = _Builder(timeline=timeline, seed=seed, accounts=accounts, density=density)
    for account in b.accounts:
        for region in account.regions:
            groups = round((3 if account.environment == "prod" else 2) * density)
            for index in range(groups):
                b.group(account, region, index)
            b.shared_services(account, region)
    _plant(b)
    if extra_anomalies:
        _plant_extra_anomalies(b, extra_anomalies, np.random.default_rng([seed, 7919]))
    return Estate(
        timeline=timeline,
        seed=seed,
        payer=b.payer,
        accounts=b.accounts,
        resources=b.resources,
        reservations=b.reservations,
        savings_plans=b.savings_plans,
        anomalies=b.anomalies,
        situations=b.situations,
    )


# resource kind -> (usage streams a spike multiplies, streams a shift or drift multiplies)
_EXTRA_TARGETS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "lambda_function": (("requests", "duration"), ("requests", "duration")),
    "s3_bucket": (("requests",), ("storage", "requests")),
    "nat_gateway": (("bytes",), ("bytes",)),
    "ec2_instance": (("egress",), ("egress",)),
}


def _plant_extra_anomalies(b: _Builder, count: int, rng: np.random.Generator) -> None:
    """``count`` more anomalies on resources that live through the whole range and carry no
    other planted situation, spread over the range after ten weeks of history."""
    taken: set[str] = set()
    for s in b.situations:
        if s.resource_id:
            taken.add(s.resource_id)
        taken.update(str(r) for r in s.details.get("resource_ids") or [])
    for a in b.anomalies:
        taken.update(a.resource_ids)
    pool = [
        r
        for r in b.resources
        if r.kind in _EXTRA_TARGETS
        and r.resource_id not in taken
        and r.launch_hour <= 0
        and r.terminate_hour is None
        and (r.kind != "ec2_instance" or r.attrs.get("egress_gb_hour"))
    ]
    days = b.timeline.days
    first_day, last_day = 70, days - 45
    if not pool or last_day <= first_day:
        return
    order = rng.permutation(len(pool))
    kinds = ("cost_spike", "level_shift", "cost_drift")
    for n in range(min(count, len(pool))):
        r = pool[int(order[n])]
        kind = kinds[n % 3]
        spike_streams, lasting_streams = _EXTRA_TARGETS[r.kind]
        start = int(rng.integers(first_day, last_day)) * DAY_H + int(rng.integers(0, 12))
        anomaly_id = len(b.anomalies) + 1
        end_hour: int | None = None
        ramp = 0
        if kind == "cost_spike":
            multiplier = round(float(rng.uniform(5.0, 9.0)), 2)
            end_hour = start + int(rng.integers(20, 49))
            streams = spike_streams
        elif kind == "level_shift":
            multiplier = round(float(rng.uniform(1.8, 2.6)), 2)
            streams = lasting_streams
        else:
            multiplier = round(float(rng.uniform(2.5, 3.5)), 2)
            ramp = int(rng.integers(28, 57)) * DAY_H
            streams = lasting_streams
        b.anomalies.append(
            Anomaly(anomaly_id, kind, (r.resource_id,), streams, start, end_hour, multiplier, ramp)
        )
        details: dict[str, Any] = {
            "scope": "resource",
            "multiplier": multiplier,
            "usage": " and ".join(streams),
            "planted": "extra",
        }
        if ramp:
            details["ramp_days"] = ramp // DAY_H
        situation = Situation(
            kind=kind,
            resource_id=r.resource_id,
            account_id=r.account_id,
            region=r.region,
            service=_service_of(r.kind),
            start=b.date_of(start),
            end=b.date_of(end_hour) if end_hour is not None else None,
            monthly_cost_impact=None,
            details=details,
        )
        situation.anomaly_id = anomaly_id
        b.situations.append(situation)
        taken.add(r.resource_id)


def _money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


def _ec2_rate(instance_type: str, region: str) -> Decimal:
    return catalog.regional_price(catalog.instance_spec(instance_type).price, region)


def _service_of(kind: str) -> str:
    return {
        "ec2_instance": "AmazonEC2",
        "ebs_volume": "AmazonEC2",
        "ebs_snapshot": "AmazonEC2",
        "nat_gateway": "AmazonEC2",
        "elastic_ip": "AmazonVPC",
        "rds_instance": "AmazonRDS",
        "s3_bucket": "AmazonS3",
        "lambda_function": "AWSLambda",
        "load_balancer": "AWSELB",
    }[kind]


def _plant(b: _Builder) -> None:
    tl = b.timeline
    accts = b.accounts
    rng = b.rng
    end_date = tl.end - timedelta(days=1)

    def acct(i: int) -> Account:
        return accts[i % len(accts)]

    def situation(
        kind: str,
        r: Resource | None,
        start_hour: int,
        impact: Decimal | None,
        account: Account | None = None,
        end: date | None = None,
        service: str | None = None,
        **details: Any,
    ) -> Situation:
        s = Situation(
            kind=kind,
            resource_id=r.resource_id if r else None,
            account_id=r.account_id if r else (account or b.payer).account_id,
            region=r.region if r else None,
            service=service or (_service_of(r.kind) if r else None),
            start=b.date_of(start_hour),
            end=end,
            monthly_cost_impact=None if impact is None else _money(impact),
            details=details,
        )
        b.situations.append(s)
        return s

    always = -DAY_H * 400
    hours_month = Decimal(MONTH_HOURS)

    # idle instances: CPU stays inside a low band for the whole time they exist
    for i, itype in enumerate(("m5.xlarge", "m6i.2xlarge")):
        a = acct(i * 3)
        region = a.regions[0]
        inst = b.instance(
            a,
            region,
            itype,
            profile=Profile(
                level=1.0,
                diurnal=0.1,
                weekend=1.0,
                noise=0.25,
                growth=0.0,
                idle_band=(0.2, 2.5),
                peak_cap=4.0,
            ),
            launch=always,
            terminate=None,
            tags=b.tags_for(a),
            agent=i == 0,
        )
        rate = _ec2_rate(itype, region)
        situation(
            "idle_instance",
            inst,
            0,
            rate * hours_month,
            cpu_band=[0.2, 2.5],
            instance_type=itype,
            hourly_rate=str(rate),
            lookback_days=14,
        )

    # oversized instances: a light workload on a 4xlarge — CPU peaks under 15% and the
    # CloudWatch agent reports memory that follows the same low workload (about 6% on average).
    # The size that fits is chosen after the utilization is simulated (ground_truth.py:
    # size_oversized), from the simulated 5-minute maxima and the catalog's prices.
    for i, itype in enumerate(("m5.4xlarge", "r6i.4xlarge")):
        a = acct(i * 2 + 1)
        region = a.regions[0]
        inst = b.instance(
            a,
            region,
            itype,
            profile=Profile(
                level=6.0,
                diurnal=0.4,
                weekend=0.8,
                noise=0.1,
                growth=0.0,
                peak_cap=14.0,
                memory=6.0,
            ),
            launch=always,
            terminate=None,
            tags=b.tags_for(a),
            agent=True,
        )
        situation(
            "oversized_instance",
            inst,
            0,
            None,  # filled by size_oversized from the simulated metrics and the bill's prices
            instance_type=itype,
            max_cpu_percent=14.0,
        )

    # previous generation instances, otherwise healthy
    for i, itype in enumerate(("m4.large", "c4.xlarge")):
        a = acct(i * 5 + 2)
        region = a.regions[0]
        inst = b.instance(
            a,
            region,
            itype,
            profile=Profile(level=float(rng.uniform(35, 55)), diurnal=0.3, weekend=0.8),
            launch=always,
            terminate=None,
            tags=b.tags_for(a),
        )
        family = catalog.FAMILIES[itype.split(".")[0]]
        successor = f"{family.successor}.{itype.split('.', 1)[1]}"
        saving = _ec2_rate(itype, region) - _ec2_rate(successor, region)
        situation(
            "previous_generation_instance",
            inst,
            0,
            saving * hours_month,
            instance_type=itype,
            recommended_instance_type=successor,
        )

    # unattached volumes: detached from their instance part-way through and never deleted
    for i, (vtype, size) in enumerate((("gp3", 500), ("gp2", 200))):
        a = acct(i * 3 + 1)
        region = a.regions[0]
        detach = min(b.day_hour(0.55 + 0.2 * i), max(0, tl.hours - DAY_H * 20))
        tags = b.tags_for(a)
        old = b.instance(
            a,
            region,
            "m6i.large",
            profile=Profile(level=30.0),
            launch=always,
            terminate=detach,
            tags=tags,
        )
        vol = b.volume(a, region, vtype, size, launch=always, terminate=None, tags=tags)
        vol.az = old.az
        vol.attrs["detach_hour"] = detach
        vol.attrs["was_attached_to"] = old.resource_id
        vol.attrs["device"] = "/dev/sdf"
        price = catalog.regional_price(catalog.EBS_GB_MONTH[vtype], region)
        situation("unattached_volume", vol, detach, price * size, volume_type=vtype, size_gb=size)

    # old snapshots whose source volume is gone
    for i in range(3):
        a = acct(i + 2)
        region = a.regions[0]
        size = int(rng.choice([50, 100, 250]))
        age_days = int(rng.integers(400, 900))
        created = tl.end - timedelta(days=age_days)
        snap = b.add(
            Resource(
                "ebs_snapshot",
                b._hex("snap-", 17),
                a.account_id,
                region,
                "",
                always,
                None,
                b.tags_for(a),
                {
                    "size_gb": size,
                    "volume_id": b._hex("vol-", 17),
                    "created": created.isoformat(),
                    "source_volume_exists": False,
                },
            )
        )
        price = catalog.regional_price(catalog.SNAPSHOT_GB_MONTH, region)
        s = situation(
            "old_snapshot",
            snap,
            0,
            price * size,
            size_gb=size,
            created=created.isoformat(),
            age_days_at_end=age_days,
        )
        s.start = max(tl.start, created)

    # unassociated elastic IPs
    for i in range(2):
        a = acct(i * 4 + 3)
        eip = b.address(a, a.regions[0], instance=None)
        situation(
            "unassociated_eip",
            eip,
            0,
            catalog.PUBLIC_IPV4_PER_HOUR * hours_month,
            public_ip=eip.attrs["public_ip"],
        )

    # idle load balancer (no targets, no requests) and idle database (no connections)
    a = acct(0)
    lb = b.load_balancer(a, a.regions[-1], tags=b.tags_for(a, "catalog"), idle=True)
    situation(
        "idle_load_balancer",
        lb,
        0,
        catalog.regional_price(catalog.ALB_PER_HOUR, lb.region) * hours_month,
        requests_per_day=0,
        healthy_targets=0,
    )
    a = acct(1)
    db = b.database(a, a.regions[0], "db.r5.large", tags=b.tags_for(a, "reports"), idle=True)
    db_rate = catalog.regional_price(catalog.RDS_FAMILIES["db.r5"], db.region)
    situation(
        "idle_rds",
        db,
        0,
        db_rate * hours_month,
        instance_class="db.r5.large",
        max_connections=0,
        cpu_band=[0.5, 3.0],
    )

    # gp2 volumes attached to healthy instances (gp3 is 20% cheaper)
    for i in range(3):
        a = acct(i * 2)
        region = a.regions[0]
        size = int(rng.choice([100, 200, 400]))
        inst = b.instance(
            a,
            region,
            "m6i.large",
            profile=Profile(level=float(rng.uniform(30, 60))),
            launch=always,
            terminate=None,
            tags=b.tags_for(a),
            volume_type="gp2",
            volume_gb=size,
        )
        vol = b.resources[-1]
        assert vol.kind == "ebs_volume" and vol.attrs["attached_to"] == inst.resource_id
        diff = catalog.regional_price(
            catalog.EBS_GB_MONTH["gp2"] - catalog.EBS_GB_MONTH["gp3"], region
        )
        situation("gp2_volume", vol, 0, diff * size, size_gb=size, recommended_volume_type="gp3")

    # tagging: untagged and mis-tagged resources
    a = acct(3)
    untagged = [
        b.instance(
            a,
            a.regions[0],
            "t3.large",
            profile=Profile(level=30.0),
            launch=always,
            terminate=None,
            tags={},
        ),
        b.bucket(a, a.regions[0], "scratch-data", tags={}),
    ]
    untagged.append(b.volume(a, a.regions[0], "gp3", 100, launch=always, terminate=None, tags={}))
    untagged[-1].attrs["attached_to"] = untagged[0].resource_id
    untagged[-1].attrs["device"] = "/dev/sdf"

    def carrying(r: Resource) -> list[Resource]:
        """The resource and every resource created with its tags (an instance's root volume):
        each carries the planted tags, so each is its own situation."""
        volumes = set(r.attrs.get("volumes", []))
        return [r] + [v for v in b.resources if v.resource_id in volumes]

    for r in untagged:
        for item in carrying(r):
            situation("untagged_resource", item, 0, None, missing_tags=list(catalog.REQUIRED_TAGS))
    a = acct(5)
    bad_tags: list[tuple[dict[str, str], str]] = [
        (
            {
                "team": a.team,
                "enviroment": a.environment,
                "cost-center": catalog.TEAMS[a.team],
                "application": "api",
            },
            "tag key 'enviroment' misspelt; 'environment' missing",
        ),
        (
            {
                "team": a.team,
                "environment": "Prod",
                "cost-center": catalog.TEAMS[a.team],
                "application": "api",
            },
            "environment 'Prod' is not one of prod/staging/dev/sandbox",
        ),
        (
            {
                "team": "unknown",
                "environment": a.environment,
                "cost-center": "CC-9999",
                "application": "etl",
            },
            "team 'unknown' and cost-center 'CC-9999' are not in the policy",
        ),
    ]
    for i, (tags, why) in enumerate(bad_tags):
        if i == 1:
            r = b.function(a, a.regions[0], tags=tags)
        else:
            r = b.instance(
                a,
                a.regions[0],
                "m6i.large",
                profile=Profile(level=35.0),
                launch=always,
                terminate=None,
                tags=tags,
            )
        for item in carrying(r):
            situation("mistagged_resource", item, 0, None, problem=why, tags=dict(tags))

    # cost anomalies at several scopes
    fn = next(
        r for r in b.resources if r.kind == "lambda_function" and r.account_id == acct(0).account_id
    )
    spike_start = b.day_hour(0.7) + 9
    b.anomalies.append(
        Anomaly(
            1,
            "cost_spike",
            (fn.resource_id,),
            ("requests", "duration"),
            spike_start,
            spike_start + 30,
            8.0,
        )
    )
    s = situation(
        "cost_spike",
        fn,
        spike_start,
        None,
        end=b.date_of(spike_start + 30),
        scope="resource",
        multiplier=8.0,
        usage="requests and duration",
    )
    s.anomaly_id = 1
    a = acct(1)
    egress = [r for r in b.resources if r.account_id == a.account_id and r.kind == "nat_gateway"]
    spike2 = b.day_hour(0.45) + 2
    b.anomalies.append(
        Anomaly(
            2,
            "cost_spike",
            tuple(r.resource_id for r in egress),
            ("bytes",),
            spike2,
            spike2 + 20,
            6.0,
        )
    )
    s = situation(
        "cost_spike",
        None,
        spike2,
        None,
        account=a,
        end=b.date_of(spike2 + 20),
        service="AmazonEC2",
        scope="account_service",
        usage_type="NatGateway-Bytes",
        multiplier=6.0,
        resource_ids=[r.resource_id for r in egress],
    )
    s.anomaly_id = 2
    a = acct(2)
    fns = [r for r in b.resources if r.account_id == a.account_id and r.kind == "lambda_function"]
    shift = b.day_hour(0.6)
    b.anomalies.append(
        Anomaly(
            3,
            "level_shift",
            tuple(r.resource_id for r in fns),
            ("requests", "duration"),
            shift,
            None,
            1.7,
        )
    )
    s = situation(
        "level_shift",
        None,
        shift,
        None,
        account=a,
        service="AWSLambda",
        scope="account_service",
        multiplier=1.7,
        resource_ids=[r.resource_id for r in fns],
    )
    s.anomaly_id = 3
    a = acct(4)
    bucket = next(r for r in b.resources if r.account_id == a.account_id and r.kind == "s3_bucket")
    drift = b.day_hour(0.5)
    ramp = max(DAY_H * 7, min(DAY_H * 90, tl.hours - drift))
    b.anomalies.append(
        Anomaly(
            4, "cost_drift", (bucket.resource_id,), ("storage", "requests"), drift, None, 2.5, ramp
        )
    )
    s = situation(
        "cost_drift", bucket, drift, None, scope="resource", multiplier=2.5, ramp_days=ramp // DAY_H
    )
    s.anomaly_id = 4
    # a step change of legitimate capacity (new service launched) — a level shift in EC2
    a = acct(0)
    launch = b.day_hour(0.8) + 14
    new = [
        b.instance(
            a,
            a.regions[0],
            "c6i.2xlarge",
            profile=Profile(level=45.0),
            launch=launch,
            terminate=None,
            tags=b.tags_for(a, "search"),
        )
        for _ in range(4)
    ]
    rate = _ec2_rate("c6i.2xlarge", a.regions[0])
    situation(
        "level_shift",
        None,
        launch,
        rate * 4 * hours_month,
        account=a,
        service="AmazonEC2",
        scope="account_service",
        cause="capacity_added",
        resource_ids=[r.resource_id for r in new],
    )

    # reservations: one fully used (healthy), one under-used after instances are terminated
    payer = b.payer
    covered = [
        b.instance(
            acct(0),
            "us-east-1",
            "r5.xlarge",
            profile=Profile(level=50.0),
            launch=always,
            terminate=None,
            tags=b.tags_for(acct(0), "orders"),
        )
        for _ in range(3)
    ]
    ri_start = tl.start - timedelta(days=120)
    ri_end = ri_start + timedelta(days=365 * 3)
    b.reservations.append(_reservation(b, payer, "us-east-1", "r5.xlarge", 3, ri_start, ri_end))
    situation(
        "healthy",
        None,
        0,
        None,
        account=payer,
        service="AmazonEC2",
        reason="reserved instance fully used",
        reservation_arn=b.reservations[-1].arn,
        resource_ids=[r.resource_id for r in covered],
    )
    drop = b.day_hour(0.5)
    underused = [
        b.instance(
            acct(7),
            "us-east-1",
            "c5.xlarge",
            profile=Profile(level=40.0),
            launch=always,
            terminate=drop if i >= 1 else None,
            tags=b.tags_for(acct(7)),
        )
        for i in range(4)
    ]
    b.reservations.append(_reservation(b, payer, "us-east-1", "c5.xlarge", 4, ri_start, ri_end))
    ri = b.reservations[-1]
    s = situation(
        "underused_reservation",
        None,
        drop,
        ri.hourly_rate * 3 * hours_month,
        account=payer,
        service="AmazonEC2",
        reservation_arn=ri.arn,
        instance_type="c5.xlarge",
        count=4,
        used_after_start=1,
        expected_utilization_after_start=0.25,
        terminated=[r.resource_id for r in underused[1:]],
    )
    s.resource_id = ri.arn
    s.region = "us-east-1"

    # healthy, deliberately well-run resources
    a = acct(0)
    for _ in range(2):
        inst = b.instance(
            a,
            a.regions[0],
            "m6i.xlarge",
            profile=Profile(level=float(rng.uniform(45, 65)), diurnal=0.3),
            launch=always,
            terminate=None,
            tags=b.tags_for(a),
            agent=True,
        )
        situation("healthy", inst, 0, None, reason="right-sized, current generation, gp3, tagged")

    # savings plans: sized against the eligible on-demand usage; the second one over-commits
    eligible = _eligible_on_demand_per_hour(b, hour=0)
    b.savings_plans.append(
        _savings_plan(b, payer, (eligible * Decimal("0.45")), tl.start - timedelta(days=200))
    )
    situation(
        "healthy",
        None,
        0,
        None,
        account=payer,
        service="ComputeSavingsPlans",
        reason="savings plan fully used",
        savings_plan_arn=b.savings_plans[-1].arn,
    )
    # The second plan was sized for growth that never came: against the peak of the eligible
    # usage from its purchase to the end of the range (capacity step included), it commits a
    # third more than the first plan leaves uncovered, so it stays under-used to the last day.
    sp_day = tl.start + timedelta(days=max(1, tl.days // 3))
    first_commitment = b.savings_plans[-1].commitment
    peak = max(
        (
            _eligible_on_demand_per_hour(b, hour=hour, office_hours=True)
            for hour in range(tl.hour_of(sp_day) + 12, tl.hours, DAY_H)
        ),
        default=eligible,
    )
    second = _savings_plan(
        b, payer, max(peak - first_commitment, eligible * Decimal("0.2")) / SP2_PEAK_USE, sp_day
    )
    b.savings_plans.append(second)
    s = situation(
        "underused_savings_plan",
        None,
        tl.hour_of(sp_day),
        None,
        account=payer,
        service="ComputeSavingsPlans",
        savings_plan_arn=second.arn,
        commitment_per_hour=str(second.commitment),
        expected_peak_utilization=float(SP2_PEAK_USE),
    )
    s.resource_id = second.arn

    del end_date


def _reservation(
    b: _Builder, payer: Account, region: str, itype: str, count: int, start: date, end: date
) -> ReservedInstance:
    rid = _uuid(b)
    rate = (_ec2_rate(itype, region) * catalog.RI_NO_UPFRONT_SHARE).quantize(Decimal("0.000001"))
    return ReservedInstance(
        reservation_id=rid,
        arn=f"arn:aws:ec2:{region}:{payer.account_id}:reserved-instances/{rid}",
        account_id=payer.account_id,
        region=region,
        instance_type=itype,
        count=count,
        start_hour=b.timeline.hour_of(start),
        end_hour=b.timeline.hour_of(end),
        hourly_rate=rate,
        start=start,
        end=end,
    )


def _savings_plan(b: _Builder, payer: Account, commitment: Decimal, start: date) -> SavingsPlan:
    sid = _uuid(b)
    end = start + timedelta(days=365 * 3)
    return SavingsPlan(
        savings_plan_id=sid,
        arn=f"arn:aws:savingsplans::{payer.account_id}:savingsplan/{sid}",
        account_id=payer.account_id,
        commitment=max(Decimal("0.01"), commitment.quantize(Decimal("0.001"))),
        start_hour=b.timeline.hour_of(start),
        end_hour=b.timeline.hour_of(end),
        start=start,
        end=end,
    )


def _eligible_on_demand_per_hour(b: _Builder, *, hour: int, office_hours: bool = False) -> Decimal:
    """Savings-plan-rate cost of EC2 instances running at ``hour`` that no RI covers (with
    ``office_hours``, office-hours instances count when ``hour`` is inside their schedule)."""
    weekday = int(b.timeline.weekday_of(np.array([hour], np.int64))[0])
    in_office = office_hours and weekday < 5 and 7 <= hour % DAY_H < 19
    ri_types = {(r.region, r.instance_type) for r in b.reservations}
    total = Decimal(0)
    for r in b.resources:
        if r.kind != "ec2_instance" or not r.alive_at(hour):
            continue
        if (r.region, r.attrs["instance_type"]) in ri_types:
            continue
        if r.attrs["schedule"] != "always" and not in_office:
            continue
        total += _ec2_rate(r.attrs["instance_type"], r.region) * catalog.SP_RATE_SHARE
    return total


def _uuid(b: _Builder) -> str:
    text = b._hex("", 32)
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:32]}"
