"""The KPI summary (``/kpi/summary``)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from finops.api.schemas.common import Money


class ServiceCostPublic(BaseModel):
    service_name: str
    cost: Money
    share_pct: float


class KpiSummaryPublic(BaseModel):
    currency: str
    cost_metric: str
    as_of: date | None = Field(description="the last day of data in the period")
    period_kind: str | None = Field(
        description="month (closed: the data reaches its last day), month_to_date (a month "
        "the data has not finished) or range"
    )
    period_label: str | None = Field(
        description="e.g. 'October 2026', 'October 2026 to date "
        "(12 days)', '2026-10-08 to 2026-10-21'"
    )
    complete: bool = Field(description="false only for a month to date")
    period_start: date | None
    period_end: date | None
    previous_period_start: date | None = Field(
        description="the matching previous period: the month before (a month to date: its "
        "same days), or as many days just before a range"
    )
    previous_period_end: date | None
    period_cost: Money
    previous_period_cost: Money
    change: Money
    change_pct: float | None
    total_cost: Money = Field(description="the selection's cost (no period selected: all data)")
    month_to_date: Money = Field(description="same as period_cost (kept for older clients)")
    previous_month_to_date: Money = Field(description="same as previous_period_cost")
    previous_month: Money = Field(description="the whole calendar month before the period")
    mom_change: Money = Field(description="same as change")
    mom_change_pct: float | None = Field(description="same as change_pct")
    top_services: list[ServiceCostPublic]
    realized_savings_month: Money = Field(
        description="realized savings (effective cost, measured from the bill) in the month of "
        "the period's last day of data, to that day"
    )
    realized_savings_to_date: Money = Field(
        description="realized savings (effective cost) since the first measured change, to the "
        "period's last day of data"
    )
