"""The tamper-evident audit trail for approvers (``finops.api.access``): its rows, filtered and
paged (``finops audit list``), and the check of its hash chain (``finops audit verify``), both
through ``finops.warehouse.audit_chain``. Reading the trail writes nothing to it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from finops.api.deps import ConnectionDep
from finops.api.params import Instant, PageDep
from finops.api.rows import from_row
from finops.api.schemas.audit import (
    AuditChainPublic,
    AuditEntriesPublic,
    AuditEntryPublic,
    ChainBreakPublic,
    ChainProblem,
)
from finops.errors import InvalidParameterError
from finops.warehouse.audit_chain import AuditFilter, count_entries, list_entries, verify_chain

router = APIRouter(prefix="/audit", tags=["audit"])


def _text(description: str) -> object:
    return Query(min_length=1, max_length=200, description=description)


def _moment(where: str) -> object:
    return Query(
        description=f"rows {where} this moment (RFC 3339, with seconds and an offset: "
        "2026-12-03T09:00:00Z)"
    )


@router.get("", response_model=AuditEntriesPublic)
def read_audit(
    conn: ConnectionDep,
    page: PageDep,
    actor: Annotated[
        str | None, _text("only this actor, exactly (user:alice, token:ci@alice, ingest)")
    ] = None,
    action: Annotated[
        str | None, _text("only actions starting with this (budget, budget.save)")
    ] = None,
    subject: Annotated[str | None, _text("only this subject, exactly")] = None,
    since: Annotated[Instant | None, _moment("at or after")] = None,
    until: Annotated[Instant | None, _moment("before")] = None,
) -> AuditEntriesPublic:
    """Rows of the audit trail, newest first (chain order), one page at a time; ``total``
    counts every row the filters admit."""
    if since is not None and until is not None and since >= until:
        raise InvalidParameterError(
            f"since {since.isoformat()} is not before until {until.isoformat()}",
            param="since",
        )
    filters = AuditFilter(
        actor=actor, action_prefix=action, subject=subject, since=since, until=until
    )
    entries = list_entries(conn, limit=page.limit, offset=page.offset, filters=filters)
    return AuditEntriesPublic(
        items=[from_row(AuditEntryPublic, entry) for entry in entries],
        total=count_entries(conn, filters=filters),
    )


@router.get("/verify", response_model=AuditChainPublic)
def verify_audit(conn: ConnectionDep) -> AuditChainPublic:
    """Check every row of the audit trail against the hash chain, from its first row; the
    first broken row is named with what is wrong (altered content, a broken link, rows
    missing). The check reads the whole trail whatever the caller's team scope: the trail and
    its head are every scope's (``audit_log`` and ``audit_chain_head`` are registered for every
    scope in ``finops.row_scopes``)."""
    report = verify_chain(conn)
    broken = report.broken
    return AuditChainPublic(
        ok=report.intact,
        rows_checked=report.rows_checked,
        head_seq=report.head_seq,
        head_hash=report.head_hash,
        broken=None
        if broken is None
        else ChainBreakPublic(
            problem=ChainProblem(broken.problem),
            row_id=broken.row_id,
            chain_seq=broken.chain_seq,
            detail=broken.detail,
            message=broken.describe(),
        ),
    )
