"""Written spend summaries (issue 20): a weekly and a monthly summary per scope.

``insights`` holds one row per scope (``scope_kind`` total | account | tag, ``scope`` the JSON
of the scope like the anomalies', ``scope_key`` its text) and period (``period_kind`` week |
month, ``period_start`` .. ``period_end``): the title, the markdown body, the numbers it states
(``facts``), the day it was written as of, the provider that wrote its prose (``template``, or
the LLM's when its rephrasing kept every number) and why the template was kept. The insights
job rewrites a row in place (unique per scope and period), so a rerun changes nothing.

Row-level security: its own scope (like anomalies, forecasts and budgets): a team sees its
team's summaries and those of the accounts it may see; the whole bill's only unrestricted.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = """
CREATE TABLE finops.insights (
  id            bigserial PRIMARY KEY,
  scope_kind    text NOT NULL CHECK (scope_kind IN ('total', 'account', 'tag')),
  scope         jsonb NOT NULL,
  scope_key     text NOT NULL,
  period_kind   text NOT NULL CHECK (period_kind IN ('week', 'month')),
  period_start  date NOT NULL,
  period_end    date NOT NULL,
  as_of         date NOT NULL,
  currency      text NOT NULL,
  title         text NOT NULL,
  body          text NOT NULL,
  template_body text NOT NULL,
  facts         jsonb NOT NULL,
  provider      text NOT NULL,
  provider_note text,
  created_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
  run_id        text NOT NULL,
  CHECK (period_start <= period_end),
  UNIQUE (scope_key, period_kind, period_start)
);
CREATE INDEX insights_period ON finops.insights (period_kind, period_start);
COMMENT ON TABLE finops.insights IS
  'Written spend summaries per scope and week or month: movers, anomalies, forecast versus '
  'budget, savings; the numbers in facts';
"""


def upgrade() -> None:
    op.execute(TABLES)
    op.get_bind().exec_driver_sql(
        "INSERT INTO finops.row_scopes (relation, predicate, rule) VALUES (%s, %s, %s)",
        (
            "insights",
            "(SELECT finops.scope_all()) OR finops.scope_covers(scope)",
            "its own scope (scope_kind, scope)",
        ),
    )


def downgrade() -> None:
    op.execute("DELETE FROM finops.row_scopes WHERE relation = 'insights'")
    op.execute("DROP TABLE finops.insights")
