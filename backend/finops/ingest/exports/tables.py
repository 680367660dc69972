"""SQLAlchemy Core descriptions of the export tables (migrations/versions/0010_aws_data_exports.py
owns them)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Integer, MetaData, Numeric, String, Table
from sqlalchemy.dialects.postgresql import JSONB

metadata = MetaData(schema="finops")

MONEY = Numeric(38, 10)

coh_recommendation_rows = Table(
    "coh_recommendation_rows",
    metadata,
    Column("source_id", String, primary_key=True),
    Column("recommendation_id", String, primary_key=True),
    Column("account_id", String),
    Column("account_name", String),
    Column("action_type", String),
    Column("currency_code", String),
    Column("current_resource_type", String),
    Column("current_resource_summary", String),
    Column("current_resource_details", String),
    Column("recommended_resource_type", String),
    Column("recommended_resource_summary", String),
    Column("recommended_resource_details", String),
    Column("estimated_monthly_cost_after_discount", MONEY),
    Column("estimated_monthly_cost_before_discount", MONEY),
    Column("estimated_monthly_savings_after_discount", MONEY),
    Column("estimated_monthly_savings_before_discount", MONEY),
    Column("estimated_savings_percentage_after_discount", MONEY),
    Column("estimated_savings_percentage_before_discount", MONEY),
    Column("implementation_effort", String),
    Column("last_refresh_timestamp", DateTime),
    Column("recommendation_lookback_period_in_days", Integer),
    Column("recommendation_source", String),
    Column("region", String),
    Column("resource_arn", String),
    Column("resource_id", String),
    Column("restart_needed", Boolean),
    Column("rollback_possible", Boolean),
    Column("tags", JSONB),
)

coh_recommendations = Table(
    "coh_recommendations",
    metadata,
    *(
        Column(c.name, c.type)
        for c in coh_recommendation_rows.columns
        if c.name not in ("current_resource_details", "recommended_resource_details",
                          "estimated_savings_percentage_after_discount",
                          "estimated_savings_percentage_before_discount")
    ),
)  # fmt: skip

carbon_emission_rows = Table(
    "carbon_emission_rows",
    metadata,
    Column("source_id", String),
    Column("usage_period_start", DateTime),
    Column("usage_period_end", DateTime),
    Column("payer_account_id", String),
    Column("usage_account_id", String),
    Column("product_code", String),
    Column("region_code", String),
    Column("location", String),
    Column("model_version", String),
    Column("total_lbm_emissions_value", MONEY),
    Column("total_lbm_emissions_unit", String),
    Column("total_mbm_emissions_value", MONEY),
    Column("total_mbm_emissions_unit", String),
    Column("last_refresh_timestamp", DateTime),
)
