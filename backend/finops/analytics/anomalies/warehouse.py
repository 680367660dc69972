"""Read the cost cube from the warehouse's ``costs`` view."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text

from finops.analytics.anomalies.cube import CostCube, normalise_tag_key, tag_dimension
from finops.errors import FinOpsError

_SQL = (Path(__file__).parent / "cost_rows.sql").read_text()
METRICS = ("usage_cost", "billed_cost", "effective_cost")


def _utc(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def load_cube(
    conn: Connection,
    *,
    start: date,
    end: date,
    metric: str = "billed_cost",
    tag_keys: Sequence[str] = (),
) -> CostCube:
    """Daily cost rows for [start, end) with the tag keys as ``tag:<key>`` dimensions."""
    if metric not in METRICS:
        raise FinOpsError(f"cost metric {metric!r} is not one of {', '.join(METRICS)}")
    wanted = {normalise_tag_key(k): tag_dimension(k) for k in tag_keys}
    result = conn.execute(text(_SQL), {"metric": metric, "start": _utc(start), "end": _utc(end)})

    def rows() -> Iterator[tuple[date, Mapping[str, str | None], Decimal]]:
        for day, account, service, region, usage_type, resource, tags, cost in result:
            dims: dict[str, str | None] = {
                "account": account,
                "service": service,
                "region": region,
                "usage_type": usage_type,
                "resource": resource,
            }
            for name in wanted.values():
                dims[name] = None
            for key, value in _tag_items(tags):
                dimension = wanted.get(normalise_tag_key(key))
                if dimension is not None:
                    dims[dimension] = value
            yield day, dims, Decimal(cost)

    return CostCube.from_rows(rows(), start=start, end=end)


def _tag_items(tags: Any) -> list[tuple[str, str]]:
    if not isinstance(tags, dict):
        return []
    return [(str(k), str(v)) for k, v in sorted(tags.items()) if v is not None]


def data_bounds(conn: Connection) -> tuple[date, date] | None:
    """First and last charge day in the warehouse, or None when it is empty."""
    row = conn.execute(
        text(
            "SELECT min(charge_period_start AT TIME ZONE 'UTC')::date, "
            "max(charge_period_start AT TIME ZONE 'UTC')::date FROM costs"
        )
    ).one()
    if row[0] is None:
        return None
    return row[0], row[1]
