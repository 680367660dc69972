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
    run_id: str | None,
    details: object,
    actor: str = ANALYTICS_ACTOR,
    request_id: str | None = None,
) -> None:
    """Record ``action`` on ``subject`` by ``actor``; ``details`` is stored as JSON. Changes
    made through the API name their actor (``user:<username>`` or ``token:<name>@<username>``,
    ``finops.auth.principal``) and the id of the request (its log lines carry the same id)."""
    conn.execute(
        insert(audit_log).values(
            actor=actor,
            action=action,
            subject=subject,
            run_id=run_id,
            details=details,
            request_id=request_id,
        )
    )


def audit_request(
    conn: Connection,
    *,
    actor: str,
    request_id: str | None,
    action: str,
    subject: str,
    details: object,
) -> None:
    """Record a change made by a request (an HTTP request's id is also the row's run id)."""
    audit(
        conn,
        action=action,
        subject=subject,
        run_id=request_id,
        details=details,
        actor=actor,
        request_id=request_id,
    )
