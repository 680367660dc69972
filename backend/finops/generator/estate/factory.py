"""Resources of the simulated organisation, drawn from one seeded random generator: identifiers,
tags, lifecycles and one factory per resource kind.

Every draw comes from ``rng`` in a fixed order, so the same seed always gives the same estate.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import numpy as np

from finops.generator import catalog
from finops.generator.estate.model import Account, Profile, Resource
from finops.generator.textforms import uuid_form
from finops.generator.timeline import DAY_H, MONTH_HOURS, Timeline

APPLICATIONS: tuple[str, ...] = ("storefront", "catalog", "orders", "etl", "api", "reports")
BEFORE_RANGE = -DAY_H * 400
"""Launch hour of the resources that run the whole range (launched long before it)."""
HOURS_MONTH = Decimal(MONTH_HOURS)


class ResourceFactory:
    """Draws resources and their identifiers from the seeded ``rng``; ``resources`` keeps them
    in the order they were made."""

    def __init__(self, *, timeline: Timeline, seed: int, density: float) -> None:
        self.timeline = timeline
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.density = density
        self.resources: list[Resource] = []
        self._ids: set[str] = set()
        self.hours = timeline.hours

    # ---- identifiers ----------------------------------------------------------------------

    def hex_id(self, prefix: str, digits: int) -> str:
        """``prefix`` and ``digits`` random hex digits, an id not drawn before."""
        while True:
            words = self.rng.integers(0, 2**64, size=(digits + 15) // 16, dtype=np.uint64)
            ident = prefix + "".join(f"{int(w):016x}" for w in words)[:digits]
            if ident not in self._ids:
                self._ids.add(ident)
                return ident

    def new_account_id(self) -> str:
        """A twelve-digit account id not drawn before."""
        while True:
            ident = str(int(self.rng.integers(10**11, 10**12)))
            if ident not in self._ids:
                self._ids.add(ident)
                return ident

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

    def standing_instance(
        self,
        account: Account,
        instance_type: str,
        *,
        profile: Profile,
        tags: dict[str, str] | None = None,
        agent: bool = False,
        volume_type: str = "gp3",
        volume_gb: int | None = None,
    ) -> Resource:
        """An instance in the account's first region that runs through the whole range, tagged
        with ``tags`` or (by default) as the account's resources are."""
        return self.instance(
            account,
            account.regions[0],
            instance_type,
            profile=profile,
            launch=BEFORE_RANGE,
            terminate=None,
            tags=self.tags_for(account) if tags is None else tags,
            agent=agent,
            volume_type=volume_type,
            volume_gb=volume_gb,
        )

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
                self.hex_id("i-", 17),
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
                    "ami": self.hex_id("ami-", 17),
                    "subnet": self.hex_id("subnet-", 17),
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
                self.hex_id("vol-", 17),
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

    def bucket(
        self, account: Account, region: str, name: str, *, tags: dict[str, str], gb: float = 0.0
    ) -> Resource:
        rng = self.rng
        return self.add(
            Resource(
                "s3_bucket",
                f"{name}-{self.hex_id('', 6)}",
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
        name = f"{tags['application']}-{self.hex_id('', 6)}"
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
        ident = self.hex_id("", 16)
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
        name = f"{tags['application']}-db-{self.hex_id('', 4)}"
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
                self.hex_id("eipalloc-", 17),
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

    def snapshot(self, account: Account, region: str, *, size_gb: int, created: date) -> Resource:
        """A snapshot whose source volume no longer exists."""
        return self.add(
            Resource(
                "ebs_snapshot",
                self.hex_id("snap-", 17),
                account.account_id,
                region,
                "",
                BEFORE_RANGE,
                None,
                self.tags_for(account),
                {
                    "size_gb": size_gb,
                    "volume_id": self.hex_id("vol-", 17),
                    "created": created.isoformat(),
                    "source_volume_exists": False,
                },
            )
        )

    def uuid(self) -> str:
        return uuid_form(self.hex_id("", 32))
