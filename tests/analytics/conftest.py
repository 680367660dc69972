"""Fixtures for cost intelligence tests: a small billing export with known answers, ingested
into a fresh warehouse, and hand-built series."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from finops.config import Settings
from finops.ingest.billing import ingest_billing
from tests.factories.cur2 import Cur2Export

START = date(2026, 1, 5)  # a Monday
DAYS = 84
SPIKE_DAY = date(2026, 3, 20)
SPIKE_RESOURCE = "i-batch-0001"
ACCOUNT_A, ACCOUNT_B = "222222222222", "333333333333"


@dataclass(frozen=True)
class KnownEstate:
    settings: Settings
    export: Cur2Export
    start: date
    end: date  # last charge day
    spike_day: date
    spike_extra: Decimal


def _money(value: float) -> str:
    return str(Decimal(repr(value)).quantize(Decimal("0.0001")))


def build_export(days: int = DAYS) -> tuple[Cur2Export, Decimal]:
    """Two accounts: a web server with a weekly cycle, a batch instance (spiked ×6 on one day)
    and a bucket that grows slowly; a support fee on the first of each month."""
    export = Cur2Export()
    extra = Decimal(0)
    for k in range(days):
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
        batch = 20.0 + 0.4 * math.cos(k * 0.9)
        if day == SPIKE_DAY:
            spiked = batch * 6
            extra = Decimal(_money(spiked)) - Decimal(_money(batch))
            batch = spiked
        export.add_usage(
            day=at,
            account=ACCOUNT_B,
            service="AmazonEC2",
            cost=_money(batch),
            resource_id=SPIKE_RESOURCE,
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
    return export, extra


@pytest.fixture
def known_estate(fresh_settings: Settings, tmp_path: Path) -> KnownEstate:
    export, extra = build_export()
    ingest_billing(str(export.write(tmp_path / "cur2")), settings=fresh_settings)
    return KnownEstate(
        settings=fresh_settings,
        export=export,
        start=START,
        end=START + timedelta(days=DAYS - 1),
        spike_day=SPIKE_DAY,
        spike_extra=extra,
    )
