"""Row-level security: the functions that read a transaction's team scope and the registry of
which rows of each table a scope sees (docs/security.md, "Team scoping").

A request sets its scope with ``SET LOCAL finops.scope = '<json>'``
(``finops.warehouse.scope.apply_scope``): ``{"accounts": null | [id, ...], "tags": {key:
[value, ...]}}``. The functions below read it; no setting (or an empty one) is no scope, which
sees no rows. They are plain SQL, STABLE, so the planner inlines them; the predicates wrap the
per-query parts in scalar subqueries, which PostgreSQL evaluates once per query (an InitPlan),
so an unrestricted scope costs one boolean per row.

``finops.row_scopes`` holds, per table of schema ``finops``, the predicate that decides whether
a restricted scope sees a row. ``finops/db/grants.sql`` (run after every migration, when the
role names are known) enables row-level security on every table of the schema and (re)creates
its policies from this registry; a table missing from it is visible to unrestricted scopes only.
A later migration registers its tables with one INSERT.

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FUNCTIONS = """
CREATE FUNCTION finops.tag_key(key text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT regexp_replace(regexp_replace(lower(btrim(key)), '^(user|aws)[:_]', ''), '[\\s_]+', '-',
                        'g')
$$;
COMMENT ON FUNCTION finops.tag_key(text) IS
  'A tag key as scopes compare it: user:cost_center, Cost Center -> cost-center';

CREATE FUNCTION finops.scope_setting() RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT NULLIF(current_setting('finops.scope', true), '')::jsonb
$$;
COMMENT ON FUNCTION finops.scope_setting() IS
  'The scope of this transaction (SET LOCAL finops.scope), NULL when none is set';

CREATE FUNCTION finops.scope_all() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce(finops.scope_setting() -> 'accounts' = 'null'::jsonb
                  AND finops.scope_setting() -> 'tags' = '{}'::jsonb, false)
$$;
COMMENT ON FUNCTION finops.scope_all() IS 'True when the scope is set and unrestricted';

CREATE FUNCTION finops.scope_exempt() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce((SELECT r.rolsuper OR r.rolbypassrls FROM pg_catalog.pg_roles r
                   WHERE r.rolname = current_user), false)
      OR pg_has_role(current_user, (SELECT n.nspowner FROM pg_catalog.pg_namespace n
                                    WHERE n.nspname = 'finops'), 'USAGE')
$$;
COMMENT ON FUNCTION finops.scope_exempt() IS
  'True for the roles row-level security does not limit on the tables (superusers, BYPASSRLS '
  'roles such as the application role, the schema owner): they see every row through the views too';

CREATE FUNCTION finops.scope_any_account() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce(finops.scope_setting() -> 'accounts' = 'null'::jsonb, false)
$$;

CREATE FUNCTION finops.scope_accounts() RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT CASE jsonb_typeof(finops.scope_setting() -> 'accounts')
    WHEN 'array' THEN ARRAY(SELECT jsonb_array_elements_text(finops.scope_setting() -> 'accounts'))
  END
$$;
COMMENT ON FUNCTION finops.scope_accounts() IS
  'The accounts a restricted scope sees; NULL when it sees any (or no scope is set)';

CREATE FUNCTION finops.scope_any_tag() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce(finops.scope_setting() -> 'tags' = '{}'::jsonb, false)
$$;
COMMENT ON FUNCTION finops.scope_any_tag() IS 'True when the scope is set and restricts no tag';

CREATE FUNCTION finops.scope_tags_ok(tags jsonb) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT finops.scope_setting() IS NOT NULL AND jsonb_typeof(tags) = 'object' AND NOT EXISTS (
    SELECT 1 FROM jsonb_each(finops.scope_setting() -> 'tags') allowed(key, vals)
    WHERE NOT EXISTS (
      SELECT 1 FROM jsonb_each_text(tags) tag(key, value)
      WHERE finops.tag_key(tag.key) = finops.tag_key(allowed.key) AND allowed.vals ? tag.value))
$$;
COMMENT ON FUNCTION finops.scope_tags_ok(jsonb) IS
  'True when, for every tag key the scope restricts, the row''s tags hold an allowed value';

CREATE FUNCTION finops.scope_covers(row_scope jsonb) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT finops.scope_setting() IS NOT NULL AND jsonb_typeof(row_scope) = 'object'
    AND (finops.scope_any_account()
         OR coalesce((finops.scope_setting() -> 'accounts') ? (row_scope ->> 'account'), false))
    AND NOT EXISTS (
      SELECT 1 FROM jsonb_each(finops.scope_setting() -> 'tags') allowed(key, vals)
      WHERE NOT EXISTS (
        SELECT 1 FROM jsonb_each_text(row_scope) dim(key, value)
        WHERE starts_with(dim.key, 'tag:')
          AND finops.tag_key(substr(dim.key, 5)) = finops.tag_key(allowed.key)
          AND allowed.vals ? dim.value))
$$;
COMMENT ON FUNCTION finops.scope_covers(jsonb) IS
  'For rows that describe a scope of their own ({"account": .., "service": .., "tag:team": ..}): '
  'true when that scope lies inside the transaction''s (its account among the allowed ones, '
  'and a value of every restricted tag key among the allowed ones)';
"""

ALL = "(SELECT finops.scope_all())"
ANY_TAG = "(SELECT finops.scope_any_tag())"


def _account(column: str) -> str:
    accounts = "(SELECT finops.scope_accounts())::text[]"
    return f"((SELECT finops.scope_any_account()) OR {column} = ANY ({accounts}))"


def account_and_tags(account: str, tags: str) -> str:
    """Rows of one account with their own tags."""
    return f"{ALL} OR ({_account(account)} AND ({ANY_TAG} OR finops.scope_tags_ok({tags})))"


def account_only(account: str) -> str:
    """Rows of one account without tags: a scope restricting a tag key does not see them."""
    return f"{ALL} OR ({ANY_TAG} AND {_account(account)})"


def account_and_resource(account: str, resource: str, resources: str) -> str:
    """Rows of one account about a resource: a tag restriction holds when the resource is one
    the scope sees in ``resources`` (a subquery, itself under row-level security)."""
    return f"{ALL} OR ({_account(account)} AND ({ANY_TAG} OR {resource} IN ({resources})))"


def own_scope(row_scope: str) -> str:
    """Rows that describe a scope of their own (an anomaly, forecast or budget of it)."""
    return f"{ALL} OR finops.scope_covers({row_scope})"


def parent(column: str, key: str, table: str) -> str:
    """Rows visible when their parent row in ``table`` is (its policy applies in the subquery)."""
    return f"{ALL} OR {column} IN (SELECT {key} FROM finops.{table})"


WHOLE_ESTATE = ALL
EVERYONE = "true"

_RESOURCE_KEYS = "SELECT account_id, resource_id FROM finops.inventory_resources"
REGISTRY: list[tuple[str, str, str]] = [
    # relation, predicate, the rule in words (docs/security.md lists the same)
    ("cost_attributes", account_and_tags("sub_account_id", "tags"), "account and tags"),
    (
        "cost_facts",
        parent("attribute_id", "attribute_id", "cost_attributes"),
        "its cost_attributes row",
    ),
    ("cost_rollup_daily", account_only("sub_account_id"), "account; no tags"),
    ("ingest_log", WHOLE_ESTATE, "whole source: unrestricted scopes only"),
    ("ingest_quality", WHOLE_ESTATE, "whole source: unrestricted scopes only"),
    ("billing_sources", WHOLE_ESTATE, "whole estate: unrestricted scopes only"),
    ("source_objects", WHOLE_ESTATE, "whole estate: unrestricted scopes only"),
    ("anomaly_incidents", own_scope("scope"), "its own scope (scope_kind, scope)"),
    ("forecast_runs", own_scope("scope"), "its own scope (scope_kind, scope)"),
    ("forecast_points", parent("forecast_run_id", "id", "forecast_runs"), "its forecast run"),
    ("budget_definitions", own_scope("scope"), "its own scope (scope_kind, scope)"),
    ("budget_evaluations", parent("budget_id", "id", "budget_definitions"), "its budget"),
    ("budget_alerts", parent("budget_id", "id", "budget_definitions"), "its budget"),
    ("notification_log", WHOLE_ESTATE, "delivery targets: unrestricted scopes only"),
    ("finding_runs", EVERYONE, "run metadata (job, date, count): every scope"),
    (
        "finding_observations",
        account_and_resource(
            "account_id", "resource_id", "SELECT resource_id FROM finops.inventory_resources"
        ),
        "account; tags of its resource in the inventory",
    ),
    ("commitment_utilization_daily", WHOLE_ESTATE, "payer-level: unrestricted scopes only"),
    ("commitment_coverage_daily", account_only("account_id"), "account; no tags"),
    ("savings_plan_recommendations", WHOLE_ESTATE, "whole estate: unrestricted scopes only"),
    (
        "chargeback_monthly",
        own_scope("jsonb_build_object('tag:cost-center', cost_center)"),
        "its cost center (tag cost-center); no account",
    ),
    ("coh_recommendation_rows", account_and_tags("account_id", "tags"), "account and tags"),
    ("carbon_emission_rows", account_only("usage_account_id"), "usage account; no tags"),
    ("audit_log", EVERYONE, "the audit trail: every scope (routes decide who reads it)"),
    ("job_runs", EVERYONE, "the job ledger: every scope (routes decide who reads it)"),
    # identity (0013): read before any scope is set (login, the principal's lookup)
    ("users", EVERYONE, "identity: every scope (admin routes decide who reads it)"),
    ("sessions", EVERYONE, "identity: every scope (read before the scope is known)"),
    ("api_tokens", EVERYONE, "identity: every scope (read before the scope is known)"),
    ("login_attempts", EVERYONE, "identity: every scope (read before the scope is known)"),
    ("inventory_resources", account_and_tags("account_id", "tags"), "account and tags"),
    (
        "resource_observations",
        account_and_resource("account_id", "(account_id, resource_id)", _RESOURCE_KEYS),
        "account; tags of the resource in the inventory (today's tags)",
    ),
    (
        "resource_configurations",
        f"{ALL} OR (({ANY_TAG} OR finops.scope_tags_ok(tags)) AND config_hash IN "
        "(SELECT config_hash FROM finops.resource_observations))",
        "its tags, and an observation the scope sees uses it",
    ),
    ("inventory_scans", account_only("account_id"), "account; no tags"),
    (
        "metric_series",
        account_and_resource(
            "account_id", "resource_id", "SELECT metric_resource_id FROM finops.resources"
        ),
        "account; tags of its resource in the inventory",
    ),
    ("metric_points", parent("series_id", "series_id", "metric_series"), "its series"),
    (
        "utilization_daily_stats",
        parent("series_id", "series_id", "metric_series"),
        "its series",
    ),
    ("usage_ingest_log", account_only("account_id"), "account; no tags"),
]


def upgrade() -> None:
    op.get_bind().exec_driver_sql(FUNCTIONS)
    op.execute(
        """
        CREATE TABLE finops.row_scopes (
          relation  text PRIMARY KEY,
          predicate text NOT NULL,
          rule      text NOT NULL
        )
        """
    )
    op.execute(
        "COMMENT ON TABLE finops.row_scopes IS 'Per table of schema finops: the row-level "
        "security predicate a restricted scope sees its rows by (grants.sql makes the policies)'"
    )
    for relation, predicate, rule in REGISTRY:
        op.get_bind().exec_driver_sql(
            "INSERT INTO finops.row_scopes (relation, predicate, rule) VALUES (%s, %s, %s)",
            (relation, predicate, rule),
        )


def downgrade() -> None:
    op.execute(
        """
        DO $$
        DECLARE t record;
        BEGIN
          FOR t IN SELECT p.tablename, p.policyname FROM pg_policies p
                   WHERE p.schemaname = 'finops' AND p.policyname LIKE 'finops\\_%' LOOP
            EXECUTE format('DROP POLICY %I ON finops.%I', t.policyname, t.tablename);
          END LOOP;
          FOR t IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE n.nspname = 'finops' AND c.relkind IN ('r', 'p') AND c.relrowsecurity LOOP
            EXECUTE format('ALTER TABLE finops.%I DISABLE ROW LEVEL SECURITY', t.relname);
          END LOOP;
        END $$
        """
    )
    op.execute("DROP TABLE finops.row_scopes")
    for signature in (
        "scope_covers(jsonb)",
        "scope_tags_ok(jsonb)",
        "scope_any_tag()",
        "scope_accounts()",
        "scope_any_account()",
        "scope_all()",
        "scope_exempt()",
        "scope_setting()",
        "tag_key(text)",
    ):
        op.execute(f"DROP FUNCTION finops.{signature}")
