"""Accounts, resources (inventory with cost and utilization) and daily usage."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from finops.api.paging import ListPublic
from finops.api.schemas.common import Money


class AccountPublic(BaseModel):
    account_id: str
    account_name: str | None
    currency: str | None
    first_day: date | None
    last_day: date | None
    cost_30d: Money = Field(description="cost over the last 30 days of data (the metric asked)")
    cost_total: Money
    team: str | None = Field(
        description="the team tag value carrying most of the account's last 30 days of cost"
    )
    cost_center: str | None = Field(
        description="the cost center tag value carrying most of the account's last 30 days of "
        "cost, else the cost center an allocation rule on the account alone gives it"
    )


class AccountsPublic(ListPublic[AccountPublic]):
    pass


class ResourcePublic(BaseModel):
    resource_id: str
    resource_type: str | None
    name: str | None
    account_id: str | None
    account_name: str | None
    region_id: str | None
    state: str | None
    is_terminated: bool | None
    first_seen: date | None
    last_seen: date | None
    tags: dict[str, str]
    cost_30d: Money = Field(description="billed cost over the last 30 days of data")
    cpu_p95_14d: float | None = Field(
        description="mean of the daily CPU p95 (percent) over the last 14 days of metrics"
    )
    open_findings: int
    anomalies: int = Field(description="anomalies scoped to it or mostly caused by it")


class ResourcesPublic(ListPublic[ResourcePublic]):
    pass


class DailyCostPublic(BaseModel):
    day: date
    cost: Money


class UtilizationPointPublic(BaseModel):
    day: date
    metric_name: str
    stat: str | None
    unit: str | None
    avg: float
    p95: float
    max: float


class ResourceFindingPublic(BaseModel):
    fingerprint: str
    finding_type: str
    status: str
    estimated_monthly_savings: Money
    currency: str
    last_seen: date


class ResourceAnomalyPublic(BaseModel):
    fingerprint: str
    scope_kind: str
    status: str
    first_day: date
    last_day: date
    impact: Money
    severity: str


class ResourceDetailPublic(BaseModel):
    resource_id: str
    resource_type: str | None
    name: str | None
    arn: str | None
    account_id: str | None
    account_name: str | None
    region_id: str | None
    state: str | None
    is_terminated: bool | None
    first_seen: date | None
    last_seen: date | None
    tags: dict[str, str]
    configuration: dict[str, object]
    cost_30d: Money
    daily_cost: list[DailyCostPublic] = Field(description="billed cost per day, last 30 days")
    utilization: list[UtilizationPointPublic] = Field(
        description="daily CPU and network statistics, last 30 days of metrics"
    )
    findings: list[ResourceFindingPublic]
    anomalies: list[ResourceAnomalyPublic]


class UsagePublic(BaseModel):
    day: date
    account_id: str | None
    region_id: str | None
    resource_id: str | None
    namespace: str | None
    metric_name: str | None
    stat: str | None
    unit: str | None
    avg: float | None
    p50: float | None
    p95: float | None
    p99: float | None
    min: float | None
    max: float | None
    sample_count: int | None


class UsageListPublic(ListPublic[UsagePublic]):
    pass
