"""Cost Optimization Hub recommendations beside the platform's findings
(``/optimization/coh-comparison``)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel

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
