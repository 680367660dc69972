"""Idle resources, rightsizing and the savings they promise, from the optimization findings
(the ``findings`` view)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, case, func, literal, select

from finops.analytics.optimization.rules import finding_types
from finops.analytics.optimization.rules import labels as finding_labels
from finops.errors import ConfigurationError
from finops.warehouse.tables import findings

IDLE_TYPES = (
    "idle_instance",
    "idle_rds",
    "idle_load_balancer",
    "unattached_volume",
    "unassociated_eip",
    "old_snapshot",
)
"""Findings of resources that run (and cost) without doing anything."""
RIGHTSIZING_TYPES = (
    "oversized_instance",
    "oversized_rds",
    "previous_generation_instance",
    "gp2_volume",
)
"""Findings of resources that would cost less at another size, generation or volume type."""
OPEN_STATUSES = ("new", "open")

_unknown = set(IDLE_TYPES + RIGHTSIZING_TYPES) - set(finding_types())
if _unknown:
    raise ConfigurationError(f"finding types {sorted(_unknown)} are not in the rule registry")


def findings_query(
    *,
    types: tuple[str, ...],
    status: list[str] | None,
    account_id: list[str] | None,
    region_id: list[str] | None,
) -> Select[Any]:
    """Findings of ``types`` (default: new and open ones), one row each."""
    f = findings.c
    query = select(
        f.fingerprint, f.finding_type, f.resource_id, f.resource_type, f.account_id,
        f.region.label("region_id"), f.service.label("service_name"), f.status, f.first_seen,
        f.last_seen, f.estimated_monthly_savings, f.currency, f.cost_30d, f.details,
    ).where(
        f.finding_type.in_(types), f.status.in_(status or OPEN_STATUSES)
    )  # fmt: skip
    if account_id:
        query = query.where(f.account_id.in_(account_id))
    if region_id:
        query = query.where(f.region.in_(region_id))
    return query


def savings_query(*, status: list[str] | None, account_id: list[str] | None) -> Select[Any]:
    """The estimated monthly savings of the findings by finding type (default: new and open
    ones): how many, how much, and what the resources cost over 30 days."""
    f = findings.c
    labels = finding_labels()
    category = case(
        (f.finding_type.in_(IDLE_TYPES), literal("idle")),
        (f.finding_type.in_(RIGHTSIZING_TYPES), literal("rightsizing")),
        else_=literal("other"),
    )
    label = case(
        *[(f.finding_type == t, literal(labels[t])) for t in sorted(labels)],
        else_=f.finding_type,
    )
    query = (
        select(
            f.finding_type,
            func.min(label).label("label"),
            func.min(category).label("category"),
            f.currency,
            func.count().label("findings"),
            func.sum(f.estimated_monthly_savings).label("estimated_monthly_savings"),
            func.coalesce(func.sum(f.cost_30d), literal(0)).label("cost_30d"),
        )
        .where(f.status.in_(status or OPEN_STATUSES))
        .group_by(f.finding_type, f.currency)
    )
    if account_id:
        query = query.where(f.account_id.in_(account_id))
    return query
