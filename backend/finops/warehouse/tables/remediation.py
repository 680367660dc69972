"""Remediation under human control (migration 0016): proposals with their lifecycle (enforced
by triggers), the one decision each may get, and the execution log."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, DateTime, Integer, Numeric, Table, Text
from sqlalchemy.dialects.postgresql import JSONB

from finops.warehouse.metadata import metadata

# table: one per (finding, action) in flight; what it changes is bound by its digest
remediation_proposals = Table(
    "remediation_proposals",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("fingerprint", Text, nullable=False),
    Column("finding_type", Text, nullable=False),
    Column("policy", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("account_id", Text, nullable=False),
    Column("region", Text, nullable=False),
    Column("resource_id", Text, nullable=False),
    Column("resource_type", Text),
    Column("parameters", JSONB, nullable=False),
    Column("observed_state", JSONB, nullable=False),
    Column("digest", Text, nullable=False),
    Column("evidence", JSONB, nullable=False),
    Column("estimated_monthly_savings", Numeric(20, 6), nullable=False),
    Column("currency", Text, nullable=False),
    Column("risk", Text, nullable=False),
    Column("reversible", Boolean, nullable=False),
    Column("approval_mode", Text, nullable=False),
    Column("four_eyes", Boolean, nullable=False),
    Column("status", Text, nullable=False),
    Column("status_reason", Text),
    Column("proposed_by", Text, nullable=False),
    Column("proposed_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("approval_expiry_hours", Integer, nullable=False),
    Column("run_id", Text),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("undo", JSONB),
)

# table: append-only; at most one per proposal (the first answer wins)
remediation_decisions = Table(
    "remediation_decisions",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("proposal_id", BigInteger, nullable=False, unique=True),
    Column("decision", Text, nullable=False),
    Column("digest", Text, nullable=False),
    Column("actor", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True)),
    Column("request_id", Text),
    Column("run_id", Text),
)

# table: append-only execution log
remediation_steps = Table(
    "remediation_steps",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("proposal_id", BigInteger, nullable=False),
    Column("step", Text, nullable=False),
    Column("outcome", Text, nullable=False),
    Column("actor", Text, nullable=False),
    Column("run_id", Text),
    Column("request_id", Text),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=False),
    Column("detail", JSONB, nullable=False),
)
