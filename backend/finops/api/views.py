"""SQLAlchemy Core descriptions of the warehouse's public read views (and the report tables the
API reads as they are). Migrations own the objects; these only name the columns the routes use,
so every query is built by SQLAlchemy with bound parameters."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    MetaData,
    Numeric,
    String,
    Table,
)
from sqlalchemy.dialects.postgresql import JSONB

metadata = MetaData(schema="finops")

# migrations/versions/0005_optimization.py
findings = Table(
    "findings",
    metadata,
    Column("fingerprint", String, primary_key=True),
    Column("job", String),
    Column("finding_type", String),
    Column("resource_id", String),
    Column("resource_type", String),
    Column("account_id", String),
    Column("region", String),
    Column("service", String),
    Column("scope", String),
    Column("status", String),
    Column("first_seen", Date),
    Column("last_seen", Date),
    Column("resolved_on", Date),
    Column("estimated_monthly_savings", Numeric(20, 6)),
    Column("currency", String),
    Column("cost_7d", Numeric(20, 6)),
    Column("cost_30d", Numeric(20, 6)),
    Column("cost_mtd", Numeric(20, 6)),
    Column("cost_prev_month", Numeric(20, 6)),
    Column("details", JSONB),
    Column("latest_run_as_of", Date),
)

chargeback_monthly = Table(
    "chargeback_monthly",
    metadata,
    Column("billing_period", Date, primary_key=True),
    Column("cost_center", String, primary_key=True),
    Column("allocation", String, primary_key=True),
    Column("billing_currency", String),
    Column("cost", Numeric(38, 10)),
    Column("share", Numeric(12, 8)),
)
