"""The assistant (migration 0019): every question asked."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Integer,
    Numeric,
    Table,
    Text,
    UniqueConstraint,
    func,
)
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

# table: written by finops.insights (the insights job), one row per scope and period
insights = Table(
    "insights",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("scope_kind", Text, nullable=False),
    Column("scope", JSONB, nullable=False),
    Column("scope_key", Text, nullable=False),
    Column("period_kind", Text, nullable=False),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("as_of", Date, nullable=False),
    Column("currency", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("template_body", Text, nullable=False),
    Column("facts", JSONB, nullable=False),
    Column("provider", Text, nullable=False),
    Column("provider_note", Text),
    Column(
        "created_at",
        DateTime(timezone=True),
        nullable=False,
        server_default=func.clock_timestamp(),
    ),
    Column("run_id", Text, nullable=False),
    UniqueConstraint("scope_key", "period_kind", "period_start"),
)
