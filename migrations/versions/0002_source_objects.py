"""Source object registry: every export object mirrored from S3 (key, ETag, size).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE finops.source_objects (
          bucket        text NOT NULL,
          key           text NOT NULL,
          etag          text NOT NULL,
          size_bytes    bigint NOT NULL,
          last_modified timestamptz NOT NULL,
          local_path    text NOT NULL,
          fetched_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
          PRIMARY KEY (bucket, key)
        )
        """
    )
    op.execute(
        "COMMENT ON TABLE finops.source_objects IS "
        "'Objects mirrored from S3 into the local cache; an unchanged ETag is never fetched again'"
    )


def downgrade() -> None:
    op.execute("DROP TABLE finops.source_objects")
