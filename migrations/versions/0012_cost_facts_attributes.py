"""Narrow cost facts: the attributes of a cost row (account, service, resource, tags, prices, …)
are stored once per distinct set in ``cost_attributes``; ``cost_facts`` holds, per charge
period, only the attribute id, the charge period and the measures. ``finops.costs`` (the
public contract) joins them and keeps its columns, order and types.

A month of hourly CUR has about a million line-item hours but a few thousand distinct
attribute sets, so the load writes ~120 bytes per row instead of ~800 (issue 11's hourly
grain). Attribute rows belong to one slice (source, billing period), like the facts that
reference them. A load takes one value of the sequence ``cost_attribute_ids``, which counts
in blocks of 2^32, and numbers its attribute sets from it: no lock, no gaps inside a load.

Existing rows are moved: one attribute row per distinct attribute set of a slice.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID_BLOCK = 1 << 32  # attribute ids one load may use
FACT_COLUMNS = (
    "charge_period_start",
    "charge_period_end",
    "billed_cost",
    "commitment_discount_quantity",
    "consumed_quantity",
    "contracted_cost",
    "effective_cost",
    "list_cost",
    "pricing_currency_effective_cost",
    "pricing_quantity",
    "x_raw_line_items",
)


def _partition_function(table: str) -> str:
    return f"""
        CREATE OR REPLACE FUNCTION finops.ensure_cost_partition(month_start date) RETURNS text
        LANGUAGE plpgsql AS $$
        DECLARE
          part text := format('{table}_%s', to_char(month_start, 'YYYY_MM'));
        BEGIN
          IF month_start <> date_trunc('month', month_start)::date THEN
            RAISE EXCEPTION 'ensure_cost_partition: % is not the first day of a month', month_start;
          END IF;
          IF to_regclass('finops.' || part) IS NULL THEN
            PERFORM pg_advisory_xact_lock(hashtext('finops.partition.' || part));
            IF to_regclass('finops.' || part) IS NULL THEN
              EXECUTE format(
                'CREATE TABLE finops.%I PARTITION OF finops.{table} '
                'FOR VALUES FROM (%L) TO (%L)',
                part, month_start::timestamptz, (month_start + interval '1 month')::timestamptz);
            END IF;
          END IF;
          RETURN part;
        END $$
        """


Column = tuple[str, str, bool, str | None]  # name, type, NOT NULL, default


def _columns(relation: str) -> list[Column]:
    rows = op.get_bind().exec_driver_sql(
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
        "pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a "
        "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
        f"WHERE a.attrelid = '{relation}'::regclass AND a.attnum > 0 AND NOT a.attisdropped "
        "ORDER BY a.attnum"
    )
    return [(str(r[0]), str(r[1]), bool(r[2]), None if r[3] is None else str(r[3])) for r in rows]


def _definition(columns: list[Column]) -> str:
    return ",\n  ".join(
        f"{n} {t}{' NOT NULL' if nn else ''}{f' DEFAULT {d}' if d else ''}"
        for n, t, nn, d in columns
    )


def _create_view(view_columns: list[str], fact_names: set[str]) -> None:
    select = ",\n  ".join(f"{'f' if c in fact_names else 'a'}.{c}" for c in view_columns)
    op.execute(
        f"CREATE VIEW finops.costs AS SELECT\n  {select}\n"
        "FROM finops.cost_facts f JOIN finops.cost_attributes a "
        "ON a.attribute_id = f.attribute_id"
    )
    op.execute(
        "COMMENT ON VIEW finops.costs IS "
        "'Public contract: FOCUS 1.2 cost rows (snake_case, FOCUS 1.3 columns added); money "
        "columns in billing_currency at the source''s precision'"
    )


def _create_partitions(source: str) -> None:
    op.execute(
        "SELECT finops.ensure_cost_partition(m) FROM (SELECT DISTINCT "
        f"date_trunc('month', charge_period_start)::date AS m FROM {source}) months"
    )


def upgrade() -> None:
    op.execute("SET LOCAL timezone = 'UTC'")
    view_columns = [c[0] for c in _columns("finops.costs")]
    wide = _columns("finops.cost_line_items")
    facts = [c for c in wide if c[0] in FACT_COLUMNS]
    attrs = [c for c in wide if c[0] not in FACT_COLUMNS]
    attr_names = ", ".join(c[0] for c in attrs)
    op.execute("DROP VIEW finops.costs")
    op.execute("ALTER TABLE finops.cost_line_items RENAME TO cost_line_items_wide")

    op.execute(
        f"CREATE SEQUENCE finops.cost_attribute_ids INCREMENT BY {ID_BLOCK} START {ID_BLOCK}"
    )
    op.execute(
        f"CREATE TABLE finops.cost_attributes (\n  attribute_id bigint PRIMARY KEY,\n  "
        f"{_definition(attrs)}\n)"
    )
    op.execute(
        "COMMENT ON TABLE finops.cost_attributes IS 'Distinct attribute sets of the cost rows of "
        "a slice (source, billing period); read through finops.costs'"
    )
    op.execute(
        "CREATE INDEX cost_attributes_slice ON finops.cost_attributes "
        "(x_source_id, billing_period_start)"
    )
    op.execute(
        f"CREATE TABLE finops.cost_facts (\n  attribute_id bigint NOT NULL,\n  "
        f"{_definition(facts)}\n) PARTITION BY RANGE (charge_period_start)"
    )
    op.execute(
        "COMMENT ON TABLE finops.cost_facts IS 'Cost measures per attribute set and charge "
        "period, one month partition per charge month; read through finops.costs'"
    )
    # a load's facts are appended together with ids from its own block: a BRIN index finds a
    # slice's pages for its delete at almost no cost to the COPY (a B-tree costs a third more)
    op.execute("CREATE INDEX cost_facts_attribute ON finops.cost_facts USING brin (attribute_id)")
    op.execute(_partition_function("cost_facts"))

    # move the rows: one attribute row per distinct attribute set (md5 of its text form)
    op.execute(
        f"""
        CREATE TEMP TABLE moving_attributes ON COMMIT DROP AS
        SELECT row_number() OVER (ORDER BY k) AS attribute_id, s.*
        FROM (SELECT DISTINCT ON (k) md5(ROW({attr_names})::text) AS k, {attr_names}
              FROM finops.cost_line_items_wide ORDER BY k) s
        """
    )
    op.execute(
        f"INSERT INTO finops.cost_attributes (attribute_id, {attr_names}) "
        f"SELECT attribute_id, {attr_names} FROM moving_attributes"
    )
    op.execute(
        "SELECT setval('finops.cost_attribute_ids', "
        f"(SELECT count(*) / {ID_BLOCK} + 1 FROM moving_attributes) * {ID_BLOCK}, false)"
    )
    _create_partitions("finops.cost_line_items_wide")
    fact_names = ", ".join(c[0] for c in facts)
    op.execute(
        f"""
        INSERT INTO finops.cost_facts (attribute_id, {fact_names})
        SELECT m.attribute_id, {", ".join(f"w.{c[0]}" for c in facts)}
        FROM finops.cost_line_items_wide w
        JOIN moving_attributes m ON m.k = md5(ROW({", ".join(f"w.{c[0]}" for c in attrs)})::text)
        """
    )
    op.execute("DROP TABLE finops.cost_line_items_wide CASCADE")
    _create_view(view_columns, {c[0] for c in facts})


def downgrade() -> None:
    op.execute("SET LOCAL timezone = 'UTC'")
    view_columns = [c[0] for c in _columns("finops.costs")]
    facts = _columns("finops.cost_facts")[1:]
    attrs = _columns("finops.cost_attributes")[1:]
    op.execute("DROP VIEW finops.costs")
    op.execute(
        f"CREATE TABLE finops.cost_line_items (\n  {_definition(attrs + facts)}\n) "
        "PARTITION BY RANGE (charge_period_start)"
    )
    op.execute(
        "CREATE INDEX cost_line_items_slice ON finops.cost_line_items "
        "(x_source_id, billing_period_start)"
    )
    op.execute(
        "CREATE INDEX cost_line_items_account_day ON finops.cost_line_items "
        "(sub_account_id, charge_period_start)"
    )
    op.execute(_partition_function("cost_line_items"))
    _create_partitions("finops.cost_facts")
    names = [c[0] for c in attrs + facts]
    fact_names = {c[0] for c in facts}
    op.execute(
        f"INSERT INTO finops.cost_line_items ({', '.join(names)}) SELECT "
        + ", ".join(f"{'f' if n in fact_names else 'a'}.{n}" for n in names)
        + " FROM finops.cost_facts f JOIN finops.cost_attributes a "
        "ON a.attribute_id = f.attribute_id"
    )
    op.execute("DROP TABLE finops.cost_facts CASCADE")
    op.execute("DROP TABLE finops.cost_attributes")
    op.execute("DROP SEQUENCE finops.cost_attribute_ids")
    op.execute(
        "CREATE VIEW finops.costs AS SELECT "
        + ", ".join(view_columns)
        + " FROM finops.cost_line_items"
    )
