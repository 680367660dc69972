"""What a usage or inventory run covers, and its warehouse connection."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import psycopg

from finops.config import Settings
from finops.db.engine import app_url, libpq_url


@dataclass(frozen=True, slots=True)
class Scope:
    """Which accounts, regions and days a run covers (empty: everything found).

    ``end`` is exclusive, like an Airflow data interval.
    """

    accounts: Sequence[str] = ()
    regions: Sequence[str] = ()
    start: date | None = None
    end: date | None = None

    def wants(self, account_id: str, region: str, day: date | None = None) -> bool:
        if self.accounts and account_id not in self.accounts:
            return False
        if self.regions and region not in self.regions:
            return False
        if day is not None and self.start is not None and day < self.start:
            return False
        return not (day is not None and self.end is not None and day >= self.end)


def connect(settings: Settings) -> psycopg.Connection[tuple[object, ...]]:
    url = libpq_url(app_url(settings))
    return psycopg.connect(url, options="-c timezone=UTC")
