"""The check of the audit trail's hash chain (migration 0015, docs/security.md "Tamper-evident
audit trail"): every row of ``audit_log`` in ``chain_seq`` order must follow the one before it
(no position missing), link to its hash (``prev_hash``) and hash to its own ``row_hash``
(recomputed by ``finops.audit_row_hash``, the function the insert trigger uses); the chain head
must be the last row. The first row that fails is named with what is wrong. Also the reading of
its rows, filtered and paged (``finops audit list``, ``GET /api/v1/audit``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, select

from finops.warehouse.tables import audit_chain_head, audit_log

GENESIS = "0" * 64  # prev_hash of the first row (migration 0015)

CONTENT_ALTERED = "content altered"
LINK_BROKEN = "link broken"
ROW_MISSING = "row missing"


@dataclass(frozen=True)
class ChainBreak:
    """The first row at fault: ``row_id`` None when rows are missing after the last row."""

    problem: str  # CONTENT_ALTERED | LINK_BROKEN | ROW_MISSING
    row_id: int | None
    chain_seq: int
    detail: str

    def describe(self) -> str:
        where = f"row id {self.row_id}" if self.row_id is not None else "the end of the chain"
        return f"{self.problem} at {where} (chain_seq {self.chain_seq}): {self.detail}"


@dataclass(frozen=True)
class ChainReport:
    rows_checked: int
    head_seq: int
    head_hash: str
    broken: ChainBreak | None

    @property
    def intact(self) -> bool:
        return self.broken is None


def _check_row(row: Any, expected_seq: int, prev_hash: str) -> ChainBreak | None:
    if row.chain_seq != expected_seq:
        missing = (
            f"chain_seq {expected_seq}"
            if row.chain_seq == expected_seq + 1
            else f"chain_seq {expected_seq}..{row.chain_seq - 1}"
        )
        return ChainBreak(ROW_MISSING, row.id, row.chain_seq, f"{missing} missing before it")
    if row.prev_hash != prev_hash:
        return ChainBreak(
            LINK_BROKEN,
            row.id,
            row.chain_seq,
            f"prev_hash {row.prev_hash} is not the row_hash {prev_hash} of the row before it",
        )
    if row.recomputed != row.row_hash:
        return ChainBreak(
            CONTENT_ALTERED,
            row.id,
            row.chain_seq,
            f"its content hashes to {row.recomputed}, not to its row_hash {row.row_hash}",
        )
    return None


def verify_chain(conn: Connection) -> ChainReport:
    """Walk the whole chain; stop at the first broken row."""
    a = audit_log.alias("a")
    rows = conn.execute(
        select(
            a.c.id,
            a.c.chain_seq,
            a.c.prev_hash,
            a.c.row_hash,
            func.finops.audit_row_hash(a.table_valued()).label("recomputed"),
        ).order_by(a.c.chain_seq),
        execution_options={"yield_per": 5000},
    )
    expected, prev, checked = 1, GENESIS, 0
    for row in rows:
        broken = _check_row(row, expected, prev)
        if broken is not None:
            rows.close()
            return ChainReport(checked, *_head(conn), broken)
        expected, prev, checked = expected + 1, row.row_hash, checked + 1
    head_seq, head_hash = _head(conn)
    broken = None
    if (head_seq, head_hash) != (expected - 1, prev):
        broken = ChainBreak(
            ROW_MISSING,
            None,
            head_seq,
            f"the chain head is chain_seq {head_seq} ({head_hash}), the last row is "
            f"chain_seq {expected - 1} ({prev})",
        )
    return ChainReport(checked, head_seq, head_hash, broken)


def _head(conn: Connection) -> tuple[int, str]:
    row = conn.execute(select(audit_chain_head.c.chain_seq, audit_chain_head.c.row_hash)).one()
    return int(row.chain_seq), str(row.row_hash)


@dataclass(frozen=True)
class AuditEntry:
    id: int
    chain_seq: int
    occurred_at: datetime
    actor: str
    action: str
    subject: str
    run_id: str | None
    request_id: str | None
    details: object


@dataclass(frozen=True)
class AuditFilter:
    """Which rows to read: each given field narrows them (``action`` exactly, ``action_prefix``
    by its start, ``since`` inclusive, ``until`` exclusive)."""

    actor: str | None = None
    action: str | None = None
    action_prefix: str | None = None
    subject: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def clauses(self) -> list[ColumnElement[bool]]:
        c = audit_log.c
        clauses: list[ColumnElement[bool]] = []
        if self.actor is not None:
            clauses.append(c.actor == self.actor)
        if self.action is not None:
            clauses.append(c.action == self.action)
        if self.action_prefix is not None:
            clauses.append(c.action.startswith(self.action_prefix, autoescape=True))
        if self.subject is not None:
            clauses.append(c.subject == self.subject)
        if self.since is not None:
            clauses.append(c.occurred_at >= self.since)
        if self.until is not None:
            clauses.append(c.occurred_at < self.until)
        return clauses


EVERY_ROW = AuditFilter()


def list_entries(
    conn: Connection, *, limit: int = 50, offset: int = 0, filters: AuditFilter = EVERY_ROW
) -> list[AuditEntry]:
    """The rows ``filters`` admits, newest first (chain order): ``limit`` of them after the
    first ``offset``."""
    c = audit_log.c
    query = select(
        c.id,
        c.chain_seq,
        c.occurred_at,
        c.actor,
        c.action,
        c.subject,
        c.run_id,
        c.request_id,
        c.details,
    ).where(*filters.clauses())
    rows = conn.execute(query.order_by(c.chain_seq.desc()).limit(limit).offset(offset))
    return [AuditEntry(**row._mapping) for row in rows]


def count_entries(conn: Connection, *, filters: AuditFilter = EVERY_ROW) -> int:
    """How many rows ``filters`` admits."""
    query = select(func.count()).select_from(audit_log).where(*filters.clauses())
    return int(conn.execute(query).scalar_one())
