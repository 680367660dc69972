"""The audit writer: one row of the append-only ``audit_log`` (triggers refuse UPDATE, DELETE
and TRUNCATE) per job run, status change or definition change, in the caller's transaction.

The billing load writes its rows through its own psycopg connection (``ingest/billing``), in
the transaction of the slice it replaces."""

from __future__ import annotations

from sqlalchemy import Connection, insert

from finops.warehouse.tables import audit_log

ANALYTICS_ACTOR = "finops.analytics"


def audit(
    conn: Connection,
    *,
    action: str,
    subject: str,
    run_id: str,
    details: object,
    actor: str = ANALYTICS_ACTOR,
) -> None:
    """Record ``action`` on ``subject`` by ``actor``; ``details`` is stored as JSON."""
    conn.execute(
        insert(audit_log).values(
            actor=actor,
            action=action,
            subject=subject,
            run_id=run_id,
            details=details,
        )
    )
