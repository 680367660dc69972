"""Anomaly detection moves from billed cost to usage cost (commitment-neutral, see
docs/analytics.md): open incidents found on billed cost are removed (the next run finds them
again on usage cost, or finds that they were Savings Plan coverage moving), and incidents with
a person's feedback are kept and relabelled, so acknowledgements and false positives still
apply to their scopes and days.

Data only; the downgrade relabels the kept incidents back (removed open ones stay removed, a
run on billed cost finds them again).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "DELETE FROM finops.anomaly_incidents WHERE cost_metric = 'billed_cost' AND status = 'open'"
    )
    op.execute(
        "UPDATE finops.anomaly_incidents SET cost_metric = 'usage_cost' "
        "WHERE cost_metric = 'billed_cost'"
    )


def downgrade() -> None:
    op.execute(
        "UPDATE finops.anomaly_incidents SET cost_metric = 'billed_cost' "
        "WHERE cost_metric = 'usage_cost' AND status <> 'open'"
    )
    op.execute(
        "DELETE FROM finops.anomaly_incidents WHERE cost_metric = 'usage_cost' AND status = 'open'"
    )
