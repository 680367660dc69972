"""AWS Data Exports besides billing: Cost Optimization Hub recommendations and carbon emissions,
each in its own table (rows as exported, per source) behind a public view.

A Cost Optimization Hub export is a snapshot of the current recommendations: a load replaces
every row of its source. A carbon emissions export holds monthly estimates: a load replaces its
source's rows for the usage months it contains.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE finops.coh_recommendation_rows (
          source_id                                   text NOT NULL,
          recommendation_id                           text NOT NULL,
          account_id                                  text NOT NULL,
          account_name                                text,
          action_type                                 text NOT NULL,
          currency_code                               text NOT NULL,
          current_resource_type                       text,
          current_resource_summary                    text,
          current_resource_details                    text,
          recommended_resource_type                   text,
          recommended_resource_summary                text,
          recommended_resource_details                text,
          estimated_monthly_cost_after_discount       numeric(38,10),
          estimated_monthly_cost_before_discount      numeric(38,10) NOT NULL,
          estimated_monthly_savings_after_discount    numeric(38,10),
          estimated_monthly_savings_before_discount   numeric(38,10) NOT NULL,
          estimated_savings_percentage_after_discount numeric(38,10),
          estimated_savings_percentage_before_discount numeric(38,10),
          implementation_effort                       text,
          last_refresh_timestamp                      timestamp,
          recommendation_lookback_period_in_days      integer,
          recommendation_source                       text,
          region                                      text,
          resource_arn                                text,
          resource_id                                 text,
          restart_needed                              boolean,
          rollback_possible                           boolean,
          tags                                        jsonb NOT NULL DEFAULT '{}',
          loaded_at             timestamptz NOT NULL DEFAULT clock_timestamp(),
          PRIMARY KEY (source_id, recommendation_id)
        )
        """
    )
    op.execute(
        "CREATE INDEX coh_recommendation_rows_resource ON finops.coh_recommendation_rows "
        "(resource_id)"
    )
    op.execute(
        """
        CREATE VIEW finops.coh_recommendations AS
        SELECT source_id, recommendation_id, account_id, account_name, action_type,
               currency_code, current_resource_type, current_resource_summary,
               recommended_resource_type, recommended_resource_summary,
               estimated_monthly_cost_before_discount, estimated_monthly_cost_after_discount,
               estimated_monthly_savings_before_discount,
               estimated_monthly_savings_after_discount, implementation_effort,
               last_refresh_timestamp, recommendation_lookback_period_in_days,
               recommendation_source, region, resource_arn, resource_id, restart_needed,
               rollback_possible, tags
        FROM finops.coh_recommendation_rows
        """
    )
    op.execute(
        "COMMENT ON VIEW finops.coh_recommendations IS 'Public contract: AWS Cost Optimization "
        "Hub recommendations as exported by AWS Data Exports (COST_OPTIMIZATION_RECOMMENDATIONS)'"
    )
    op.execute(
        """
        CREATE TABLE finops.carbon_emission_rows (
          source_id                   text NOT NULL,
          usage_period_start          timestamp NOT NULL,
          usage_period_end            timestamp NOT NULL,
          payer_account_id            text NOT NULL,
          usage_account_id            text NOT NULL,
          product_code                text,
          region_code                 text,
          location                    text,
          model_version               text NOT NULL,
          total_lbm_emissions_value   numeric(38,10) NOT NULL,
          total_lbm_emissions_unit    text NOT NULL,
          total_mbm_emissions_value   numeric(38,10) NOT NULL,
          total_mbm_emissions_unit    text NOT NULL,
          last_refresh_timestamp      timestamp NOT NULL,
          loaded_at                   timestamptz NOT NULL DEFAULT clock_timestamp()
        )
        """
    )
    op.execute(
        "CREATE INDEX carbon_emission_rows_source ON finops.carbon_emission_rows "
        "(source_id, usage_period_start)"
    )
    op.execute(
        """
        CREATE VIEW finops.carbon_emissions AS
        SELECT source_id, usage_period_start, usage_period_end, payer_account_id,
               usage_account_id, product_code, region_code, location, model_version,
               total_lbm_emissions_value, total_lbm_emissions_unit,
               total_mbm_emissions_value, total_mbm_emissions_unit, last_refresh_timestamp
        FROM finops.carbon_emission_rows
        """
    )
    op.execute(
        "COMMENT ON VIEW finops.carbon_emissions IS 'Public contract: AWS carbon emissions "
        "estimates (MTCO2e, location- and market-based) as exported by AWS Data Exports'"
    )


def downgrade() -> None:
    op.execute("DROP VIEW finops.carbon_emissions")
    op.execute("DROP TABLE finops.carbon_emission_rows")
    op.execute("DROP VIEW finops.coh_recommendations")
    op.execute("DROP TABLE finops.coh_recommendation_rows")
