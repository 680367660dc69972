"""Response models (``XPublic``). Money is serialized as a decimal string, never a float."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, PlainSerializer

Money = Annotated[
    Decimal,
    PlainSerializer(lambda v: format(v, "f"), return_type=str, when_used="always"),
]


class AccountPublic(BaseModel):
    account_id: str
    account_name: str | None


class DimensionPublic(BaseModel):
    key: str
    label: str


class FiltersPublic(BaseModel):
    billing_periods: list[str]
    accounts: list[AccountPublic]
    dimensions: list[DimensionPublic]
    currency: str
    data_start: date | None
    data_end: date | None


class ServiceCostPublic(BaseModel):
    service_name: str
    cost: Money
    share_pct: float


class KpiSummaryPublic(BaseModel):
    currency: str
    cost_metric: str
    as_of: date | None
    total_cost: Money
    month_to_date: Money
    previous_month_to_date: Money
    previous_month: Money
    mom_change: Money
    mom_change_pct: float | None
    top_services: list[ServiceCostPublic]


class TrendSeriesPublic(BaseModel):
    key: str
    total: Money
    points: list[Money]


class SpendTrendPublic(BaseModel):
    dimension: str
    cost_metric: str
    currency: str
    start: date | None
    end: date | None
    dates: list[date]
    series: list[TrendSeriesPublic]


class HealthPublic(BaseModel):
    status: str


class ReadinessPublic(BaseModel):
    status: str
    database: str
    schema_revision: str | None


Percent = Annotated[
    Decimal,
    PlainSerializer(lambda v: format(v, "f"), return_type=str, when_used="always"),
]
"""A percentage as a decimal string (e.g. ``"37.25"``), for figures that must add up exactly."""


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
    estimated_monthly_savings: Money
    currency: str
    cost_7d: Money | None
    cost_30d: Money | None
    cost_mtd: Money | None
    cost_prev_month: Money | None
    details: dict[str, Any]


class FindingsPublic(BaseModel):
    data: list[FindingPublic]
    count: int
    currency: str
    total_estimated_monthly_savings: Money


class FindingTypeSummaryPublic(BaseModel):
    finding_type: str
    count: int
    estimated_monthly_savings: Money
    cost_30d: Money


class FindingsSummaryPublic(BaseModel):
    currency: str
    as_of: date | None
    count: int
    total_estimated_monthly_savings: Money
    by_type: list[FindingTypeSummaryPublic]


class ChargebackAllocationPublic(BaseModel):
    allocation: str
    cost: Money


class ChargebackCostCenterPublic(BaseModel):
    cost_center: str
    cost: Money
    direct_cost: Money
    shared_cost: Money
    share_pct: Percent
    allocations: list[ChargebackAllocationPublic]


class ChargebackPublic(BaseModel):
    billing_period: str
    currency: str
    total: Money
    unallocated: Money
    unallocated_share_pct: Percent
    billing_periods: list[str]
    data: list[ChargebackCostCenterPublic]
    count: int
