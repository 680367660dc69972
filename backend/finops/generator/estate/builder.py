"""The estate under construction: the organisation's accounts, its ordinary workload (application
tiers and shared services per account and region), and the record of every planted situation,
anomaly and commitment."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from finops.generator.estate.factory import ResourceFactory
from finops.generator.estate.model import (
    SERVICE_OF_KIND,
    Account,
    Anomaly,
    Profile,
    ReservedInstance,
    Resource,
    SavingsPlan,
    Situation,
    UsagePin,
)
from finops.generator.timeline import DAY_H, Timeline

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


class EstateBuilder(ResourceFactory):
    """The organisation being built: the payer and member accounts, and the record of every
    situation, anomaly, reservation and savings plan planted so far."""

    def __init__(self, *, timeline: Timeline, seed: int, accounts: int, density: float) -> None:
        super().__init__(timeline=timeline, seed=seed, density=density)
        self.n_accounts = accounts
        self.situations: list[Situation] = []
        self.anomalies: list[Anomaly] = []
        self.usage_pins: list[UsagePin] = []
        self.reservations: list[ReservedInstance] = []
        self.savings_plans: list[SavingsPlan] = []
        self.payer = Account(
            self.new_account_id(), PAYER_NAME, "shared", "platform", ("us-east-1",)
        )
        self.accounts = [self._make_account(i) for i in range(accounts)]

    def _make_account(self, index: int) -> Account:
        name, environment, team = ACCOUNT_NAMES[index % len(ACCOUNT_NAMES)]
        if index >= len(ACCOUNT_NAMES):
            name = f"{name}-{index // len(ACCOUNT_NAMES) + 1}"
        primary = REGION_ORDER[index % 2]  # us-east-1 or eu-west-1
        regions = (primary,) if environment != "prod" else (primary, REGION_ORDER[2 + index % 2])
        return Account(self.new_account_id(), name, environment, team, regions)

    def acct(self, index: int) -> Account:
        """The ``index``-th member account, wrapping around when the organisation is smaller."""
        return self.accounts[index % len(self.accounts)]

    def situation(
        self,
        kind: str,
        r: Resource | None,
        start_hour: int,
        impact: Decimal | None,
        account: Account | None = None,
        end: date | None = None,
        service: str | None = None,
        **details: Any,
    ) -> Situation:
        """Record a planted situation on resource ``r`` (or on ``account``, the payer by
        default), its monthly cost impact rounded to cents."""
        s = Situation(
            kind=kind,
            resource_id=r.resource_id if r else None,
            account_id=r.account_id if r else (account or self.payer).account_id,
            region=r.region if r else None,
            service=service or (SERVICE_OF_KIND[r.kind] if r else None),
            start=self.date_of(start_hour),
            end=end,
            monthly_cost_impact=None if impact is None else impact.quantize(Decimal("0.01")),
            details=details,
        )
        self.situations.append(s)
        return s

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
                self.hex_id("nat-", 17),
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
