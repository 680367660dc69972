"""The tamper-evident audit trail: its rows (``/audit``) and the check of its hash chain
(``/audit/verify``)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field, JsonValue

from finops.warehouse.audit_chain import CONTENT_ALTERED, LINK_BROKEN, ROW_MISSING


class AuditEntryPublic(BaseModel):
    """One row of the audit trail: who did what to which subject, when, in which run or
    request, with the details recorded; ``chain_seq`` is its position in the hash chain."""

    id: int
    chain_seq: int
    occurred_at: datetime
    actor: str = Field(description="user:<username>, token:<name>@<username>, or a job")
    action: str
    subject: str
    run_id: str | None
    request_id: str | None
    details: JsonValue


class AuditEntriesPublic(BaseModel):
    items: list[AuditEntryPublic] = Field(description="newest first")
    total: int = Field(description="rows matching the filters, over every page")


class ChainProblem(StrEnum):
    """What is wrong with the first broken row (``finops.warehouse.audit_chain``)."""

    content_altered = CONTENT_ALTERED
    link_broken = LINK_BROKEN
    row_missing = ROW_MISSING


class ChainBreakPublic(BaseModel):
    problem: ChainProblem
    row_id: int | None = Field(
        description="the row at fault; null when rows are missing after the last row"
    )
    chain_seq: int
    detail: str
    message: str = Field(description="the whole finding in one sentence, as the CLI prints it")


class AuditChainPublic(BaseModel):
    """The hash chain checked from its first row: ``ok`` when every row follows the one before
    it and hashes to its ``row_hash``, and the head is the last row; else the first broken
    row. Keep ``head_hash`` elsewhere: a chain rewritten from some row on by the database's
    owner is caught only against an earlier copy of the head."""

    ok: bool
    rows_checked: int = Field(description="rows found intact before the first broken one")
    head_seq: int
    head_hash: str
    broken: ChainBreakPublic | None
