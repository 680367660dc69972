"""Optimization and allocation: findings, commitments, chargeback (migrations 0005, 0009)
and the AWS Data Exports that are not billing (0010)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Integer, Numeric, Table, Text
from sqlalchemy.dialects.postgresql import JSONB

from finops.warehouse.metadata import metadata, view_columns

# table
finding_runs = Table(
    "finding_runs",
    metadata,
    Column("job", Text, primary_key=True),
    Column("as_of", Date, primary_key=True),
    Column("run_id", Text, nullable=False),
    Column("parameters", JSONB, nullable=False),
    Column("findings", Integer, nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=False),
)

# table
finding_observations = Table(
    "finding_observations",
    metadata,
    Column("job", Text, ForeignKey("finops.finding_runs.job"), primary_key=True),
    Column("as_of", Date, ForeignKey("finops.finding_runs.as_of"), primary_key=True),
    Column("fingerprint", Text, primary_key=True),
    Column("finding_type", Text, nullable=False),
    Column("resource_id", Text),
    Column("resource_type", Text),
    Column("account_id", Text, nullable=False),
    Column("region", Text),
    Column("service", Text),
    Column("scope", Text, nullable=False),
    Column("estimated_monthly_savings", Numeric(20, 6), nullable=False),
    Column("currency", Text, nullable=False),
    Column("cost_7d", Numeric(20, 6)),
    Column("cost_30d", Numeric(20, 6)),
    Column("cost_mtd", Numeric(20, 6)),
    Column("cost_prev_month", Numeric(20, 6)),
    Column("details", JSONB, nullable=False),
    Column("savings_method", Text, nullable=False),
    Column("on_demand_monthly_savings", Numeric(20, 6)),
    Column("commitment_waste", Numeric(20, 6), nullable=False),
)

# view
findings = Table(
    "findings",
    metadata,
    Column("fingerprint", Text),
    Column("job", Text),
    Column("finding_type", Text),
    Column("resource_id", Text),
    Column("resource_type", Text),
    Column("account_id", Text),
    Column("region", Text),
    Column("service", Text),
    Column("scope", Text),
    Column("status", Text),
    Column("first_seen", Date),
    Column("last_seen", Date),
    Column("resolved_on", Date),
    Column("estimated_monthly_savings", Numeric(20, 6)),
    Column("currency", Text),
    Column("cost_7d", Numeric(20, 6)),
    Column("cost_30d", Numeric(20, 6)),
    Column("cost_mtd", Numeric(20, 6)),
    Column("cost_prev_month", Numeric(20, 6)),
    Column("details", JSONB),
    Column("latest_run_as_of", Date),
    Column("savings_method", Text),
    Column("on_demand_monthly_savings", Numeric(20, 6)),
    Column("commitment_waste", Numeric(20, 6)),
)

# table
commitment_utilization_daily = Table(
    "commitment_utilization_daily",
    metadata,
    Column("day", Date, primary_key=True),
    Column("commitment_id", Text, primary_key=True),
    Column("commitment_type", Text, nullable=False),
    Column("billing_currency", Text, nullable=False),
    Column("committed_cost", Numeric(38, 10), nullable=False),
    Column("used_cost", Numeric(38, 10), nullable=False),
    Column("unused_cost", Numeric(38, 10), nullable=False),
    Column("covered_list_cost", Numeric(38, 10), nullable=False),
)

# table
commitment_coverage_daily = Table(
    "commitment_coverage_daily",
    metadata,
    Column("day", Date, primary_key=True),
    Column("account_id", Text, primary_key=True),
    Column("service_name", Text, primary_key=True),
    Column("billing_currency", Text, nullable=False),
    Column("eligible_list_cost", Numeric(38, 10), nullable=False),
    Column("covered_list_cost", Numeric(38, 10), nullable=False),
    Column("on_demand_cost", Numeric(38, 10), nullable=False),
)

# table
savings_plan_recommendations = Table(
    "savings_plan_recommendations",
    metadata,
    Column("as_of", Date, primary_key=True),
    Column("term_years", Integer, primary_key=True),
    Column("payment_option", Text, primary_key=True),
    Column("lookback_days", Integer, nullable=False),
    Column("hourly_commitment", Numeric(20, 6), nullable=False),
    Column("estimated_monthly_savings", Numeric(20, 6), nullable=False),
    Column("details", JSONB, nullable=False),
)

# table
chargeback_monthly = Table(
    "chargeback_monthly",
    metadata,
    Column("billing_period", Date, primary_key=True),
    Column("cost_center", Text, primary_key=True),
    Column("allocation", Text, primary_key=True),
    Column("billing_currency", Text, nullable=False),
    Column("cost", Numeric(38, 10), nullable=False),
    Column("share", Numeric(12, 8), nullable=False),
)

# table
coh_recommendation_rows = Table(
    "coh_recommendation_rows",
    metadata,
    Column("source_id", Text, primary_key=True),
    Column("recommendation_id", Text, primary_key=True),
    Column("account_id", Text, nullable=False),
    Column("account_name", Text),
    Column("action_type", Text, nullable=False),
    Column("currency_code", Text, nullable=False),
    Column("current_resource_type", Text),
    Column("current_resource_summary", Text),
    Column("current_resource_details", Text),
    Column("recommended_resource_type", Text),
    Column("recommended_resource_summary", Text),
    Column("recommended_resource_details", Text),
    Column("estimated_monthly_cost_after_discount", Numeric(38, 10)),
    Column("estimated_monthly_cost_before_discount", Numeric(38, 10), nullable=False),
    Column("estimated_monthly_savings_after_discount", Numeric(38, 10)),
    Column("estimated_monthly_savings_before_discount", Numeric(38, 10), nullable=False),
    Column("estimated_savings_percentage_after_discount", Numeric(38, 10)),
    Column("estimated_savings_percentage_before_discount", Numeric(38, 10)),
    Column("implementation_effort", Text),
    Column("last_refresh_timestamp", DateTime),
    Column("recommendation_lookback_period_in_days", Integer),
    Column("recommendation_source", Text),
    Column("region", Text),
    Column("resource_arn", Text),
    Column("resource_id", Text),
    Column("restart_needed", Boolean),
    Column("rollback_possible", Boolean),
    Column("tags", JSONB, nullable=False),
    Column("loaded_at", DateTime(timezone=True), nullable=False),
)

# view
coh_recommendations = Table(
    "coh_recommendations",
    metadata,
    Column("source_id", Text),
    Column("recommendation_id", Text),
    Column("account_id", Text),
    Column("account_name", Text),
    Column("action_type", Text),
    Column("currency_code", Text),
    Column("current_resource_type", Text),
    Column("current_resource_summary", Text),
    Column("recommended_resource_type", Text),
    Column("recommended_resource_summary", Text),
    Column("estimated_monthly_cost_before_discount", Numeric(38, 10)),
    Column("estimated_monthly_cost_after_discount", Numeric(38, 10)),
    Column("estimated_monthly_savings_before_discount", Numeric(38, 10)),
    Column("estimated_monthly_savings_after_discount", Numeric(38, 10)),
    Column("implementation_effort", Text),
    Column("last_refresh_timestamp", DateTime),
    Column("recommendation_lookback_period_in_days", Integer),
    Column("recommendation_source", Text),
    Column("region", Text),
    Column("resource_arn", Text),
    Column("resource_id", Text),
    Column("restart_needed", Boolean),
    Column("rollback_possible", Boolean),
    Column("tags", JSONB),
)

# table
carbon_emission_rows = Table(
    "carbon_emission_rows",
    metadata,
    Column("source_id", Text, nullable=False),
    Column("usage_period_start", DateTime, nullable=False),
    Column("usage_period_end", DateTime, nullable=False),
    Column("payer_account_id", Text, nullable=False),
    Column("usage_account_id", Text, nullable=False),
    Column("product_code", Text),
    Column("region_code", Text),
    Column("location", Text),
    Column("model_version", Text, nullable=False),
    Column("total_lbm_emissions_value", Numeric(38, 10), nullable=False),
    Column("total_lbm_emissions_unit", Text, nullable=False),
    Column("total_mbm_emissions_value", Numeric(38, 10), nullable=False),
    Column("total_mbm_emissions_unit", Text, nullable=False),
    Column("last_refresh_timestamp", DateTime, nullable=False),
    Column("loaded_at", DateTime(timezone=True), nullable=False),
)

# view: the rows without their load time
carbon_emissions = Table(
    "carbon_emissions", metadata, *view_columns(carbon_emission_rows, without=("loaded_at",))
)
