"""Spend trends and the filters the dashboard offers (``/spend/trend``, ``/filters``)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from finops.api.schemas.common import Money


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
    period_label: str | None = None
    previous_start: date | None = Field(
        default=None, description="the matching previous period (billing period or range)"
    )
    previous_end: date | None = None
    previous_total: Money | None = None
