"""The savings tracker (migration 0017): one realized-savings measurement per executed action
and per finding fixed outside the platform."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Date, DateTime, Integer, Numeric, Table, Text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from finops.warehouse.metadata import metadata

# table: rewritten by the savings job whenever the bill under its windows changes
savings_measurements = Table(
    "savings_measurements",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("subject_key", Text, nullable=False, unique=True),
    Column("subject_kind", Text, nullable=False),
    Column("proposal_id", BigInteger),
    Column("fingerprint", Text, nullable=False),
    Column("account_id", Text, nullable=False),
    Column("region", Text),
    Column("resource_id", Text, nullable=False),
    Column("measured_resources", ARRAY(Text), nullable=False),
    Column("service", Text),
    Column("resource_tags", JSONB, nullable=False),
    Column("action", Text),
    Column("finding_type", Text, nullable=False),
    Column("policy", Text),
    Column("change_day", Date, nullable=False),
    Column("changed_at", DateTime(timezone=True)),
    Column("currency", Text, nullable=False),
    Column("baseline_start", Date, nullable=False),
    Column("baseline_end", Date, nullable=False),
    Column("after_start", Date, nullable=False),
    Column("after_end", Date),
    Column("baseline_days", Integer, nullable=False),
    Column("after_days", Integer, nullable=False),
    Column("baseline_effective_cost", Numeric, nullable=False),
    Column("baseline_list_cost", Numeric, nullable=False),
    Column("baseline_usage", Numeric, nullable=False),
    Column("baseline_daily_effective", Numeric, nullable=False),
    Column("baseline_daily_list", Numeric, nullable=False),
    Column("baseline_daily_usage", Numeric, nullable=False),
    Column("after_effective_cost", Numeric),
    Column("after_list_cost", Numeric),
    Column("after_usage", Numeric),
    Column("after_daily_effective", Numeric),
    Column("after_daily_list", Numeric),
    Column("after_daily_usage", Numeric),
    Column("days_in_month", Integer),
    Column("realized_monthly_effective", Numeric),
    Column("realized_monthly_list", Numeric),
    Column("estimated_monthly_savings", Numeric, nullable=False),
    Column("method", Text, nullable=False),
    Column("confidence", Text),
    Column("reasons", JSONB, nullable=False),
    Column("status", Text, nullable=False),
    Column("bill_state", Text, nullable=False),
    Column("daily", JSONB, nullable=False),
    Column("first_measured_at", DateTime(timezone=True)),
    Column("measured_at", DateTime(timezone=True), nullable=False),
    Column("measured_on", Date, nullable=False),
    Column("run_id", Text, nullable=False),
)
