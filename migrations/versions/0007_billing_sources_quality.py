"""Billing data you can trust: source identities, data-quality reports, full-precision money,
spec violations kept as they are, FOCUS 1.3 columns and provider extension columns.

- ``billing_sources``: one row per source (its name is ``x_source_id`` in the cost facts) with
  the identity derived from what the export is (``natural_key``); sources loaded before this
  revision are registered by name and adopt their identity at their next load.
- ``ingest_quality``: the data-quality findings of each load (rule, column, line items, a few
  example rows), and the view ``data_quality`` with the latest report per slice.
- Money in the cost facts and the ingest log becomes unconstrained ``numeric``: exports carry
  up to 15 decimal places (FOCUS) or a double's 17 significant digits (CUR parquet).
- The FOCUS columns a real export may leave empty in violation of the specification lose their
  NOT NULL: the value is kept as it is and reported; only what a load cannot be placed or
  reconciled without (billing period, charge period, currency) stays required.
- FOCUS 1.3 columns (allocation, contract applied, service/host provider) and ``x_extensions``
  (every other column of the source file, as JSON) are added to the facts and the view.
- ``ingest_log.billing_period`` may be NULL (a unit whose files failed before its periods were
  known) and ``ingest_log.unit_key`` records which files a log row is about.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONEY_COLUMNS = (
    "billed_cost",
    "commitment_discount_quantity",
    "consumed_quantity",
    "contracted_cost",
    "contracted_unit_price",
    "effective_cost",
    "list_cost",
    "list_unit_price",
    "pricing_currency_contracted_unit_price",
    "pricing_currency_effective_cost",
    "pricing_currency_list_unit_price",
    "pricing_quantity",
)
# NOT NULL kept only where a row cannot be placed (partitions, slices) or reconciled
RELAXED = (
    "billed_cost",
    "billing_account_id",
    "billing_period_end",
    "charge_category",
    "charge_period_end",
    "contracted_cost",
    "effective_cost",
    "invoice_issuer_name",
    "list_cost",
    "provider_name",
    "publisher_name",
)
NEW_COLUMNS = (
    ("allocated_method_details", "jsonb"),
    ("allocated_method_id", "text"),
    ("allocated_resource_id", "text"),
    ("allocated_resource_name", "text"),
    ("allocated_tags", "jsonb"),
    ("contract_applied", "jsonb"),
    ("host_provider_name", "text"),
    ("service_provider_name", "text"),
    ("x_extensions", "jsonb"),
)
LOG_MONEY = ("billed_cost", "effective_cost", "list_cost")


def _costs_view_columns() -> list[str]:
    rows = op.get_bind().exec_driver_sql(
        "SELECT attname FROM pg_attribute WHERE attrelid = 'finops.cost_line_items'::regclass "
        "AND attnum > 0 AND NOT attisdropped ORDER BY attnum"
    )
    return [str(r[0]) for r in rows if str(r[0]) != "x_source_format"]


def _create_costs_view() -> None:
    columns = ",\n  ".join(_costs_view_columns())
    op.execute(f"CREATE VIEW finops.costs AS SELECT\n  {columns}\nFROM finops.cost_line_items")
    op.execute(
        "COMMENT ON VIEW finops.costs IS "
        "'Public contract: FOCUS 1.2 cost rows (snake_case, FOCUS 1.3 columns added); money "
        "columns in billing_currency at the source''s precision'"
    )


def upgrade() -> None:
    op.execute("DROP VIEW finops.costs")
    for column in MONEY_COLUMNS:
        op.execute(f"ALTER TABLE finops.cost_line_items ALTER COLUMN {column} TYPE numeric")
    for column in RELAXED:
        op.execute(f"ALTER TABLE finops.cost_line_items ALTER COLUMN {column} DROP NOT NULL")
    for column, kind in NEW_COLUMNS:
        op.execute(f"ALTER TABLE finops.cost_line_items ADD COLUMN {column} {kind}")
    _create_costs_view()

    for column in LOG_MONEY:
        op.execute(f"ALTER TABLE finops.ingest_log ALTER COLUMN {column} TYPE numeric")
    op.execute("ALTER TABLE finops.ingest_log ALTER COLUMN billing_period DROP NOT NULL")
    op.execute("ALTER TABLE finops.ingest_log ADD COLUMN unit_key text")
    op.execute("CREATE INDEX ingest_log_unit ON finops.ingest_log (unit_key, id DESC)")

    op.execute(
        """
        CREATE TABLE finops.billing_sources (
          source_id           text PRIMARY KEY,
          source_format       text NOT NULL,
          natural_key         text UNIQUE,
          provider_names      text[] NOT NULL DEFAULT '{}',
          billing_account_ids text[] NOT NULL DEFAULT '{}',
          export_name         text,
          location            text,
          created_at          timestamptz NOT NULL DEFAULT clock_timestamp(),
          last_loaded_at      timestamptz
        )
        """
    )
    op.execute(
        "COMMENT ON TABLE finops.billing_sources IS 'One row per billing source: its name "
        "(x_source_id of the cost facts) and the identity derived from the export itself'"
    )
    op.execute(
        """
        INSERT INTO finops.billing_sources (source_id, source_format, last_loaded_at)
        SELECT source_id, min(source_format), max(finished_at) FROM finops.ingest_log
        WHERE status = 'succeeded' GROUP BY source_id
        ON CONFLICT DO NOTHING
        """
    )
    op.execute(
        """
        CREATE TABLE finops.ingest_quality (
          id             bigserial PRIMARY KEY,
          ingest_log_id  bigint NOT NULL REFERENCES finops.ingest_log (id) ON DELETE CASCADE,
          source_id      text NOT NULL,
          billing_period date NOT NULL,
          rule_id        text NOT NULL,
          column_name    text NOT NULL,
          severity       text NOT NULL CHECK (severity IN ('error', 'warning')),
          line_items     bigint NOT NULL,
          message        text NOT NULL,
          examples       jsonb NOT NULL DEFAULT '[]'::jsonb
        )
        """
    )
    op.execute("CREATE INDEX ingest_quality_log ON finops.ingest_quality (ingest_log_id)")
    op.execute(
        """
        CREATE VIEW finops.data_quality AS
        SELECT q.source_id, q.billing_period, q.rule_id, q.column_name, q.severity,
               q.line_items, q.message, q.examples, l.run_id, l.finished_at AS loaded_at
        FROM finops.ingest_quality q
        JOIN finops.ingest_log l ON l.id = q.ingest_log_id
        WHERE l.id = (SELECT max(l2.id) FROM finops.ingest_log l2
                      WHERE l2.source_id = l.source_id AND l2.billing_period = l.billing_period
                        AND l2.status = 'succeeded')
        """
    )
    op.execute(
        "COMMENT ON VIEW finops.data_quality IS 'The data-quality report of the loaded version "
        "of each (source, billing period) slice'"
    )


def downgrade() -> None:
    op.execute("DROP VIEW finops.data_quality")
    op.execute("DROP TABLE finops.ingest_quality")
    op.execute("DROP TABLE finops.billing_sources")
    op.execute("DROP INDEX finops.ingest_log_unit")
    op.execute("ALTER TABLE finops.ingest_log DROP COLUMN unit_key")
    op.execute("DELETE FROM finops.ingest_log WHERE billing_period IS NULL")
    op.execute("ALTER TABLE finops.ingest_log ALTER COLUMN billing_period SET NOT NULL")
    for column in LOG_MONEY:
        op.execute(f"ALTER TABLE finops.ingest_log ALTER COLUMN {column} TYPE numeric(38, 10)")
    op.execute("DROP VIEW finops.costs")
    for column, _ in NEW_COLUMNS:
        op.execute(f"ALTER TABLE finops.cost_line_items DROP COLUMN {column}")
    for column in MONEY_COLUMNS:
        op.execute(f"ALTER TABLE finops.cost_line_items ALTER COLUMN {column} TYPE numeric(38, 10)")
    _create_costs_view()
