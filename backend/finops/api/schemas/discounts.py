"""Commitment discounts: utilization, coverage and purchase recommendations."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from finops.api.paging import ListPublic
from finops.api.schemas.common import Money, Percent


class UtilizationPublic(BaseModel):
    period: date = Field(description="the day, or the month's first day (monthly)")
    commitment_type: str
    currency: str
    commitments: int
    committed_cost: Money
    used_cost: Money
    unused_cost: Money
    utilization_pct: Percent | None = Field(description="used / committed; null: none committed")


class UtilizationListPublic(ListPublic[UtilizationPublic]):
    pass


class CoveragePublic(BaseModel):
    period: date = Field(description="the day, or the month's first day (monthly)")
    service_name: str
    currency: str
    eligible_list_cost: Money = Field(description="on-demand equivalent of eligible usage")
    covered_list_cost: Money
    on_demand_cost: Money
    coverage_pct: Percent | None = Field(description="covered / eligible; null: none eligible")


class CoverageListPublic(ListPublic[CoveragePublic]):
    pass


class RecommendationPublic(BaseModel):
    as_of: date
    term_years: int
    payment_option: str
    lookback_days: int
    hourly_commitment: Money
    monthly_commitment: Money = Field(description="the hourly commitment × 730 hours")
    estimated_monthly_savings: Money
    details: dict[str, object]


class RecommendationsPublic(ListPublic[RecommendationPublic]):
    pass
