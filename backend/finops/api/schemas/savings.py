"""Realized savings (``/savings``): the measurements of the savings tracker (one per executed
action and per finding fixed outside the platform, ``savings_measurements``), one with its
before/after daily costs, and the rollups of ``finops.analytics.savings.rollups``
(docs/savings.md)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from finops.api.schemas.common import Money

Ratio = Money
"""A dimensionless decimal (a rate, a share) as a decimal string, exact."""


class SavingsStatus(StrEnum):
    """awaiting_bills → measured (7 full days of bill after the change) → confirmed (30)."""

    awaiting_bills = "awaiting_bills"
    measured = "measured"
    confirmed = "confirmed"


class SavingsConfidence(StrEnum):
    high = "high"
    medium = "medium"
    low = "low"


class SubjectKind(StrEnum):
    action = "action"
    external_fix = "external_fix"


class RollupDimension(StrEnum):
    """What a rollup groups by (``finops.analytics.savings.rollups.DIMENSIONS``)."""

    month = "month"
    account = "account"
    cost_center = "cost_center"
    action = "action"
    policy = "policy"


class SavingsReasonPublic(BaseModel):
    """Why the confidence is lowered: the code, the level it lowers to, a sentence naming the
    days, amounts or shares involved."""

    code: str
    confidence: SavingsConfidence
    text: str


class SavingsDayPublic(BaseModel):
    """One day of the measured resources, from the baseline's first day to the after window's
    last: costs at source precision, the usage amount in the resource's own unit."""

    day: date
    effective_cost: Money
    list_cost: Money
    usage: Money


class SavingsMeasurementPublic(BaseModel):
    """One measured change: its windows, daily averages and realized monthly savings in the
    effective-cost and list-cost views beside the estimate."""

    id: int
    subject_key: str
    subject_kind: SubjectKind
    proposal_id: int | None = Field(description="the remediation proposal (an action)")
    fingerprint: str = Field(description="the finding the change fixed")
    account_id: str
    region: str | None
    resource_id: str
    service: str | None
    action: str | None = Field(description="the remediation action; null: outside the platform")
    finding_type: str
    policy: str | None
    change_day: date
    currency: str
    baseline_start: date
    baseline_end: date
    after_start: date
    after_end: date | None = Field(description="null while awaiting bills")
    baseline_days: int
    after_days: int
    baseline_daily_effective: Money
    baseline_daily_list: Money
    after_daily_effective: Money | None
    after_daily_list: Money | None
    realized_monthly_effective: Money | None = Field(
        description="(baseline daily − after daily) × days in month, effective cost"
    )
    realized_monthly_list: Money | None = Field(description="the same in the list-cost view")
    estimated_monthly_savings: Money
    method: str
    confidence: SavingsConfidence | None = Field(description="null while awaiting bills")
    status: SavingsStatus
    measured_on: date
    first_measured_at: datetime | None
    measured_at: datetime


class SavingsMeasurementsPublic(BaseModel):
    data: list[SavingsMeasurementPublic]
    count: int = Field(description="measurements matching the filters (every page)")
    counts: dict[str, int] = Field(
        description="measurements per status in the caller's scope (every status, 0 included)"
    )


class SavingsMeasurementDetailPublic(SavingsMeasurementPublic):
    """A measurement with everything it was computed from: window totals, usage, the reasons
    for its confidence and every day's costs (the before/after chart)."""

    measured_resources: list[str]
    resource_tags: dict[str, str]
    changed_at: datetime | None
    days_in_month: int | None
    baseline_effective_cost: Money
    baseline_list_cost: Money
    baseline_usage: Money
    baseline_daily_usage: Money
    after_effective_cost: Money | None
    after_list_cost: Money | None
    after_usage: Money | None
    after_daily_usage: Money | None
    reasons: list[SavingsReasonPublic]
    daily: list[SavingsDayPublic]


class SavingsRollupLinePublic(BaseModel):
    key: str = Field(description="the month (YYYY-MM), account, cost center, action or policy")
    subjects: int = Field(description="measurements accruing savings or an estimate in range")
    realized_effective: Money
    realized_list: Money
    estimated: Money = Field(description="every subject's estimate accrued over the same days")
    realization_rate: Ratio | None = Field(
        description="realized (effective) ÷ the estimate of the measured subjects"
    )
    spend: Money | None = Field(description="effective cost (by month and account only)")
    share_of_spend: Ratio | None = Field(description="realized ÷ (spend + realized)")


class SavingsRollupPublic(BaseModel):
    by: RollupDimension
    start: date
    end: date
    currency: str
    total: SavingsRollupLinePublic = Field(description="every measurement over the range")
    data: list[SavingsRollupLinePublic]
    count: int


class SavingsCumulativeLinePublic(BaseModel):
    month: str
    realized: Money = Field(description="realized that month (effective cost)")
    cumulative: Money = Field(description="realized from the range's start to the month's end")


class SavingsCumulativePublic(BaseModel):
    start: date
    end: date
    currency: str
    data: list[SavingsCumulativeLinePublic]
    count: int
