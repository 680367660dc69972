"""Budgets as returned (``BudgetPublic``) and as created (``BudgetCreate``, with the limits of
docs/security.md) (``/budgets``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from finops.analytics.budgets.model import (
    MAX_NAME_LENGTH,
    MAX_SCOPE_KEYS,
    MAX_SCOPE_VALUE_LENGTH,
    MAX_TARGETS,
    MAX_THRESHOLDS,
)
from finops.api.schemas.common import Money, Percent, decimal_text
from finops.currencies import CURRENCY_PATTERN
from finops.notify.targets import MAX_EMAIL_LENGTH, MAX_URL_LENGTH
from finops.warehouse.metrics import DAILY_ROW_METRICS as METRICS


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
