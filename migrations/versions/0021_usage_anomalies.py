"""Usage anomalies (issue 21): incidents the detector finds in the utilization CloudWatch
ingests (CPU pinned at 100%, a request rate collapsing, ...), each joined to the cost anomaly it
explains when both occur.

``usage_incidents`` holds one row per incident: the resource and its metric series, start and
exclusive end, direction and pattern, peak value against the expected value, the detector's
peak score, and ``cost_anomaly`` (the fingerprint of the explained ``anomaly_incidents`` row,
NULL when no cost anomaly overlaps it). ``finops run usage-anomalies`` rewrites the incidents
starting in its window.

Row-level security: account; tags of its resource in the inventory (as ``metric_series``).

Revision ID: 0021
Revises: 0019
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = """
CREATE TABLE finops.usage_incidents (
  id                 bigserial PRIMARY KEY,
  fingerprint        text NOT NULL UNIQUE,
  account_id         text NOT NULL,
  region             text NOT NULL,
  resource_id        text NOT NULL,
  metric_resource_id text NOT NULL,
  resource_type      text,
  series_id          bigint NOT NULL,
  namespace          text NOT NULL,
  metric_name        text NOT NULL,
  stat               text NOT NULL,
  unit               text,
  direction          text NOT NULL CHECK (direction IN ('up', 'down')),
  pattern            text NOT NULL,
  started_at         timestamptz NOT NULL,
  ended_at           timestamptz NOT NULL,
  points             integer NOT NULL,
  peak_value         double precision NOT NULL,
  expected_value     double precision NOT NULL,
  peak_score         double precision NOT NULL,
  cost_anomaly       text,
  detected_on        date NOT NULL,
  last_run_date      date NOT NULL,
  run_id             text NOT NULL,
  CHECK (ended_at > started_at)
);
CREATE INDEX usage_incidents_started_at ON finops.usage_incidents (started_at);
CREATE INDEX usage_incidents_cost_anomaly ON finops.usage_incidents (cost_anomaly);
COMMENT ON TABLE finops.usage_incidents IS
  'Usage anomalies per resource metric (start, end, peak, direction, score) and the cost '
  'anomaly each explains';
"""

_ACCOUNT_AND_RESOURCE = (
    "(SELECT finops.scope_all()) OR (((SELECT finops.scope_any_account()) OR account_id = ANY "
    "((SELECT finops.scope_accounts())::text[])) AND ((SELECT finops.scope_any_tag()) OR "
    "metric_resource_id IN (SELECT metric_resource_id FROM finops.resources)))"
)


def upgrade() -> None:
    op.execute(TABLES)
    op.get_bind().exec_driver_sql(
        "INSERT INTO finops.row_scopes (relation, predicate, rule) VALUES (%s, %s, %s)",
        (
            "usage_incidents",
            _ACCOUNT_AND_RESOURCE,
            "account; tags of its resource in the inventory",
        ),
    )


def downgrade() -> None:
    op.execute("DELETE FROM finops.row_scopes WHERE relation = 'usage_incidents'")
    op.execute("DROP TABLE finops.usage_incidents")
