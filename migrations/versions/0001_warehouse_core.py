"""Warehouse core: finops schema, month-partitioned FOCUS 1.2 cost facts, costs view, audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# FOCUS 1.2 columns in snake_case, in specification order (x_* columns are the platform's own).
# Money is numeric with 10 decimal places: CUR and FOCUS exports carry up to 10.
COST_COLUMNS = """
    availability_zone                      text,
    billed_cost                            numeric(38, 10) NOT NULL,
    billing_account_id                     text NOT NULL,
    billing_account_name                   text,
    billing_account_type                   text,
    billing_currency                       text NOT NULL,
    billing_period_end                     timestamptz NOT NULL,
    billing_period_start                   timestamptz NOT NULL,
    capacity_reservation_id                text,
    capacity_reservation_status            text,
    charge_category                        text NOT NULL,
    charge_class                           text,
    charge_description                     text,
    charge_frequency                       text,
    charge_period_end                      timestamptz NOT NULL,
    charge_period_start                    timestamptz NOT NULL,
    commitment_discount_category           text,
    commitment_discount_id                 text,
    commitment_discount_name               text,
    commitment_discount_quantity           numeric(38, 10),
    commitment_discount_status             text,
    commitment_discount_type               text,
    commitment_discount_unit               text,
    consumed_quantity                      numeric(38, 10),
    consumed_unit                          text,
    contracted_cost                        numeric(38, 10) NOT NULL,
    contracted_unit_price                  numeric(38, 10),
    effective_cost                         numeric(38, 10) NOT NULL,
    invoice_id                             text,
    invoice_issuer_name                    text NOT NULL,
    list_cost                              numeric(38, 10) NOT NULL,
    list_unit_price                        numeric(38, 10),
    pricing_category                       text,
    pricing_currency                       text,
    pricing_currency_contracted_unit_price numeric(38, 10),
    pricing_currency_effective_cost        numeric(38, 10),
    pricing_currency_list_unit_price       numeric(38, 10),
    pricing_quantity                       numeric(38, 10),
    pricing_unit                           text,
    provider_name                          text NOT NULL,
    publisher_name                         text NOT NULL,
    region_id                              text,
    region_name                            text,
    resource_id                            text,
    resource_name                          text,
    resource_type                          text,
    service_category                       text,
    service_name                           text,
    service_subcategory                    text,
    sku_id                                 text,
    sku_meter                              text,
    sku_price_details                      jsonb,
    sku_price_id                           text,
    sub_account_id                         text,
    sub_account_name                       text,
    sub_account_type                       text,
    tags                                   jsonb NOT NULL DEFAULT '{}'::jsonb,
    x_line_item_type                       text,
    x_usage_type                           text,
    x_operation                            text,
    x_source_id                            text NOT NULL,
    x_source_format                        text NOT NULL,
    x_raw_line_items                       bigint NOT NULL DEFAULT 1
"""

FOCUS_VIEW_COLUMNS = [line.split()[0] for line in COST_COLUMNS.strip().splitlines() if line.strip()]


def upgrade() -> None:
    op.execute("CREATE SCHEMA IF NOT EXISTS finops")
    op.execute(
        """
        DO $$ BEGIN
          EXECUTE format('ALTER DATABASE %I SET search_path = finops, public', current_database());
        END $$
        """
    )
    op.execute(
        f"""
        CREATE TABLE finops.cost_line_items ({COST_COLUMNS})
        PARTITION BY RANGE (charge_period_start)
        """
    )
    op.execute(
        "COMMENT ON TABLE finops.cost_line_items IS "
        "'FOCUS 1.2 cost facts, one month partition per charge month; read through finops.costs'"
    )
    op.execute(
        "CREATE INDEX cost_line_items_slice ON finops.cost_line_items "
        "(x_source_id, billing_period_start)"
    )
    op.execute(
        "CREATE INDEX cost_line_items_account_day ON finops.cost_line_items "
        "(sub_account_id, charge_period_start)"
    )
    op.execute(
        """
        CREATE FUNCTION finops.ensure_cost_partition(month_start date) RETURNS text
        LANGUAGE plpgsql AS $$
        DECLARE
          part text := format('cost_line_items_%s', to_char(month_start, 'YYYY_MM'));
        BEGIN
          IF month_start <> date_trunc('month', month_start)::date THEN
            RAISE EXCEPTION 'ensure_cost_partition: % is not the first day of a month', month_start;
          END IF;
          IF to_regclass('finops.' || part) IS NULL THEN
            PERFORM pg_advisory_xact_lock(hashtext('finops.partition.' || part));
            IF to_regclass('finops.' || part) IS NULL THEN
              EXECUTE format(
                'CREATE TABLE finops.%I PARTITION OF finops.cost_line_items '
                'FOR VALUES FROM (%L) TO (%L)',
                part, month_start::timestamptz, (month_start + interval '1 month')::timestamptz);
            END IF;
          END IF;
          RETURN part;
        END $$
        """
    )
    columns = ",\n  ".join(c for c in FOCUS_VIEW_COLUMNS if c not in {"x_source_format"})
    op.execute(f"CREATE VIEW finops.costs AS SELECT\n  {columns}\nFROM finops.cost_line_items")
    op.execute(
        "COMMENT ON VIEW finops.costs IS "
        "'Public contract: FOCUS 1.2 cost rows (snake_case); money columns in billing_currency'"
    )

    op.execute(
        """
        CREATE TABLE finops.audit_log (
          id          bigserial PRIMARY KEY,
          occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
          actor       text NOT NULL,
          action      text NOT NULL,
          subject     text NOT NULL,
          run_id      text,
          details     jsonb NOT NULL DEFAULT '{}'::jsonb
        )
        """
    )
    op.execute(
        """
        CREATE FUNCTION finops.audit_log_is_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'finops.audit_log is append-only: % is not allowed', TG_OP;
        END $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER audit_log_append_only
        BEFORE UPDATE OR DELETE ON finops.audit_log
        FOR EACH ROW EXECUTE FUNCTION finops.audit_log_is_append_only()
        """
    )
    op.execute(
        """
        CREATE TRIGGER audit_log_no_truncate
        BEFORE TRUNCATE ON finops.audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION finops.audit_log_is_append_only()
        """
    )

    op.execute(
        """
        CREATE TABLE finops.ingest_log (
          id                bigserial PRIMARY KEY,
          run_id            text NOT NULL,
          source_id         text NOT NULL,
          source_format     text NOT NULL,
          billing_period    date NOT NULL,
          status            text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed',
                                                            'skipped')),
          files             jsonb NOT NULL DEFAULT '[]'::jsonb,
          raw_line_items    bigint,
          rows_loaded       bigint,
          billing_currency  text,
          billed_cost       numeric(38, 10),
          effective_cost    numeric(38, 10),
          list_cost         numeric(38, 10),
          started_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
          finished_at       timestamptz,
          error             text
        )
        """
    )
    op.execute(
        "CREATE INDEX ingest_log_slice ON finops.ingest_log (source_id, billing_period, id DESC)"
    )


def downgrade() -> None:
    op.execute("DROP SCHEMA finops CASCADE")
