"""``finops audit``: check the audit trail's hash chain (``verify``) and read its latest rows
(``list``)."""

from __future__ import annotations

import json
from datetime import UTC
from typing import TYPE_CHECKING, Annotated

import typer

from finops.cli.common import err_console, markdown_job, run_job

if TYPE_CHECKING:
    from finops.warehouse.audit_chain import AuditEntry, ChainReport

audit_app = typer.Typer(help="Check and read the tamper-evident audit trail.", no_args_is_help=True)


def _verify() -> ChainReport:
    from finops.db.engine import get_engine
    from finops.warehouse.audit_chain import verify_chain

    with get_engine().connect() as conn:
        return verify_chain(conn)


def _summary(report: ChainReport) -> list[str]:
    return [
        f"rows checked: {report.rows_checked}",
        f"head: chain_seq {report.head_seq} {report.head_hash}",
    ]


@audit_app.command("verify")
def audit_verify() -> None:
    """Check every row of the audit trail against the hash chain; exit 1 naming the first
    broken row. Keep the printed head hash elsewhere: an owner who rewrites the whole chain
    from some row on is caught only against an earlier copy of the head."""
    report: ChainReport = run_job(_verify, _summary)
    if report.broken is not None:
        err_console.print(
            f"[bold red]error:[/] audit chain broken: {report.broken.describe()}",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(code=1)
    err_console.print("audit chain intact", highlight=False)


def _table(entries: list[AuditEntry]) -> str:
    lines = [
        "| id | seq | time (UTC) | actor | action | subject | run / request | details |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for e in entries:
        details = json.dumps(e.details, sort_keys=True, default=str).replace("|", "\\|")
        at = e.occurred_at.astimezone(UTC)
        lines.append(
            f"| {e.id} | {e.chain_seq} | {at:%Y-%m-%d %H:%M:%S} | {e.actor} | {e.action} | "
            f"{e.subject} | {e.request_id or e.run_id or ''} | {details} |"
        )
    return "\n".join(lines)


def _list(limit: int, actor: str | None, action: str | None) -> tuple[list[AuditEntry], str]:
    from finops.db.engine import get_engine
    from finops.warehouse.audit_chain import AuditFilter, list_entries

    with get_engine().connect() as conn:
        filters = AuditFilter(actor=actor, action_prefix=action)
        entries = list_entries(conn, limit=limit, filters=filters)
    return entries, _table(entries)


@audit_app.command("list")
def audit_list(
    limit: Annotated[int, typer.Option(min=1, help="rows to show, newest first")] = 50,
    actor: Annotated[str | None, typer.Option(help="only this actor")] = None,
    action: Annotated[
        str | None, typer.Option(help="only actions starting with this (remediation., budget)")
    ] = None,
) -> None:
    """The latest rows of the audit trail, newest first (UTC times); the filters are those of
    ``GET /api/v1/audit`` and the dashboard's Audit page."""
    markdown_job(lambda: _list(limit, actor, action))
