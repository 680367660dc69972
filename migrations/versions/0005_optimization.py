"""Optimization and allocation: findings (observations per job run, lifecycle derived in the
``findings`` view), commitment utilization and recommendations, chargeback, KPI rollups.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    _findings()
    _commitments()
    _allocation()
    _rollups()


def _findings() -> None:
    # One row per job run (job, as-of date): what makes a finding absent from a later run count
    # as resolved. A rerun of the same (job, as_of) replaces its row and its observations.
    op.execute(
        """
        CREATE TABLE finops.finding_runs (
          job          text NOT NULL,
          as_of        date NOT NULL,
          run_id       text NOT NULL,
          parameters   jsonb NOT NULL,
          findings     integer NOT NULL,
          finished_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
          PRIMARY KEY (job, as_of)
        )
        """
    )
    op.execute(
        """
        CREATE TABLE finops.finding_observations (
          job                        text NOT NULL,
          as_of                      date NOT NULL,
          fingerprint                text NOT NULL,
          finding_type               text NOT NULL,
          resource_id                text,
          resource_type              text,
          account_id                 text NOT NULL,
          region                     text,
          service                    text,
          scope                      text NOT NULL,
          estimated_monthly_savings  numeric(20,6) NOT NULL,
          currency                   text NOT NULL,
          cost_7d                    numeric(20,6),
          cost_30d                   numeric(20,6),
          cost_mtd                   numeric(20,6),
          cost_prev_month            numeric(20,6),
          details                    jsonb NOT NULL,
          PRIMARY KEY (job, as_of, fingerprint),
          FOREIGN KEY (job, as_of) REFERENCES finops.finding_runs ON DELETE CASCADE
        )
        """
    )
    op.execute(
        "CREATE INDEX finding_observations_fp ON finops.finding_observations (fingerprint, as_of)"
    )
    op.execute(
        """
        CREATE VIEW finops.findings AS
        WITH latest_run AS (
          SELECT job, max(as_of) AS as_of FROM finops.finding_runs GROUP BY job
        ), seen AS (
          SELECT job, fingerprint, min(as_of) AS first_seen, max(as_of) AS last_seen
          FROM finops.finding_observations GROUP BY job, fingerprint
        ), last_obs AS (
          SELECT DISTINCT ON (o.job, o.fingerprint) o.*
          FROM finops.finding_observations o
          ORDER BY o.job, o.fingerprint, o.as_of DESC
        )
        SELECT o.fingerprint, o.job, o.finding_type, o.resource_id, o.resource_type,
               o.account_id, o.region, o.service, o.scope,
               CASE WHEN s.last_seen < r.as_of THEN 'resolved'
                    WHEN s.first_seen = r.as_of THEN 'new'
                    ELSE 'open' END AS status,
               s.first_seen, s.last_seen,
               (SELECT min(fr.as_of) FROM finops.finding_runs fr
                 WHERE fr.job = o.job AND fr.as_of > s.last_seen) AS resolved_on,
               o.estimated_monthly_savings, o.currency,
               o.cost_7d, o.cost_30d, o.cost_mtd, o.cost_prev_month, o.details,
               r.as_of AS latest_run_as_of
        FROM last_obs o
        JOIN seen s USING (job, fingerprint)
        JOIN latest_run r USING (job)
        """
    )
    op.execute(
        "COMMENT ON VIEW finops.findings IS "
        "'Public contract: one row per finding identity (fingerprint of type, resource, scope) "
        "with its latest observation; status new/open/resolved relative to the job''s latest run'"
    )


def _commitments() -> None:
    op.execute(
        """
        CREATE TABLE finops.commitment_utilization_daily (
          day                      date NOT NULL,
          commitment_id            text NOT NULL,
          commitment_type          text NOT NULL,
          billing_currency         text NOT NULL,
          committed_cost           numeric(38,10) NOT NULL,
          used_cost                numeric(38,10) NOT NULL,
          unused_cost              numeric(38,10) NOT NULL,
          covered_list_cost        numeric(38,10) NOT NULL,
          PRIMARY KEY (day, commitment_id)
        )
        """
    )
    op.execute(
        """
        CREATE TABLE finops.commitment_coverage_daily (
          day                      date NOT NULL,
          account_id               text NOT NULL,
          service_name             text NOT NULL,
          billing_currency         text NOT NULL,
          eligible_list_cost       numeric(38,10) NOT NULL,
          covered_list_cost        numeric(38,10) NOT NULL,
          on_demand_cost           numeric(38,10) NOT NULL,
          PRIMARY KEY (day, account_id, service_name)
        )
        """
    )
    op.execute(
        """
        CREATE TABLE finops.savings_plan_recommendations (
          as_of                    date NOT NULL,
          term_years               integer NOT NULL,
          payment_option           text NOT NULL,
          lookback_days            integer NOT NULL,
          hourly_commitment        numeric(20,6) NOT NULL,
          estimated_monthly_savings numeric(20,6) NOT NULL,
          details                  jsonb NOT NULL,
          PRIMARY KEY (as_of, term_years, payment_option)
        )
        """
    )


def _allocation() -> None:
    op.execute(
        """
        CREATE TABLE finops.chargeback_monthly (
          billing_period           date NOT NULL,
          cost_center              text NOT NULL,
          allocation               text NOT NULL,
          billing_currency         text NOT NULL,
          cost                     numeric(38,10) NOT NULL,
          share                    numeric(12,8) NOT NULL,
          PRIMARY KEY (billing_period, cost_center, allocation)
        )
        """
    )


def _rollups() -> None:
    op.execute(
        """
        CREATE TABLE finops.cost_rollup_daily (
          day                      date NOT NULL,
          billing_period_start     date NOT NULL,
          sub_account_id           text NOT NULL,
          service_name             text NOT NULL,
          service_category         text NOT NULL,
          region_id                text NOT NULL,
          charge_category          text NOT NULL,
          billing_currency         text NOT NULL,
          billed_cost              numeric(38,10) NOT NULL,
          effective_cost           numeric(38,10) NOT NULL,
          list_cost                numeric(38,10) NOT NULL,
          PRIMARY KEY (day, sub_account_id, service_name, service_category, region_id,
                       charge_category, billing_currency)
        )
        """
    )
    op.execute(
        "CREATE INDEX cost_rollup_daily_period ON finops.cost_rollup_daily (billing_period_start)"
    )


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS finops.findings")
    for table in (
        "cost_rollup_daily",
        "chargeback_monthly",
        "savings_plan_recommendations",
        "commitment_coverage_daily",
        "commitment_utilization_daily",
        "finding_observations",
        "finding_runs",
    ):
        op.execute(f"DROP TABLE IF EXISTS finops.{table}")
