"""The platform's own records: the append-only audit trail (migration 0001; the request id
since 0013, the hash chain since 0015), the job-run ledger (0011) and the registry of row-level
security predicates (0014)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Date, DateTime, Table, Text
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
    Column("chain_seq", BigInteger, nullable=False, unique=True),
    Column("prev_hash", Text, nullable=False),
    Column("row_hash", Text, nullable=False),
)

# table: the last committed link of the audit chain (0015), moved at commit by a trigger
audit_chain_head = Table(
    "audit_chain_head",
    metadata,
    Column("one", Boolean, primary_key=True),
    Column("chain_seq", BigInteger, nullable=False),
    Column("row_hash", Text, nullable=False),
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

# table: per table of schema finops, the predicate a restricted team scope sees its rows by
# (finops/db/grants.sql makes the row-level security policies from it; docs/security.md)
row_scopes = Table(
    "row_scopes",
    metadata,
    Column("relation", Text, primary_key=True),
    Column("predicate", Text, nullable=False),
    Column("rule", Text, nullable=False),
)
