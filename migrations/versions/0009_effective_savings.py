"""Findings priced at the effective price: each observation records how its savings were
computed (``savings_method``), the on-demand figure beside them, and commitment under-use as its
own figure (``commitment_waste``), never added to savings. The ``findings`` view shows the three.

Existing observations keep their savings; their method is ``on_demand_730h`` (what they were).

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_VIEW = """
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
       r.as_of AS latest_run_as_of{extra}
FROM last_obs o
JOIN seen s USING (job, fingerprint)
JOIN latest_run r USING (job)
"""

_COMMENT = (
    "COMMENT ON VIEW finops.findings IS "
    "'Public contract: one row per finding identity (fingerprint of type, resource, scope) "
    "with its latest observation; status new/open/resolved relative to the job''s latest run{0}'"
)


def upgrade() -> None:
    op.execute(
        """
        ALTER TABLE finops.finding_observations
          ADD COLUMN savings_method text NOT NULL DEFAULT 'on_demand_730h',
          ADD COLUMN on_demand_monthly_savings numeric(20,6),
          ADD COLUMN commitment_waste numeric(20,6) NOT NULL DEFAULT 0
        """
    )
    op.execute(
        "UPDATE finops.finding_observations SET on_demand_monthly_savings = "
        "estimated_monthly_savings"
    )
    op.execute(
        "UPDATE finops.finding_observations SET commitment_waste = estimated_monthly_savings, "
        "estimated_monthly_savings = 0, savings_method = 'commitment_waste_30d' "
        "WHERE finding_type IN ('underused_reservation', 'underused_savings_plan')"
    )
    op.execute("DROP VIEW finops.findings")
    op.execute(
        _VIEW.format(
            extra=",\n       o.savings_method, o.on_demand_monthly_savings, o.commitment_waste"
        )
    )
    op.execute(
        _COMMENT.format(
            "; estimated_monthly_savings at the effective price (savings_method), "
            "commitment_waste apart and never part of savings"
        )
    )


def downgrade() -> None:
    op.execute("DROP VIEW finops.findings")
    op.execute(
        "UPDATE finops.finding_observations SET estimated_monthly_savings = commitment_waste "
        "WHERE commitment_waste > 0"
    )
    op.execute(
        "ALTER TABLE finops.finding_observations DROP COLUMN savings_method, "
        "DROP COLUMN on_demand_monthly_savings, DROP COLUMN commitment_waste"
    )
    op.execute(_VIEW.format(extra=""))
    op.execute(_COMMENT.format(""))
