"""Optimization findings and their summary per finding type (``/findings``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from finops.api.schemas.common import Money


class FindingPublic(BaseModel):
    fingerprint: str
    finding_type: str
    resource_id: str | None
    resource_type: str | None
    account_id: str
    region: str | None
    service: str | None
    status: str
    first_seen: date
    last_seen: date
    resolved_on: date | None
    estimated_monthly_savings: Money = Field(
        description="at the effective price (see savings_method); 0 for commitment waste"
    )
    savings_method: str = Field(
        description="effective_cost_30d (removal: what the resource cost over the last 30 "
        "days), effective_rate_difference_30d (change of type at the rates paid), "
        "commitment_waste_30d (not savings: see commitment_waste), none, or on_demand_730h "
        "(observations made before effective pricing)"
    )
    on_demand_monthly_savings: Money | None = Field(
        description="the same figure at public on-demand prices"
    )
    commitment_waste: Money = Field(
        description="monthly unused commitment (RI / Savings Plan); never part of savings"
    )
    currency: str
    cost_7d: Money | None
    cost_30d: Money | None
    cost_mtd: Money | None
    cost_prev_month: Money | None
    details: dict[str, Any]


SAVINGS_BASIS = (
    "actionable savings at the effective price: each resource's effective (amortized) cost over "
    "the 30 days ending on the run date, after Savings Plan / RI coverage and discounts — all "
    "of it for a removal, the rate difference for a change of type; commitment waste (unused "
    "RI / Savings Plan commitment) is not included"
)

COMMITMENT_WASTE_ADVICE = (
    "Unused commitment is paid whatever is done this month: hold new commitment purchases "
    "until usage grows into it, move workloads onto reservations, exchange or sell them"
)


class FindingsPublic(BaseModel):
    data: list[FindingPublic]
    count: int
    currency: str
    total_estimated_monthly_savings: Money = Field(description=SAVINGS_BASIS)
    total_commitment_waste: Money


class FindingTypeSummaryPublic(BaseModel):
    finding_type: str
    count: int
    estimated_monthly_savings: Money
    on_demand_monthly_savings: Money
    commitment_waste: Money
    cost_30d: Money


class FindingsSummaryPublic(BaseModel):
    currency: str
    as_of: date | None
    count: int
    total_estimated_monthly_savings: Money = Field(description=SAVINGS_BASIS)
    total_on_demand_monthly_savings: Money
    total_commitment_waste: Money
    savings_basis: str = Field(description="what total_estimated_monthly_savings sums")
    commitment_waste_advice: str
    by_type: list[FindingTypeSummaryPublic]
