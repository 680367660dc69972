"""The SQL console's request and answers (`POST /api/v1/sql/query`, `GET /api/v1/sql/tables`)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from finops.api.schemas.common import WholeNumber

MAX_SQL_CHARS = 20_000


class SqlQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sql: str = Field(
        min_length=1,
        max_length=MAX_SQL_CHARS,
        description="one SELECT or WITH query over the public views (costs, resources, …)",
    )
    limit: WholeNumber | None = Field(
        default=None, ge=1, le=100_000, description="row cap (default and maximum: the server's)"
    )
    timeout_s: WholeNumber | None = Field(
        default=None, ge=1, le=300, description="statement timeout (default: the server's)"
    )


class SqlResultPublic(BaseModel):
    columns: list[str]
    rows: list[list[Any]] = Field(
        description="values as JSON: money and other decimals as exact strings, days and times "
        "in ISO 8601, JSON columns as JSON"
    )
    row_count: int
    truncated: bool = Field(description="more rows exist than the row cap")
    duration_ms: float


class SqlColumnPublic(BaseModel):
    name: str
    type: str


class SqlTablePublic(BaseModel):
    name: str
    columns: list[SqlColumnPublic]


class SqlTablesPublic(BaseModel):
    data: list[SqlTablePublic]
    count: int
