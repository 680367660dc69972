"""The SQL console's request and answers (`POST /api/v1/sql/query`, `GET /api/v1/sql/tables`)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from finops.api.schemas.common import WholeNumber

MAX_SQL_CHARS = 20_000
MAX_ROWS = 100_000
MAX_TIMEOUT_S = 300


def _optional_whole(minimum: int, maximum: int) -> WithJsonSchema:
    # pydantic writes the bounds of a validated int inside a union as "ge"/"le", which JSON
    # Schema does not know: state them as minimum/maximum
    return WithJsonSchema(
        {"anyOf": [{"type": "integer", "minimum": minimum, "maximum": maximum}, {"type": "null"}]}
    )


RowCap = Annotated[WholeNumber | None, Field(ge=1, le=MAX_ROWS), _optional_whole(1, MAX_ROWS)]
TimeoutSeconds = Annotated[
    WholeNumber | None, Field(ge=1, le=MAX_TIMEOUT_S), _optional_whole(1, MAX_TIMEOUT_S)
]


class SqlQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sql: str = Field(
        min_length=1,
        max_length=MAX_SQL_CHARS,
        description="one SELECT or WITH query over the public views (costs, resources, …)",
    )
    limit: RowCap = Field(default=None, description="row cap (default and maximum: the server's)")
    timeout_s: TimeoutSeconds = Field(
        default=None, description="statement timeout in seconds (default: the server's)"
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
