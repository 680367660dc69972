"""What the savings tracker reads from the bill: a resource's daily cost in the effective-cost
and list-cost views with its usage amount, which days of an account the bill has, and a
summary of the loads under a window (a new delivery re-measures).

Lines are the ``costs`` view's; a resource is matched by its id, or by an ARN ending in it
(``arn:…:db:<id>``, ``…/<id>``), as bills name some resources by ARN. Savings Plan negation
lines are left out (their effective cost is 0 and their list cost is not usage)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, literal, or_, select, text

from finops.warehouse.cost_rows import charge_day, charge_days
from finops.warehouse.tables import costs

ZERO = Decimal(0)


MONTHLY_UNIT_SUFFIXES = ("-Mo", "-Month", "-Months")
"""Units priced per month (``GB-Mo``): the bill prorates them over the days of the month."""


@dataclass
class DayCost:
    """One day of the measured resources: costs at source precision, usage amounts."""

    day: date
    effective: Decimal = ZERO
    list: Decimal = ZERO
    covered_list: Decimal = ZERO  # list cost of the usage a commitment covered
    # of effective / list: the charges priced per month (GB-Mo: storage, snapshots), which the
    # bill prorates over the days of their month
    prorated_effective: Decimal = ZERO
    prorated_list: Decimal = ZERO
    usage: Decimal = ZERO  # the primary resource's usage amount (its own unit)
    hours: Decimal = ZERO  # the primary resource's usage in hours (instances running)
    usage_types: set[str] = field(default_factory=set)  # the primary resource's

    def as_json(self) -> dict[str, str]:
        return {
            "day": self.day.isoformat(),
            "effective_cost": str(self.effective),
            "list_cost": str(self.list),
            "usage": str(self.usage),
        }


def matches_resource(resource_id: str) -> ColumnElement[bool]:
    """The ``costs`` lines of ``resource_id`` (its id, or an ARN ending in ``:id`` / ``/id``)."""
    tail = func.right(costs.c.resource_id, len(resource_id) + 1)
    return or_(
        costs.c.resource_id == resource_id,
        tail == literal(":" + resource_id),
        tail == literal("/" + resource_id),
    )


def daily_costs(
    conn: Connection,
    *,
    account_id: str,
    primary: str,
    others: Sequence[str],
    start: date,
    end: date,
) -> dict[date, DayCost]:
    """The days [start, end] of ``primary`` and ``others`` (a deleted volume's snapshot): every
    day of the range, zero where the bill has no line."""
    day = charge_day().label("day")
    is_primary = matches_resource(primary)
    usage_line = costs.c.charge_category == "Usage"
    query = (
        select(
            day,
            is_primary.label("primary"),
            costs.c.x_usage_type,
            costs.c.consumed_unit,
            func.sum(costs.c.effective_cost),
            func.sum(costs.c.list_cost),
            func.sum(costs.c.list_cost).filter(costs.c.commitment_discount_status == "Used"),
            func.sum(costs.c.consumed_quantity).filter(usage_line),
        )
        .where(
            costs.c.sub_account_id == account_id,
            or_(is_primary, *(matches_resource(r) for r in others)),
            *charge_days(start, end),
            or_(
                costs.c.x_line_item_type.is_(None),
                costs.c.x_line_item_type != "SavingsPlanNegation",
            ),
        )
        .group_by(day, is_primary, costs.c.x_usage_type, costs.c.consumed_unit)
    )
    every = (start + timedelta(days=k) for k in _span(start, end))
    days = {day: DayCost(day) for day in every}
    for when, primary_line, usage_type, unit, eff, lst, covered, usage in conn.execute(query):
        cost = days[when]
        cost.effective += Decimal(eff or 0)
        cost.list += Decimal(lst or 0)
        cost.covered_list += Decimal(covered or 0)
        if unit is not None and str(unit).endswith(MONTHLY_UNIT_SUFFIXES):
            cost.prorated_effective += Decimal(eff or 0)
            cost.prorated_list += Decimal(lst or 0)
        if primary_line:
            cost.usage += Decimal(usage or 0)
            if unit in ("Hrs", "Hours", "Hour"):
                cost.hours += Decimal(usage or 0)
            if usage_type:
                cost.usage_types.add(str(usage_type))
    return days


def _span(start: date, end: date) -> range:
    return range((end - start).days + 1)


def billed_days(conn: Connection, *, account_id: str, start: date, end: date) -> set[date]:
    """The days of [start, end] on which the bill has any line of ``account_id``."""
    day = charge_day()
    query = (
        select(day)
        .where(
            costs.c.sub_account_id == account_id,
            *charge_days(start, end),
        )
        .group_by(day)
    )
    return set(conn.execute(query).scalars())


def last_billed_day(conn: Connection, *, account_id: str, on_or_before: date) -> date | None:
    """The latest day on or before ``on_or_before`` with a line of ``account_id``."""
    query = select(func.max(charge_day())).where(
        costs.c.sub_account_id == account_id,
        *charge_days(None, on_or_before),
    )
    found: date | None = conn.execute(query).scalar_one_or_none()
    return found


def resource_profile(
    conn: Connection, *, account_id: str, resource_id: str, start: date, end: date
) -> tuple[str | None, dict[str, Any]]:
    """(service, tags) of the resource's latest line in [start, end]: what allocation rules
    need to name its cost center."""
    query = (
        select(costs.c.service_name, costs.c.tags)
        .where(
            costs.c.sub_account_id == account_id,
            matches_resource(resource_id),
            *charge_days(start, end),
        )
        .order_by(costs.c.charge_period_start.desc())
        .limit(1)
    )
    row = conn.execute(query).first()
    return (None, {}) if row is None else (row[0], dict(row[1] or {}))


_LOADS = text(
    """
    SELECT source_id, billing_period, max(id) AS latest
    FROM finops.ingest_log
    WHERE status = 'succeeded' AND billing_period >= :first AND billing_period <= :last
    GROUP BY source_id, billing_period
    ORDER BY source_id, billing_period
    """
)


def bill_loads(conn: Connection, *, start: date, end: date) -> list[list[str]]:
    """The latest successful load of each billing period under [start, end] (per source):
    a new delivery of any of them re-measures."""
    rows = conn.execute(_LOADS, {"first": start.replace(day=1), "last": end.replace(day=1)})
    return [[r.source_id, r.billing_period.isoformat(), str(r.latest)] for r in rows]


def state_digest(parts: Iterable[object]) -> str:
    """SHA-256 of the JSON of ``parts``: equal exactly when a measurement's inputs are."""
    payload = json.dumps(list(parts), sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()
