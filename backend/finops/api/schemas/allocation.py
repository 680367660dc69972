"""Showback / chargeback per cost center (``/allocation/chargeback``), cost centers by period
and tag compliance."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from finops.api.paging import ListPublic
from finops.api.schemas.common import Money, Percent


class ChargebackAllocationPublic(BaseModel):
    allocation: str
    cost: Money


class ChargebackCostCenterPublic(BaseModel):
    cost_center: str
    cost: Money
    direct_cost: Money
    shared_cost: Money
    share_pct: Percent
    previous_cost: Money | None = Field(
        default=None, description="its cost in the previous billing period's report"
    )
    allocations: list[ChargebackAllocationPublic]


class ChargebackPublic(BaseModel):
    billing_period: str
    currency: str
    total: Money
    unallocated: Money
    unallocated_share_pct: Percent
    invalid_tag: Money = Field(
        description="cost tagged with a cost center the tag policy does not allow (the "
        "'invalid-tag' row; its allocations name the values)"
    )
    invalid_tag_share_pct: Percent
    invalid_tag_values: list[str]
    previous_billing_period: str | None = Field(
        description="the month before, when its report exists"
    )
    previous_total: Money | None
    billing_periods: list[str]
    data: list[ChargebackCostCenterPublic]
    count: int


class CostCenterPeriodPublic(BaseModel):
    billing_period: date
    cost_center: str
    currency: str
    direct_cost: Money
    shared_cost: Money
    cost: Money


class CostCentersPublic(ListPublic[CostCenterPeriodPublic]):
    pass


class TagCompliancePublic(BaseModel):
    tag_key: str = Field(description="a required key of the tag policy; '*' every key at once")
    total_cost: Money
    compliant_cost: Money
    missing_cost: Money = Field(description="without the key ('*': failing any key)")
    invalid_cost: Money = Field(description="with a value the policy does not allow")
    compliant_pct: Percent | None


class TagComplianceListPublic(ListPublic[TagCompliancePublic]):
    start: date
    end: date
