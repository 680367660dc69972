"""The Explorer: cost by period and up to two dimensions (``/explorer``), its dimensions and
their values (the pickers)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from finops.analytics.cost_query import Granularity
from finops.api.schemas.common import Money
from finops.warehouse.metrics import CostMetric


class ExplorerGroupPublic(BaseModel):
    keys: list[str | None] = Field(description="one per group_by dimension; null: none/untagged")
    labels: list[str] = Field(description="display names: account names, '(none)' for null")
    total: Money


class ExplorerSeriesPublic(BaseModel):
    keys: list[str | None]
    labels: list[str]
    total: Money
    points: list[Money] = Field(description="the cost of each period of `periods`, aligned")
    other: bool = Field(description="the groups beyond `top` folded into one series")


class ExplorerOtherPublic(BaseModel):
    groups: int = Field(description="how many groups the Other series folds")
    total: Money


class ExplorerPublic(BaseModel):
    start: date
    end: date
    granularity: Granularity
    metric: CostMetric
    currency: str | None
    group_by: list[str]
    filters: dict[str, list[str]] = Field(description="the filters applied (dimension → values)")
    source: str = Field(description="which relation answered: a rollup or costs")
    total: Money
    periods: list[date]
    groups: list[ExplorerGroupPublic] = Field(description="every group, largest first")
    series: list[ExplorerSeriesPublic] = Field(description="the top groups, then Other")
    other: ExplorerOtherPublic | None


class ExplorerDimensionPublic(BaseModel):
    key: str = Field(description="a group_by / filter name: account_id, ..., tag:<key>")
    label: str


class ExplorerDimensionsPublic(BaseModel):
    dimensions: list[ExplorerDimensionPublic]


class ExplorerValuePublic(BaseModel):
    value: str = Field(description="the filter value ('' : missing / untagged)")
    label: str


class ExplorerValuesPublic(BaseModel):
    dimension: str
    values: list[ExplorerValuePublic]
