"""The job-run ledger: one row per attempt of a scheduled analytics job (anomalies, forecasts,
budgets, rightsizing, waste, commitments, allocation, kpis) for an as-of day, with the
fingerprint of the inputs it read. A job whose inputs have not changed since its last
successful run for that day is skipped and recorded as skipped, with the reason.

Append-only bookkeeping (like ingest_log); the jobs' outputs stay in their own tables.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE finops.job_runs (
          id                 bigserial PRIMARY KEY,
          job                text NOT NULL,
          as_of              date NOT NULL,
          input_fingerprint  text NOT NULL,
          inputs             jsonb NOT NULL,
          parameters         jsonb NOT NULL,
          status             text NOT NULL CHECK (status IN ('succeeded', 'skipped', 'failed')),
          reason             text,
          run_id             text NOT NULL,
          started_at         timestamptz NOT NULL,
          finished_at        timestamptz NOT NULL DEFAULT clock_timestamp()
        )
        """
    )
    op.execute("CREATE INDEX job_runs_latest ON finops.job_runs (job, as_of, status, id DESC)")
    op.execute(
        "COMMENT ON TABLE finops.job_runs IS 'Every analytics job attempt per as-of day with the "
        "fingerprint of its inputs; skipped runs say why'"
    )


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS finops.job_runs")
