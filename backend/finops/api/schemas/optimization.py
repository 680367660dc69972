"""Cost Optimization Hub recommendations beside the platform's findings
(``/optimization/coh-comparison``), and the idle, rightsizing and savings lists."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, Field

from finops.api.paging import ListPublic
from finops.api.schemas.common import Money


class Agreement(StrEnum):
    agree = "agree"
    disagree_action = "disagree_action"
    disagree_savings = "disagree_savings"
    coh_only = "coh_only"
    platform_only = "platform_only"


class CohComparisonRowPublic(BaseModel):
    resource_id: str
    account_id: str
    region: str | None
    agreement: Agreement
    coh_recommendation_id: str | None
    coh_action_type: str | None
    coh_monthly_savings: Money | None
    coh_currency: str | None
    platform_fingerprint: str | None
    platform_finding_type: str | None
    platform_action_type: str | None
    platform_monthly_savings: Money | None
    platform_currency: str | None
    savings_difference: Money | None  # Cost Optimization Hub minus the platform


class CohComparisonPublic(BaseModel):
    data: list[CohComparisonRowPublic]
    count: int
    counts: dict[Agreement, int]
    savings_tolerance_pct: Money
    coh_recommendations: int  # loaded; none loaded means nothing to compare (no rows at all)


class OptimizationFindingPublic(BaseModel):
    fingerprint: str
    finding_type: str
    resource_id: str | None
    resource_type: str | None
    account_id: str
    region_id: str | None
    service_name: str | None
    status: str
    first_seen: date
    last_seen: date
    estimated_monthly_savings: Money
    currency: str
    cost_30d: Money | None
    details: dict[str, object] = Field(description="the rule's evidence and recommendation")


class OptimizationFindingsPublic(ListPublic[OptimizationFindingPublic]):
    pass


class SavingsOpportunityPublic(BaseModel):
    finding_type: str
    label: str
    category: str = Field(description="idle, rightsizing or other")
    currency: str
    findings: int
    estimated_monthly_savings: Money
    cost_30d: Money


class SavingsOpportunitiesPublic(ListPublic[SavingsOpportunityPublic]):
    pass
