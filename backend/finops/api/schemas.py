"""Response models (``XPublic``). Money is serialized as a decimal string, never a float."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

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
