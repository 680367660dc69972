"""Response models (``XPublic``). Money is serialized as a decimal string, never a float."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
)

from finops.analytics.budgets.model import (
    MAX_NAME_LENGTH,
    MAX_SCOPE_KEYS,
    MAX_SCOPE_VALUE_LENGTH,
    MAX_TARGETS,
    MAX_THRESHOLDS,
)
from finops.currencies import CURRENCY_PATTERN
from finops.notify.targets import MAX_EMAIL_LENGTH, MAX_URL_LENGTH
from finops.warehouse.metrics import DAILY_ROW_METRICS as METRICS

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
    estimated_monthly_savings: Money = Field(
        description="at the effective price (see savings_method); 0 for commitment waste"
    )
    savings_method: str = Field(
        description="effective_cost_30d (removal: what the resource cost over the last 30 "
        "days), effective_rate_difference_30d (change of type at the rates paid), "
        "commitment_waste_30d (not savings: see commitment_waste), none, or on_demand_730h "
        "(observations made before effective pricing)"
    )
    on_demand_monthly_savings: Money | None = Field(
        description="the same figure at public on-demand prices"
    )
    commitment_waste: Money = Field(
        description="monthly unused commitment (RI / Savings Plan); never part of savings"
    )
    currency: str
    cost_7d: Money | None
    cost_30d: Money | None
    cost_mtd: Money | None
    cost_prev_month: Money | None
    details: dict[str, Any]


SAVINGS_BASIS = (
    "actionable savings at the effective price: each resource's effective (amortized) cost over "
    "the 30 days ending on the run date, after Savings Plan / RI coverage and discounts — all "
    "of it for a removal, the rate difference for a change of type; commitment waste (unused "
    "RI / Savings Plan commitment) is not included"
)
COMMITMENT_WASTE_ADVICE = (
    "Unused commitment is paid whatever is done this month: hold new commitment purchases "
    "until usage grows into it, move workloads onto reservations, exchange or sell them"
)


class FindingsPublic(BaseModel):
    data: list[FindingPublic]
    count: int
    currency: str
    total_estimated_monthly_savings: Money = Field(description=SAVINGS_BASIS)
    total_commitment_waste: Money


class FindingTypeSummaryPublic(BaseModel):
    finding_type: str
    count: int
    estimated_monthly_savings: Money
    on_demand_monthly_savings: Money
    commitment_waste: Money
    cost_30d: Money


class FindingsSummaryPublic(BaseModel):
    currency: str
    as_of: date | None
    count: int
    total_estimated_monthly_savings: Money = Field(description=SAVINGS_BASIS)
    total_on_demand_monthly_savings: Money
    total_commitment_waste: Money
    savings_basis: str = Field(description="what total_estimated_monthly_savings sums")
    commitment_waste_advice: str
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


# ---- cost intelligence: anomalies, forecasts, budgets (migration 0004) ----------------------


class AnomalyStatus(StrEnum):
    """An incident's lifecycle (``anomalies/store.py``): feedback survives reruns."""

    open = "open"
    acknowledged = "acknowledged"
    resolved = "resolved"
    false_positive = "false_positive"


class AnomalySeverity(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"


class AnomalyKind(StrEnum):
    spike = "spike"
    dip = "dip"
    level_shift = "level_shift"
    drift = "drift"


class RootCauseEntryPublic(BaseModel):
    """One child of the incident's scope (an account, service, region, usage type or resource)
    and how much of the deviation it explains over the incident's days."""

    dimension: str
    value: str
    actual: Money
    expected: Money
    delta: Money
    share: float = Field(description="fraction of the scope's deviation (1.0 = all of it)")


class AnomalyPublic(BaseModel):
    fingerprint: str
    scope_kind: str
    scope: dict[str, str]
    kind: AnomalyKind
    cause: str
    status: AnomalyStatus
    status_note: str | None
    first_day: date
    last_day: date
    expected: Money
    lower_bound: Money
    upper_bound: Money
    actual: Money
    impact: Money
    impact_pct: Percent | None
    severity: AnomalySeverity
    peak_score: float | None
    top_cause: RootCauseEntryPublic | None
    cost_metric: str
    detected_on: date
    last_run_date: date


class AnomaliesPublic(BaseModel):
    data: list[AnomalyPublic]
    count: int
    currency: str


class RelatedScopePublic(BaseModel):
    """Another scope that saw the same incident (deduplicated into this one)."""

    scope_kind: str
    scope: dict[str, str]
    first_day: date
    last_day: date
    kind: str
    impact: Money


class AnomalyDayPublic(BaseModel):
    """The scope's cost on one day against the detector's baseline (``None`` on days the
    detector could not judge yet: too little history, or a month start it is still learning)."""

    day: date
    actual: Money
    expected: Money | None
    lower: Money | None
    upper: Money | None
    anomalous: bool
    in_incident: bool


class AnomalyDetailPublic(AnomalyPublic):
    currency: str
    root_cause: list[RootCauseEntryPublic]
    related_scopes: list[RelatedScopePublic]
    series: list[AnomalyDayPublic]


class AnomalyStatusUpdate(BaseModel):
    status: AnomalyStatus
    note: str | None = Field(default=None, max_length=2000)


class ForecastPointPublic(BaseModel):
    day: date
    horizon_day: int
    yhat: Money
    lower80: Money
    upper80: Money
    lower95: Money
    upper95: Money


class DailyCostPublic(BaseModel):
    day: date
    cost: Money


class ProjectionPublic(BaseModel):
    """The month or quarter holding the first forecast day (the day after the run date, the
    last charge day): actual cost from its start to the run date plus the forecast to its end."""

    period_start: date
    period_end: date
    to_date: Money
    projection: Money
    lower80: Money
    upper80: Money


class ForecastPublic(BaseModel):
    scope_kind: str
    scope: dict[str, str]
    scope_key: str
    run_date: date
    cost_metric: str
    model: str
    weights: dict[str, float]
    history_days: int
    horizon_days: int
    backtest_folds: int
    backtest_mase: float
    backtest_smape: float
    month_end: ProjectionPublic
    quarter_end: ProjectionPublic
    points: list[ForecastPointPublic]
    actuals: list[DailyCostPublic]


class ForecastsPublic(BaseModel):
    data: list[ForecastPublic]
    count: int
    currency: str
    horizon: int


class BudgetPeriod(StrEnum):
    monthly = "monthly"
    quarterly = "quarterly"
    annual = "annual"


class ThresholdKind(StrEnum):
    actual = "actual"
    forecast = "forecast"


class ThresholdPublic(BaseModel):
    kind: ThresholdKind
    percent: Percent


class BudgetAlertPublic(BaseModel):
    """A threshold crossed in the evaluated period (an alert fires once per crossing)."""

    threshold_kind: ThresholdKind
    threshold_percent: Percent
    crossed_on: date
    amount: Money
    actual: Money
    forecast: Money


class BudgetEvaluationPublic(BaseModel):
    period_start: date
    period_end: date
    run_date: date
    actual: Money
    forecast: Money
    forecast_model: str
    actual_pct: Percent
    forecast_pct: Percent


class BudgetPublic(BaseModel):
    id: int
    name: str
    scope_kind: str
    scope: dict[str, str]
    period: BudgetPeriod
    amount: Money
    currency: str
    cost_metric: str
    thresholds: list[ThresholdPublic]
    channel_targets: dict[str, int] = Field(
        description="targets per channel (webhook URLs carry secrets, so they are not returned)"
    )
    evaluation: BudgetEvaluationPublic | None
    alerts: list[BudgetAlertPublic]


class BudgetsPublic(BaseModel):
    data: list[BudgetPublic]
    count: int


def decimal_text(pattern: str, below: int, what: str) -> Any:
    """A positive decimal sent as a JSON string matching ``pattern`` or as a JSON integer below
    ``below`` (money and percentages never travel as binary floats; integers stay below 2^53,
    where every JSON reader still reads them exactly); the OpenAPI schema publishes both
    forms."""
    compiled = re.compile(pattern)

    def parse(value: object) -> Decimal:
        if isinstance(value, float) and value.is_integer():  # 12.0 is a JSON integer too
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool) and 0 < value < below:
            return Decimal(value)
        if isinstance(value, str) and compiled.match(value):
            return Decimal(value)
        raise ValueError(f'{what}, written as a decimal string such as "120.50" or an integer')

    return [
        BeforeValidator(parse),
        WithJsonSchema(
            {
                "anyOf": [
                    {"type": "string", "pattern": pattern},
                    {"type": "integer", "minimum": 1, "maximum": below - 1},
                ]
            }
        ),
    ]


_POSITIVE_2DP = r"^(0*[1-9][0-9]{0,%d}(\.[0-9]{1,2})?|0*\.(0[1-9]|[1-9][0-9]?))$"
AmountIn = Annotated[
    Decimal,
    *decimal_text(
        _POSITIVE_2DP % 17,
        10**15,
        "amount must be positive, below 10^18 (10^15 as a JSON integer), with at most 2 decimals",
    ),
]
PercentIn = Annotated[
    Decimal,
    *decimal_text(
        _POSITIVE_2DP % 3, 10**4, "percent must be positive, below 10000, with at most 2 decimals"
    ),
]
_PRINTABLE = r"[^\x00-\x1f\x7f-\x9f]"
"""A character that is not a control character (NUL included)."""
Name = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        min_length=1,
        max_length=MAX_NAME_LENGTH,
        pattern=rf"^{_PRINTABLE}*[^\s\x00-\x1f\x7f-\x9f]{_PRINTABLE}*$",
    ),
]
ScopeKey = Annotated[
    str,
    StringConstraints(pattern=rf"^(account|service|region|usage_type|tag:{_PRINTABLE}{{1,124}})$"),
]
ScopeValue = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_SCOPE_VALUE_LENGTH, pattern=rf"^{_PRINTABLE}+$"),
]
_LABEL = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
WebhookUrl = Annotated[
    str,
    StringConstraints(
        min_length=10,
        max_length=MAX_URL_LENGTH,
        # a DNS name (never an address literal or a single-label name such as localhost), an
        # optional port and path; the name's addresses are checked before each delivery
        pattern=rf"^https?://({_LABEL}\.)+[a-z]{{2,63}}(:[0-9]{{1,4}})?(/[!-~]*)?$",
    ),
]
EmailAddress = Annotated[
    str,
    StringConstraints(
        min_length=6,
        max_length=MAX_EMAIL_LENGTH,
        pattern=r"^[^\s@\x00-\x1f\x7f-\x9f]+@[^\s@\x00-\x1f\x7f-\x9f]+\.[a-z]{2,}$",
    ),
]


class ThresholdCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: ThresholdKind
    percent: PercentIn = Field(description="percent of the amount")


class ChannelsCreate(BaseModel):
    """Where alerts go. Webhook URLs must reach public addresses unless the server's
    ``FINOPS_NOTIFY_WEBHOOK_ALLOW`` lists them."""

    model_config = ConfigDict(extra="forbid")

    webhook: list[WebhookUrl] = Field(default_factory=list, max_length=MAX_TARGETS)
    email: list[EmailAddress] = Field(default_factory=list, max_length=MAX_TARGETS)

    def as_dict(self) -> dict[str, list[str]]:
        return {k: list(v) for k, v in (("webhook", self.webhook), ("email", self.email)) if v}


class BudgetCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    scope: dict[ScopeKey, ScopeValue] = Field(
        default_factory=dict,
        max_length=MAX_SCOPE_KEYS,
        description="{} for the whole bill, else account, service, region, usage_type or "
        "tag:<key> → value",
        json_schema_extra={"additionalProperties": False},
    )
    period: BudgetPeriod
    amount: AmountIn
    thresholds: list[ThresholdCreate] | None = Field(
        default=None,
        max_length=MAX_THRESHOLDS,
        description="default: actual 80%, actual 100%, forecast 100%",
    )
    channels: ChannelsCreate = Field(default_factory=ChannelsCreate)
    currency: Annotated[str, StringConstraints(pattern=CURRENCY_PATTERN)] = Field(
        default="USD", description="an ISO 4217 currency code"
    )
    cost_metric: Annotated[str, StringConstraints(pattern="^(" + "|".join(METRICS) + ")$")] = Field(
        default="billed_cost", description="the cost the budget measures"
    )


# ---- billing sources, their loads and data-quality reports (migration 0007) -----------------


class CurrencyAmountPublic(BaseModel):
    currency: str
    amount: Money


class SourcePublic(BaseModel):
    """A billing source (``finops sources list``): what the export is and what it holds."""

    source_id: str = Field(description="the source's name (x_source_id of its cost rows)")
    source_format: str
    provider_names: list[str]
    billing_account_ids: list[str]
    export_name: str | None
    location: str | None = Field(
        description="where the export was loaded from (None: loaded before source identities)"
    )
    billing_periods: list[str] = Field(description="YYYY-MM periods with rows in the warehouse")
    rows: int = Field(description="warehouse rows (at the load's daily or hourly grain)")
    billed_cost: list[CurrencyAmountPublic] = Field(
        description="billed cost of its rows per billing currency"
    )
    last_loaded_at: datetime | None
    quality_findings: int = Field(
        description="data-quality rules broken in the loaded versions of its slices"
    )


class SourcesPublic(BaseModel):
    data: list[SourcePublic]
    count: int


class LoadStatus(StrEnum):
    """A billing load's status in the ingest log."""

    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    skipped = "skipped"


class LoadPublic(BaseModel):
    """One row of the billing ingest log: a (source, billing period) slice load."""

    id: int
    run_id: str
    source_id: str
    source_format: str
    billing_period: str | None = Field(
        description="YYYY-MM (None: the files failed before their periods were known)"
    )
    status: LoadStatus
    raw_line_items: int | None
    rows_loaded: int | None
    billing_currency: str | None = Field(description="several are joined by ','")
    billed_cost: Money | None
    effective_cost: Money | None
    list_cost: Money | None
    started_at: datetime
    finished_at: datetime | None
    error: str | None
    quality_findings: int = Field(description="data-quality rules this load's data broke")


class LoadsPublic(BaseModel):
    data: list[LoadPublic]
    count: int


class QualitySeverity(StrEnum):
    """error: a mandatory FOCUS requirement broken; warning: a value outside the allowed list."""

    error = "error"
    warning = "warning"


class QualityFindingPublic(BaseModel):
    """A FOCUS rule broken by the loaded version of a slice, with a few example rows."""

    source_id: str
    billing_period: str = Field(description="YYYY-MM")
    rule_id: str
    column_name: str = Field(description="the FOCUS column")
    severity: QualitySeverity
    line_items: int = Field(description="source line items that break the rule")
    message: str
    examples: list[dict[str, str | None]]
    run_id: str
    loaded_at: datetime | None


class QualityFindingsPublic(BaseModel):
    data: list[QualityFindingPublic]
    count: int
