"""Written spend summaries (``/insights``): the weekly and monthly summaries of each scope
written by the insights job (``finops.insights``, docs/assistant.md)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field


class InsightPeriod(StrEnum):
    week = "week"
    month = "month"


class InsightScopeKind(StrEnum):
    total = "total"
    account = "account"
    tag = "tag"


class InsightPublic(BaseModel):
    id: int
    scope_kind: InsightScopeKind
    scope: dict[str, str] = Field(
        description='{} (the whole bill), {"account": id} or {"tag:<key>": value}'
    )
    scope_key: str = Field(description="the scope as text (total:, account:account=…)")
    period_kind: InsightPeriod
    period_start: date
    period_end: date
    as_of: date = Field(description="the day the summary covers its period through")
    currency: str
    title: str
    body: str = Field(description="the summary in markdown")
    facts: dict[str, Any] = Field(description="the numbers it states (amounts as decimals)")
    provider: str = Field(description="template, or the LLM provider that rephrased it")
    provider_note: str | None = Field(description="why the template text was kept")
    created_at: datetime


class InsightsPublic(BaseModel):
    data: list[InsightPublic]
    count: int = Field(description="summaries matching the filters (every page)")
