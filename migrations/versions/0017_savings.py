"""Savings tracker (issue 17): realized savings measured from the bills that arrive after a
change (docs/savings.md).

``savings_measurements`` holds one row per executed remediation (a proposal in status
succeeded, verified or rolled back: ``subject_kind`` ``action``) and per finding that
disappeared while open because its resource changed or vanished outside the platform
(``subject_kind`` ``external_fix``). Each row has the change day, the baseline window (full days
before) and the after window (full days after, once the bill has them), the window totals and
daily averages in the effective-cost and list-cost views with the usage amount beside them, the
realized monthly savings in both views, the estimate it is compared with, the method, the
confidence with its reasons and the status (awaiting_bills -> measured -> confirmed). The
savings job rewrites a row when the bill under its windows changes (a restated bill re-measures).

Row-level security: by account and the tags of its resource in the inventory, like proposals.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = """
CREATE TABLE finops.savings_measurements (
  id                         bigserial PRIMARY KEY,
  subject_key                text NOT NULL UNIQUE,
  subject_kind               text NOT NULL CHECK (subject_kind IN ('action', 'external_fix')),
  proposal_id                bigint REFERENCES finops.remediation_proposals,
  fingerprint                text NOT NULL,
  account_id                 text NOT NULL,
  region                     text,
  resource_id                text NOT NULL,
  measured_resources         text[] NOT NULL,
  service                    text,
  resource_tags              jsonb NOT NULL DEFAULT '{}'::jsonb,
  action                     text,
  finding_type               text NOT NULL,
  policy                     text,
  change_day                 date NOT NULL,
  changed_at                 timestamptz,
  currency                   text NOT NULL,
  baseline_start             date NOT NULL,
  baseline_end               date NOT NULL,
  after_start                date NOT NULL,
  after_end                  date,
  baseline_days              integer NOT NULL CHECK (baseline_days > 0),
  after_days                 integer NOT NULL DEFAULT 0 CHECK (after_days >= 0),
  baseline_effective_cost    numeric NOT NULL,
  baseline_list_cost         numeric NOT NULL,
  baseline_usage             numeric NOT NULL,
  baseline_daily_effective   numeric NOT NULL,
  baseline_daily_list        numeric NOT NULL,
  baseline_daily_usage       numeric NOT NULL,
  after_effective_cost       numeric,
  after_list_cost            numeric,
  after_usage                numeric,
  after_daily_effective      numeric,
  after_daily_list           numeric,
  after_daily_usage          numeric,
  days_in_month              integer CHECK (days_in_month BETWEEN 28 AND 31),
  realized_monthly_effective numeric,
  realized_monthly_list      numeric,
  estimated_monthly_savings  numeric NOT NULL,
  method                     text NOT NULL,
  confidence                 text CHECK (confidence IN ('high', 'medium', 'low')),
  reasons                    jsonb NOT NULL DEFAULT '[]'::jsonb,
  status                     text NOT NULL CHECK (status IN (
    'awaiting_bills', 'measured', 'confirmed')),
  bill_state                 text NOT NULL,
  daily                      jsonb NOT NULL DEFAULT '[]'::jsonb,
  first_measured_at          timestamptz,
  measured_at                timestamptz NOT NULL,
  measured_on                date NOT NULL,
  run_id                     text NOT NULL,
  CHECK (baseline_end < change_day AND change_day < after_start),
  CHECK ((status = 'awaiting_bills') = (realized_monthly_effective IS NULL)),
  CHECK ((status = 'awaiting_bills') = (confidence IS NULL)),
  CHECK ((subject_kind = 'action') = (proposal_id IS NOT NULL))
);
CREATE INDEX savings_measurements_change_day ON finops.savings_measurements (change_day);
CREATE INDEX savings_measurements_account ON finops.savings_measurements (account_id);
COMMENT ON TABLE finops.savings_measurements IS
  'Realized savings of each executed action and each finding fixed outside the platform, '
  'measured from the bill before and after the change, in effective-cost and list-cost views';
"""

_ACCOUNT_AND_RESOURCE = (
    "(SELECT finops.scope_all()) OR (((SELECT finops.scope_any_account()) OR account_id = ANY "
    "((SELECT finops.scope_accounts())::text[])) AND ((SELECT finops.scope_any_tag()) OR "
    "resource_id IN (SELECT resource_id FROM finops.inventory_resources)))"
)
REGISTRY = [
    (
        "savings_measurements",
        _ACCOUNT_AND_RESOURCE,
        "account; tags of its resource in the inventory",
    ),
]


def upgrade() -> None:
    op.execute(TABLES)
    for relation, predicate, rule in REGISTRY:
        op.get_bind().exec_driver_sql(
            "INSERT INTO finops.row_scopes (relation, predicate, rule) VALUES (%s, %s, %s)",
            (relation, predicate, rule),
        )


def downgrade() -> None:
    op.execute("DELETE FROM finops.row_scopes WHERE relation = 'savings_measurements'")
    op.execute("DROP TABLE finops.savings_measurements")
