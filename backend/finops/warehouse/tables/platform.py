"""The platform's own records: the append-only audit trail (migration 0001; the request id
since 0013) and the job-run ledger (0011)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Date, DateTime, Table, Text
from sqlalchemy.dialects.postgresql import JSONB

from finops.warehouse.metadata import metadata

# table
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Column("actor", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("subject", Text, nullable=False),
    Column("run_id", Text),
    Column("details", JSONB, nullable=False),
    Column("request_id", Text),
)

# table
job_runs = Table(
    "job_runs",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("job", Text, nullable=False),
    Column("as_of", Date, nullable=False),
    Column("input_fingerprint", Text, nullable=False),
    Column("inputs", JSONB, nullable=False),
    Column("parameters", JSONB, nullable=False),
    Column("status", Text, nullable=False),
    Column("reason", Text),
    Column("run_id", Text, nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=False),
)
