"""Audit rows for changes made through the API: the principal's actor (``user:<username>`` or
``token:<name>@<username>``) and the request id (also the run id, as before issue 15)."""

from __future__ import annotations

from sqlalchemy import Connection

from finops.auth.principal import Principal
from finops.warehouse.audit import audit_request as record_request


def audit_request(
    conn: Connection,
    *,
    principal: Principal,
    request_id: str,
    action: str,
    subject: str,
    details: object,
) -> None:
    record_request(
        conn,
        actor=principal.actor,
        request_id=request_id,
        action=action,
        subject=subject,
        details=details,
    )
