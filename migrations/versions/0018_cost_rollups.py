"""Cost rollups the billing load keeps equal to ``costs`` (issue 18): ``rollup_cost_daily``
(UTC charge day), ``rollup_cost_monthly`` (charge month) by billing period, billing account,
sub-account (id and name), service (name and category), region, charge category, usage type
and billing currency, with billed, effective, list and contracted cost, consumed quantity and
the number of ``costs`` rows; and ``rollup_cost_tag_daily``, the same per day for every tag
(key as the bill spells it, non-empty value) a cost row carries.

The billing load rewrites the rollup rows of the billing periods it replaces or removes in the
same transaction (``finops.warehouse.rollups``). Existing cost rows are rolled up here.

Row-level security: by account (``sub_account_id``), like ``cost_rollup_daily``; a scope that
restricts tag values sees none of their rows (the dashboard then reads ``costs``).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DIMENSIONS = (
    "billing_account_id",
    "sub_account_id",
    "sub_account_name",
    "service_name",
    "service_category",
    "region_id",
    "charge_category",
    "x_usage_type",
)
COLUMNS = f"""
  billing_period_start date NOT NULL,
  {", ".join(f"{d} text" for d in DIMENSIONS)},
  billing_currency     text NOT NULL,
  billed_cost          numeric(38, 10) NOT NULL,
  effective_cost       numeric(38, 10) NOT NULL,
  list_cost            numeric(38, 10) NOT NULL,
  contracted_cost      numeric(38, 10) NOT NULL,
  consumed_quantity    numeric(38, 10) NOT NULL,
  row_count            bigint NOT NULL CHECK (row_count > 0)
"""
TABLES = f"""
CREATE TABLE finops.rollup_cost_daily (day date NOT NULL, {COLUMNS});
CREATE INDEX rollup_cost_daily_day ON finops.rollup_cost_daily (day);
CREATE INDEX rollup_cost_daily_period ON finops.rollup_cost_daily (billing_period_start);
CREATE INDEX rollup_cost_daily_account_day ON finops.rollup_cost_daily (sub_account_id, day);
COMMENT ON TABLE finops.rollup_cost_daily IS
  'Cost by UTC charge day and dimension; rewritten by the billing load with its slices';

CREATE TABLE finops.rollup_cost_monthly (month date NOT NULL, {COLUMNS});
CREATE INDEX rollup_cost_monthly_month ON finops.rollup_cost_monthly (month);
CREATE INDEX rollup_cost_monthly_period ON finops.rollup_cost_monthly (billing_period_start);
COMMENT ON TABLE finops.rollup_cost_monthly IS
  'Cost by charge month and dimension; rewritten by the billing load with its slices';

CREATE TABLE finops.rollup_cost_tag_daily (
  day date NOT NULL, tag_key text NOT NULL, tag_value text NOT NULL, {COLUMNS});
CREATE INDEX rollup_cost_tag_daily_key_day ON finops.rollup_cost_tag_daily (tag_key, day);
CREATE INDEX rollup_cost_tag_daily_period ON finops.rollup_cost_tag_daily (billing_period_start);
COMMENT ON TABLE finops.rollup_cost_tag_daily IS
  'Cost by UTC charge day, dimension and tag (key, non-empty value); rewritten by the billing '
  'load with its slices';
"""

_DIMS = ", ".join(f"nullif(c.{d}, '')" for d in DIMENSIONS)
_SUMS = (
    "sum(c.billed_cost), sum(c.effective_cost), sum(c.list_cost), sum(c.contracted_cost), "
    "coalesce(sum(c.consumed_quantity), 0), count(*)"
)
_TARGET = (
    f"billing_period_start, {', '.join(DIMENSIONS)}, billing_currency, billed_cost, "
    "effective_cost, list_cost, contracted_cost, consumed_quantity, row_count"
)
BACKFILL = f"""
INSERT INTO finops.rollup_cost_daily (day, {_TARGET})
SELECT (c.charge_period_start AT TIME ZONE 'UTC')::date,
       (c.billing_period_start AT TIME ZONE 'UTC')::date, {_DIMS}, c.billing_currency, {_SUMS}
FROM finops.costs c GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11;
INSERT INTO finops.rollup_cost_monthly (month, {_TARGET})
SELECT date_trunc('month', day)::date, billing_period_start, {", ".join(DIMENSIONS)},
       billing_currency, sum(billed_cost), sum(effective_cost), sum(list_cost),
       sum(contracted_cost), sum(consumed_quantity), sum(row_count)
FROM finops.rollup_cost_daily GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11;
INSERT INTO finops.rollup_cost_tag_daily (day, tag_key, tag_value, {_TARGET})
SELECT (c.charge_period_start AT TIME ZONE 'UTC')::date, t.key, t.value,
       (c.billing_period_start AT TIME ZONE 'UTC')::date, {_DIMS}, c.billing_currency, {_SUMS}
FROM finops.costs c
CROSS JOIN LATERAL jsonb_each_text(CASE jsonb_typeof(c.tags) WHEN 'object' THEN c.tags
                                   ELSE '{{}}'::jsonb END) t
WHERE t.value <> '' GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13;
"""

_ACCOUNT_ONLY = (
    "(SELECT finops.scope_all()) OR ((SELECT finops.scope_any_tag()) AND "
    "((SELECT finops.scope_any_account()) OR sub_account_id = ANY "
    "((SELECT finops.scope_accounts())::text[])))"
)
RELATIONS = ("rollup_cost_daily", "rollup_cost_monthly", "rollup_cost_tag_daily")


def upgrade() -> None:
    op.execute(TABLES)
    op.execute("SET LOCAL timezone = 'UTC'")
    op.execute(BACKFILL)
    for relation in RELATIONS:
        op.get_bind().exec_driver_sql(
            "INSERT INTO finops.row_scopes (relation, predicate, rule) VALUES (%s, %s, %s)",
            (relation, _ACCOUNT_ONLY, "account; no tags"),
        )


def downgrade() -> None:
    op.execute(
        "DELETE FROM finops.row_scopes WHERE relation IN "
        "('rollup_cost_daily', 'rollup_cost_monthly', 'rollup_cost_tag_daily')"
    )
    for relation in reversed(RELATIONS):
        op.execute(f"DROP TABLE finops.{relation}")
