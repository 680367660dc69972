"""The tamper-evident audit trail (issue 16): every ``audit_log`` row carries its position in
one hash chain (``chain_seq``), the hash of the row before it (``prev_hash``) and the hash of
its own content and that link (``row_hash``); ``finops audit verify`` checks the chain
(docs/security.md, "Tamper-evident audit trail").

``finops.audit_row_hash(row)`` is the one definition of a row's hash (the trigger writes it, the
verifier recomputes it): the hex SHA-256 of ``prev_hash`` and the canonical text of the jsonb
array ``[chain_seq, id, occurred_at (UTC, microseconds), actor, action, subject, run_id,
details, request_id]`` (jsonb's text is canonical: keys sorted, one spacing).

The ``BEFORE INSERT`` trigger extends the chain whatever the writer sent: it takes a
transaction advisory lock (writers of the audit trail queue one behind the other until the
holder commits or rolls back), then links the row to the last row (``chain_seq`` + 1, its
``row_hash``) — or to ``finops.audit_chain_head`` when that is further on (the last rows were
deleted: the new row links past the gap, which the verifier reports). A deferred constraint
trigger moves the head to a transaction's last row when it commits (once per transaction, so a
large transaction does not pile up versions of the head row). A rolled-back transaction or
savepoint takes its rows with it, so the chain has no hole; under REPEATABLE READ a writer whose
snapshot predates the last commit computes a ``chain_seq`` already taken and fails on the unique
constraint instead of forking the chain. Chain order is ``chain_seq``, the order in which writers
held the lock (``id`` comes from a sequence before the trigger runs, so ids of concurrent writers
may be out of chain order). The functions run as their owner (SECURITY DEFINER, fixed
search_path), so the application, the API under row-level security and the billing load's own
connection all extend the same chain; neither login role may write the head
(finops/db/grants.sql).

Existing rows are chained in id order here, the append-only trigger disabled for that backfill
only.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS = "0" * 64

FUNCTIONS = """
CREATE FUNCTION finops.audit_row_hash(r finops.audit_log) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT encode(sha256(convert_to(
    r.prev_hash || '|' || jsonb_build_array(
      r.chain_seq, r.id,
      to_char(r.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
      r.actor, r.action, r.subject, r.run_id, r.details, r.request_id)::text,
    'UTF8')), 'hex')
$$;
COMMENT ON FUNCTION finops.audit_row_hash(finops.audit_log) IS
  'The hash of an audit row: sha256(prev_hash | canonical content), hex';

CREATE TABLE finops.audit_chain_head (
  one       boolean PRIMARY KEY DEFAULT true CHECK (one),
  chain_seq bigint NOT NULL,
  row_hash  text NOT NULL
);
COMMENT ON TABLE finops.audit_chain_head IS
  'The last committed link of the audit chain (rows deleted from its end show as missing)';

CREATE FUNCTION finops.audit_log_chain() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, finops, pg_temp AS $$
DECLARE
  head finops.audit_chain_head;
  last_seq bigint;
  last_hash text;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('finops.audit_log'));
  -- after the lock: this statement's snapshot sees the last writer's committed rows
  SELECT * INTO STRICT head FROM finops.audit_chain_head WHERE one;
  SELECT a.chain_seq, a.row_hash INTO last_seq, last_hash FROM finops.audit_log a
  ORDER BY a.chain_seq DESC LIMIT 1;
  IF last_seq IS NULL OR last_seq < head.chain_seq THEN
    -- no row yet, or the last rows were deleted: link to the head (the verifier sees the gap)
    last_seq := head.chain_seq;
    last_hash := head.row_hash;
  END IF;
  NEW.chain_seq := last_seq + 1;
  NEW.prev_hash := last_hash;
  NEW.row_hash := finops.audit_row_hash(NEW);
  RETURN NEW;
END $$;
COMMENT ON FUNCTION finops.audit_log_chain() IS
  'Links a new audit row to the chain: the writer cannot choose chain_seq or the hashes';

CREATE FUNCTION finops.audit_chain_move_head() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, finops, pg_temp AS $$
BEGIN
  -- at commit, once per transaction: only for its last row (the advisory lock is still held)
  IF NEW.chain_seq = (SELECT max(a.chain_seq) FROM finops.audit_log a) THEN
    UPDATE finops.audit_chain_head SET chain_seq = NEW.chain_seq, row_hash = NEW.row_hash
    WHERE one;
  END IF;
  RETURN NULL;
END $$;
COMMENT ON FUNCTION finops.audit_chain_move_head() IS
  'Moves the audit chain head to the last row a transaction wrote, when it commits';
"""

BACKFILL = f"""
DO $backfill$
DECLARE
  r finops.audit_log;
  seq bigint := 0;
  prev text := '{GENESIS}';
BEGIN
  FOR r IN SELECT * FROM finops.audit_log ORDER BY id LOOP
    seq := seq + 1;
    r.chain_seq := seq;
    r.prev_hash := prev;
    r.row_hash := finops.audit_row_hash(r);
    UPDATE finops.audit_log SET chain_seq = r.chain_seq, prev_hash = r.prev_hash,
                                row_hash = r.row_hash
    WHERE id = r.id;
    prev := r.row_hash;
  END LOOP;
  INSERT INTO finops.audit_chain_head (chain_seq, row_hash) VALUES (seq, prev);
END $backfill$;
"""


def upgrade() -> None:
    op.execute(
        "ALTER TABLE finops.audit_log ADD COLUMN chain_seq bigint, "
        "ADD COLUMN prev_hash text, ADD COLUMN row_hash text"
    )
    op.execute(FUNCTIONS)
    op.execute("ALTER TABLE finops.audit_log DISABLE TRIGGER audit_log_append_only")
    op.execute(BACKFILL)
    op.execute("ALTER TABLE finops.audit_log ENABLE TRIGGER audit_log_append_only")
    op.execute(
        "ALTER TABLE finops.audit_log ALTER COLUMN chain_seq SET NOT NULL, "
        "ALTER COLUMN prev_hash SET NOT NULL, ALTER COLUMN row_hash SET NOT NULL, "
        "ADD CONSTRAINT audit_log_chain_seq_key UNIQUE (chain_seq)"
    )
    op.execute(
        """
        CREATE TRIGGER audit_log_chain BEFORE INSERT ON finops.audit_log
        FOR EACH ROW EXECUTE FUNCTION finops.audit_log_chain()
        """
    )
    op.execute(
        """
        CREATE CONSTRAINT TRIGGER audit_log_chain_head AFTER INSERT ON finops.audit_log
        DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW EXECUTE FUNCTION finops.audit_chain_move_head()
        """
    )
    for column, text in (
        ("chain_seq", "position in the hash chain, assigned under the lock of the chain head"),
        ("prev_hash", "row_hash of the row before it in the chain (64 zeros for the first)"),
        ("row_hash", "finops.audit_row_hash of this row: its content and prev_hash"),
    ):
        op.execute(f"COMMENT ON COLUMN finops.audit_log.{column} IS '{text}'")


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS audit_log_chain_head ON finops.audit_log")
    op.execute("DROP TRIGGER IF EXISTS audit_log_chain ON finops.audit_log")
    op.execute("DROP FUNCTION IF EXISTS finops.audit_chain_move_head()")
    op.execute("DROP FUNCTION IF EXISTS finops.audit_log_chain()")
    op.execute("DROP TABLE IF EXISTS finops.audit_chain_head")
    op.execute("DROP FUNCTION IF EXISTS finops.audit_row_hash(finops.audit_log)")
    op.execute(
        "ALTER TABLE finops.audit_log DROP COLUMN IF EXISTS chain_seq, "
        "DROP COLUMN IF EXISTS prev_hash, DROP COLUMN IF EXISTS row_hash"
    )
