"""Billing sources, their loads (the ingest log) and data-quality reports (``/sources``)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from finops.api.schemas.common import Money


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
