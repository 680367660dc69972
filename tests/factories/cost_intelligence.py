"""A small CUR 2.0 export for the cost-intelligence API: twelve weeks of smooth daily cost in two
accounts with two planted spikes of known size (a large one and a moderate one, in different
accounts, services and days), and a support fee on the first of each month."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from tests.factories.cur2 import Cur2Export

START = date(2026, 1, 5)  # a Monday
DAYS = 84
END = START + timedelta(days=DAYS - 1)  # the last charge day, 2026-03-29
ACCOUNT_A, ACCOUNT_B = "222222222222", "333333333333"


@dataclass(frozen=True)
class PlantedSpike:
    day: date
    account: str
    service: str
    resource: str
    extra: Decimal  # the cost added on that day


@dataclass(frozen=True)
class IntelExport:
    export: Cur2Export
    large: PlantedSpike
    moderate: PlantedSpike


def _money(value: float) -> str:
    return str(Decimal(repr(value)).quantize(Decimal("0.0001")))


def intel_export() -> IntelExport:
    """Account A: a web server with a weekly cycle and a database; account B: a batch instance
    and a slowly growing bucket. The batch instance costs ×11 on 2026-03-20 (large, +~$200),
    the database ×3 on 2026-03-25 (moderate, +~$60)."""
    export = Cur2Export()
    large = PlantedSpike(date(2026, 3, 20), ACCOUNT_B, "AmazonEC2", "i-batch-0001", Decimal(0))
    moderate = PlantedSpike(date(2026, 3, 25), ACCOUNT_A, "AmazonRDS", "db-main-0001", Decimal(0))
    extras = {large.day: Decimal(0), moderate.day: Decimal(0)}
    for k in range(DAYS):
        day = START + timedelta(days=k)
        at = datetime(day.year, day.month, day.day)
        weekend = day.weekday() >= 5
        web = 48.0 * (0.6 if weekend else 1.0) * (1 + 0.002 * k) + 0.7 * math.sin(k * 1.3)
        export.add_usage(
            day=at,
            account=ACCOUNT_A,
            service="AmazonEC2",
            cost=_money(web),
            resource_id="i-web-0001",
            tags={"user_team": "checkout"},
        )
        database = 30.0 + 0.5 * math.cos(k * 0.7)
        if day == moderate.day:
            extras[day] = Decimal(_money(database * 3)) - Decimal(_money(database))
            database *= 3
        export.add_usage(
            day=at,
            account=ACCOUNT_A,
            service="AmazonRDS",
            cost=_money(database),
            resource_id=moderate.resource,
            tags={"user_team": "checkout"},
        )
        batch = 20.0 + 0.4 * math.cos(k * 0.9)
        if day == large.day:
            extras[day] = Decimal(_money(batch * 11)) - Decimal(_money(batch))
            batch *= 11
        export.add_usage(
            day=at,
            account=ACCOUNT_B,
            service="AmazonEC2",
            cost=_money(batch),
            resource_id=large.resource,
            tags={"user_team": "data"},
        )
        bucket = 12.0 + 0.03 * k + 0.2 * math.sin(k * 2.1)
        export.add_usage(
            day=at,
            account=ACCOUNT_B,
            service="AmazonS3",
            cost=_money(bucket),
            resource_id="bucket-logs",
            tags={"user_team": "data"},
        )
        if day.day == 1:
            export.add_usage(
                day=at,
                account=ACCOUNT_A,
                service="AmazonRDS",
                cost="150.00",
                resource_id="db-fee",
                line_item_type="Fee",
            )
    return IntelExport(
        export=export,
        large=PlantedSpike(
            large.day, large.account, large.service, large.resource, extras[large.day]
        ),
        moderate=PlantedSpike(
            moderate.day,
            moderate.account,
            moderate.service,
            moderate.resource,
            extras[moderate.day],
        ),
    )
