"""The assistant (issue 20): every question asked, its plan, the SQL it ran and how it went.

``assistant_queries`` holds one row per question (CLI, API or MCP): the asker, the question,
the plan (the parser's intent and slots, or the LLM's SQL), the statements run, the row count,
the duration, the provider (``offline`` or the LLM's), whether it was refused and why.

Row-level security: always visible (like the audit trail: it holds no cost row, only what was
asked; the routes decide who reads it).

Revision ID: 0019
Revises: 0017
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = """
CREATE TABLE finops.assistant_queries (
  id           bigserial PRIMARY KEY,
  asked_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  asker        text NOT NULL,
  question     text NOT NULL,
  provider     text NOT NULL,
  plan         jsonb,
  statements   jsonb NOT NULL DEFAULT '[]'::jsonb,
  row_count    integer NOT NULL DEFAULT 0,
  duration_ms  numeric(12, 2) NOT NULL,
  refused      boolean NOT NULL,
  outcome      text NOT NULL
);
CREATE INDEX assistant_queries_asked_at ON finops.assistant_queries (asked_at);
COMMENT ON TABLE finops.assistant_queries IS
  'Every question put to the assistant: asker, question, plan, SQL run, rows, duration, provider';
"""


def upgrade() -> None:
    op.execute(TABLES)
    op.get_bind().exec_driver_sql(
        "INSERT INTO finops.row_scopes (relation, predicate, rule) VALUES (%s, %s, %s)",
        ("assistant_queries", "true", "always: what was asked, no cost row"),
    )


def downgrade() -> None:
    op.execute("DELETE FROM finops.row_scopes WHERE relation = 'assistant_queries'")
    op.execute("DROP TABLE finops.assistant_queries")
