"""Outcomes of usage and inventory runs, and the ``usage_ingest_log`` rows recording them.

A run is split into units — one (account, region) for inventory, one (account, region, day) for
usage. A unit that cannot be read (AccessDenied, region not enabled, throttled past every retry)
is recorded as ``skipped`` with the reason; the others carry on. A run fails only when no unit at
all could be read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import psycopg

from finops.errors import IngestError

SUCCEEDED = "succeeded"
SKIPPED = "skipped"
FAILED = "failed"


class UsageIngestError(IngestError):
    """A usage or inventory run read nothing at all; names every unit skipped and why."""


@dataclass(slots=True)
class UnitOutcome:
    kind: str  # usage | inventory
    source: str  # "aws" or the folder / s3:// prefix read
    account_id: str
    region: str
    day: date | None
    status: str = SUCCEEDED
    reason: str | None = None  # access_denied | region_not_enabled | throttled | not_found | …
    message: str | None = None
    resources: int = 0
    series: int = 0
    points: int = 0
    api_calls: int = 0
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def label(self) -> str:
        day = f" {self.day:%Y-%m-%d}" if self.day else ""
        return f"account {self.account_id} region {self.region}{day}"


@dataclass(slots=True)
class RunResult:
    """What one ``ingest_usage`` / ``ingest_inventory`` call did."""

    run_id: str
    kind: str
    outcomes: list[UnitOutcome] = field(default_factory=list)
    get_metric_data_calls: int = 0
    metric_queries: int = 0
    raw_points_dropped_partitions: int = 0

    @property
    def succeeded(self) -> list[UnitOutcome]:
        return [o for o in self.outcomes if o.status == SUCCEEDED]

    @property
    def skipped(self) -> list[UnitOutcome]:
        return [o for o in self.outcomes if o.status != SUCCEEDED]

    @property
    def status(self) -> str:
        """``succeeded`` (all units), ``partial`` (some skipped) or ``failed`` (none read)."""
        if not self.succeeded:
            return FAILED
        return "partial" if self.skipped else SUCCEEDED

    @property
    def resources(self) -> int:
        return sum(o.resources for o in self.outcomes)

    @property
    def points(self) -> int:
        return sum(o.points for o in self.outcomes)

    @property
    def api_calls(self) -> int:
        return sum(o.api_calls for o in self.outcomes)

    def raise_if_nothing_read(self) -> None:
        if self.outcomes and not self.succeeded:
            reasons = "; ".join(f"{o.label}: {o.reason} ({o.message})" for o in self.skipped[:20])
            raise UsageIngestError(f"{self.kind} run {self.run_id} read nothing: {reasons}")
        if not self.outcomes:
            raise UsageIngestError(
                f"{self.kind} run {self.run_id} found nothing to read "
                "(no accounts, regions or files in scope)"
            )

    def summary(self) -> dict[str, object]:
        return {
            "run_id": self.run_id,
            "kind": self.kind,
            "status": self.status,
            "units": len(self.outcomes),
            "skipped": [
                {"account_id": o.account_id, "region": o.region, "reason": o.reason}
                for o in self.skipped
            ],
            "resources": self.resources,
            "points": self.points,
            "api_calls": self.api_calls,
            "get_metric_data_calls": self.get_metric_data_calls,
        }


def record(conn: psycopg.Connection[tuple[object, ...]], run_id: str, o: UnitOutcome) -> None:
    """Append the unit's outcome to ``finops.usage_ingest_log`` (commits)."""
    conn.execute(
        """
        INSERT INTO finops.usage_ingest_log (run_id, kind, source, account_id, region, day,
          status, reason, message, resources, series, points, api_calls, started_at)
        VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
        """,
        (
            run_id,
            o.kind,
            o.source,
            o.account_id,
            o.region,
            o.day,
            o.status,
            o.reason,
            o.message,
            o.resources,
            o.series,
            o.points,
            o.api_calls,
            o.started_at,
        ),
    )
    conn.commit()
