"""Remediation under human control (issue 16): proposals, the one decision each may get, and
the log of the steps that carried a proposal out (docs/remediation.md, "Lifecycle").

``remediation_proposals`` holds one row per (finding, action) in flight: the exact account,
region, resource, action, parameters and the resource's observed state, bound by ``digest``
(``finops.remediation.digest``). Its status moves only along the lifecycle, which the
``BEFORE UPDATE`` trigger enforces whoever writes:

    proposed -> approved | rejected | expired | stale
    approved -> dry_run | expired | stale | failed
    dry_run  -> executing | expired | stale | failed
    executing -> succeeded | failed | stale
    succeeded -> verified | failed | rolled_back
    verified -> rolled_back

and the identity columns (what the digest binds) never change. Entering ``approved`` needs an
``approve`` decision for the proposal's digest; entering ``executing`` needs that decision
unexpired at the database's clock. At most one proposal per (finding, action) is in flight
(a partial unique index), so a re-run cannot propose, or execute, twice.

``remediation_decisions`` has at most one row per proposal (the first answer wins, whatever the
path: dashboard, API, CLI, Airflow or an ``auto`` policy); its trigger refuses a decision for
another digest, for a proposal no longer waiting, past the proposal's expiry, or by the
proposer when the proposal requires four eyes. ``remediation_steps`` is the execution log. The
decisions and steps are append-only (triggers, and privileges in grants.sql).

Row-level security: a proposal by its account (and its resource's tags); decisions and steps by
their proposal; 0015's `audit_chain_head` every scope, like `audit_log`.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IN_FLIGHT = "('proposed', 'approved', 'dry_run', 'executing')"

TABLES = f"""
CREATE TABLE finops.remediation_proposals (
  id                        bigserial PRIMARY KEY,
  fingerprint               text NOT NULL,
  finding_type              text NOT NULL,
  policy                    text NOT NULL,
  action                    text NOT NULL,
  account_id                text NOT NULL,
  region                    text NOT NULL,
  resource_id               text NOT NULL,
  resource_type             text,
  parameters                jsonb NOT NULL,
  observed_state            jsonb NOT NULL,
  digest                    text NOT NULL CHECK (digest ~ '^[0-9a-f]{{64}}$'),
  evidence                  jsonb NOT NULL,
  estimated_monthly_savings numeric(20,6) NOT NULL,
  currency                  text NOT NULL,
  risk                      text NOT NULL CHECK (risk IN ('low', 'medium', 'high')),
  reversible                boolean NOT NULL,
  approval_mode             text NOT NULL CHECK (approval_mode IN ('manual', 'auto')),
  four_eyes                 boolean NOT NULL,
  status                    text NOT NULL DEFAULT 'proposed' CHECK (status IN (
    'proposed', 'approved', 'rejected', 'expired', 'dry_run', 'executing', 'succeeded',
    'failed', 'verified', 'stale', 'rolled_back')),
  status_reason             text,
  proposed_by               text NOT NULL,
  proposed_at               timestamptz NOT NULL,
  expires_at                timestamptz NOT NULL,
  approval_expiry_hours     integer NOT NULL CHECK (approval_expiry_hours > 0),
  run_id                    text,
  updated_at                timestamptz NOT NULL,
  undo                      jsonb,
  CHECK (expires_at > proposed_at)
);
CREATE UNIQUE INDEX remediation_proposals_in_flight
  ON finops.remediation_proposals (fingerprint, action) WHERE status IN {IN_FLIGHT};
CREATE INDEX remediation_proposals_status ON finops.remediation_proposals (status, id);
COMMENT ON TABLE finops.remediation_proposals IS
  'One remediation per (finding, action): what it changes (bound by digest), the evidence, and '
  'its status along the lifecycle the trigger enforces';

CREATE TABLE finops.remediation_decisions (
  id          bigserial PRIMARY KEY,
  proposal_id bigint NOT NULL UNIQUE REFERENCES finops.remediation_proposals,
  decision    text NOT NULL CHECK (decision IN ('approve', 'reject')),
  digest      text NOT NULL,
  actor       text NOT NULL CHECK (actor <> ''),
  source      text NOT NULL CHECK (source IN ('dashboard', 'api', 'cli', 'airflow', 'policy')),
  reason      text NOT NULL CHECK (btrim(reason) <> ''),
  decided_at  timestamptz NOT NULL,
  expires_at  timestamptz,
  request_id  text,
  run_id      text,
  CHECK ((decision = 'approve') = (expires_at IS NOT NULL))
);
COMMENT ON TABLE finops.remediation_decisions IS
  'The one decision a proposal gets (first answer wins): who, from where, why, for which digest';

CREATE TABLE finops.remediation_steps (
  id          bigserial PRIMARY KEY,
  proposal_id bigint NOT NULL REFERENCES finops.remediation_proposals,
  step        text NOT NULL CHECK (step IN ('describe', 'dry_run', 'execute', 'verify',
                                            'rollback')),
  outcome     text NOT NULL CHECK (outcome IN ('ok', 'stale', 'refused', 'failed', 'expired')),
  actor       text NOT NULL,
  run_id      text,
  request_id  text,
  started_at  timestamptz NOT NULL,
  finished_at timestamptz NOT NULL,
  detail      jsonb NOT NULL
);
CREATE INDEX remediation_steps_proposal ON finops.remediation_steps (proposal_id, id);
COMMENT ON TABLE finops.remediation_steps IS
  'The execution log: each dry run, execution, verification and rollback of a proposal';
"""

TRIGGERS = """
CREATE FUNCTION finops.remediation_person(actor text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT regexp_replace(actor, '^(user:|cli:|airflow:|token:[^@]*@)', '')
$$;
COMMENT ON FUNCTION finops.remediation_person(text) IS
  'The person behind an actor (user:alice, token:ci@alice, cli:alice, airflow:alice -> alice)';

CREATE FUNCTION finops.remediation_transition_ok(old_status text, new_status text)
RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (old_status, new_status) IN (
    ('proposed', 'approved'), ('proposed', 'rejected'), ('proposed', 'expired'),
    ('proposed', 'stale'),
    ('approved', 'dry_run'), ('approved', 'expired'), ('approved', 'stale'),
    ('approved', 'failed'),
    ('dry_run', 'executing'), ('dry_run', 'expired'), ('dry_run', 'stale'),
    ('dry_run', 'failed'),
    ('executing', 'succeeded'), ('executing', 'failed'), ('executing', 'stale'),
    ('succeeded', 'verified'), ('succeeded', 'failed'), ('succeeded', 'rolled_back'),
    ('verified', 'rolled_back'))
$$;
COMMENT ON FUNCTION finops.remediation_transition_ok(text, text) IS
  'The remediation lifecycle: whether a proposal may move from one status to another';

CREATE FUNCTION finops.remediation_proposal_guard() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, finops, pg_temp AS $$
DECLARE
  d finops.remediation_decisions;
BEGIN
  IF (NEW.id, NEW.fingerprint, NEW.finding_type, NEW.policy, NEW.action, NEW.account_id,
      NEW.region, NEW.resource_id, NEW.parameters, NEW.observed_state, NEW.digest,
      NEW.proposed_by, NEW.proposed_at, NEW.four_eyes, NEW.approval_mode)
     IS DISTINCT FROM
     (OLD.id, OLD.fingerprint, OLD.finding_type, OLD.policy, OLD.action, OLD.account_id,
      OLD.region, OLD.resource_id, OLD.parameters, OLD.observed_state, OLD.digest,
      OLD.proposed_by, OLD.proposed_at, OLD.four_eyes, OLD.approval_mode) THEN
    RAISE EXCEPTION 'remediation proposal %: what it changes cannot be edited', OLD.id
      USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.status = OLD.status THEN
    RETURN NEW;
  END IF;
  IF NOT finops.remediation_transition_ok(OLD.status, NEW.status) THEN
    RAISE EXCEPTION 'remediation proposal %: % -> % is not a step of the lifecycle',
      OLD.id, OLD.status, NEW.status USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.status IN ('approved', 'executing') THEN
    SELECT * INTO d FROM finops.remediation_decisions WHERE proposal_id = OLD.id;
    IF NOT FOUND OR d.decision <> 'approve' OR d.digest <> OLD.digest THEN
      RAISE EXCEPTION 'remediation proposal %: % without an approval of digest %',
        OLD.id, NEW.status, OLD.digest USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.status = 'executing' AND d.expires_at <= clock_timestamp() THEN
      RAISE EXCEPTION 'remediation proposal %: its approval expired at %', OLD.id, d.expires_at
        USING ERRCODE = 'check_violation';
    END IF;
  END IF;
  IF NEW.status = 'rejected' AND NOT EXISTS (
      SELECT 1 FROM finops.remediation_decisions
      WHERE proposal_id = OLD.id AND decision = 'reject') THEN
    RAISE EXCEPTION 'remediation proposal %: rejected without a rejection', OLD.id
      USING ERRCODE = 'check_violation';
  END IF;
  NEW.updated_at := greatest(NEW.updated_at, OLD.updated_at);
  RETURN NEW;
END
$$;
CREATE TRIGGER remediation_proposal_guard BEFORE UPDATE ON finops.remediation_proposals
  FOR EACH ROW EXECUTE FUNCTION finops.remediation_proposal_guard();

CREATE FUNCTION finops.remediation_proposal_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status <> 'proposed' THEN
    RAISE EXCEPTION 'a remediation proposal starts as proposed, not %', NEW.status
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER remediation_proposal_insert BEFORE INSERT ON finops.remediation_proposals
  FOR EACH ROW EXECUTE FUNCTION finops.remediation_proposal_insert();

CREATE FUNCTION finops.remediation_decision_guard() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, finops, pg_temp AS $$
DECLARE
  p finops.remediation_proposals;
BEGIN
  SELECT * INTO p FROM finops.remediation_proposals WHERE id = NEW.proposal_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'remediation proposal % does not exist', NEW.proposal_id
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  IF p.status <> 'proposed' THEN
    RAISE EXCEPTION 'remediation proposal %: % (not waiting for a decision)', p.id, p.status
      USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.digest <> p.digest THEN
    RAISE EXCEPTION 'remediation proposal %: the decision is for digest %, the proposal is %',
      p.id, NEW.digest, p.digest USING ERRCODE = 'check_violation';
  END IF;
  IF p.expires_at <= clock_timestamp() THEN
    RAISE EXCEPTION 'remediation proposal %: expired at %', p.id, p.expires_at
      USING ERRCODE = 'check_violation';
  END IF;
  IF p.four_eyes AND finops.remediation_person(NEW.actor) = finops.remediation_person(p.proposed_by)
     THEN
    RAISE EXCEPTION 'remediation proposal %: % proposed it and may not decide it (four eyes)',
      p.id, NEW.actor USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER remediation_decision_guard BEFORE INSERT ON finops.remediation_decisions
  FOR EACH ROW EXECUTE FUNCTION finops.remediation_decision_guard();

CREATE FUNCTION finops.remediation_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%: append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER remediation_decisions_append_only
  BEFORE UPDATE OR DELETE ON finops.remediation_decisions
  FOR EACH ROW EXECUTE FUNCTION finops.remediation_append_only();
CREATE TRIGGER remediation_steps_append_only BEFORE UPDATE OR DELETE ON finops.remediation_steps
  FOR EACH ROW EXECUTE FUNCTION finops.remediation_append_only();
CREATE TRIGGER remediation_proposals_no_delete BEFORE DELETE ON finops.remediation_proposals
  FOR EACH ROW EXECUTE FUNCTION finops.remediation_append_only();
"""

_ALL = "(SELECT finops.scope_all())"
_BY_PROPOSAL = f"{_ALL} OR proposal_id IN (SELECT id FROM finops.remediation_proposals)"
_ACCOUNT_AND_RESOURCE = (
    f"{_ALL} OR (((SELECT finops.scope_any_account()) OR account_id = ANY "
    "((SELECT finops.scope_accounts())::text[])) AND ((SELECT finops.scope_any_tag()) OR "
    "resource_id IN (SELECT resource_id FROM finops.inventory_resources)))"
)
REGISTRY = [
    (
        "remediation_proposals",
        _ACCOUNT_AND_RESOURCE,
        "account; tags of its resource in the inventory",
    ),
    ("remediation_decisions", _BY_PROPOSAL, "its proposal"),
    ("remediation_steps", _BY_PROPOSAL, "its proposal"),
    # 0015's head of the audit chain: the trail is every scope's, so is its head (a scoped
    # approver's chain check reads it)
    ("audit_chain_head", "true", "the audit chain's head: every scope, like audit_log"),
]


def upgrade() -> None:
    op.execute(TABLES)
    op.execute(TRIGGERS)
    for relation, predicate, rule in REGISTRY:
        op.get_bind().exec_driver_sql(
            "INSERT INTO finops.row_scopes (relation, predicate, rule) VALUES (%s, %s, %s)",
            (relation, predicate, rule),
        )


def downgrade() -> None:
    op.execute(
        "DELETE FROM finops.row_scopes WHERE relation IN "
        "('remediation_proposals', 'remediation_decisions', 'remediation_steps', "
        "'audit_chain_head')"
    )
    op.execute("DROP TABLE finops.remediation_steps")
    op.execute("DROP TABLE finops.remediation_decisions")
    op.execute("DROP TABLE finops.remediation_proposals")
    for fn in (
        "remediation_append_only()",
        "remediation_decision_guard()",
        "remediation_proposal_insert()",
        "remediation_proposal_guard()",
        "remediation_transition_ok(text, text)",
        "remediation_person(text)",
    ):
        op.execute(f"DROP FUNCTION finops.{fn}")
