"""The assistant (migration 0019): every question asked."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, DateTime, Integer, Numeric, Table, Text, func
from sqlalchemy.dialects.postgresql import JSONB

from finops.warehouse.metadata import metadata

# table: appended by finops.assistant.service for every question
assistant_queries = Table(
    "assistant_queries",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column(
        "asked_at", DateTime(timezone=True), nullable=False, server_default=func.clock_timestamp()
    ),
    Column("asker", Text, nullable=False),
    Column("question", Text, nullable=False),
    Column("provider", Text, nullable=False),
    Column("plan", JSONB),
    Column("statements", JSONB, nullable=False),
    Column("row_count", Integer, nullable=False),
    Column("duration_ms", Numeric(12, 2), nullable=False),
    Column("refused", Boolean, nullable=False),
    Column("outcome", Text, nullable=False),
)
