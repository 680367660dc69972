"""``finops sources``: billing sources with the identity derived from each export; rename and
remove (audited)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from finops.cli.common import cell_text, console, fail, setup_logging
from finops.errors import FinOpsError

sources_app = typer.Typer(help="Billing sources: what each export is, rename, remove.")


@sources_app.command("list")
def sources_list() -> None:
    """Every billing source with its identity, periods, rows and billed cost."""
    from finops.ingest.billing.manage import list_sources

    setup_logging()
    try:
        sources = list_sources()
    except FinOpsError as exc:
        raise fail(exc) from exc
    table = Table(
        "source",
        "format",
        "providers",
        "billing accounts",
        "location",
        "periods",
        "rows",
        "billed cost",
        "quality",
    )
    for s in sources:
        periods = s.billing_periods
        span = f"{periods[0]}..{periods[-1]} ({len(periods)})" if periods else ""
        table.add_row(
            s.source_id,
            s.source_format,
            ", ".join(s.provider_names),
            ", ".join(s.billing_account_ids[:4]) + (" …" if len(s.billing_account_ids) > 4 else ""),
            s.location or "(loaded before source identities)",
            span,
            f"{s.rows:,}",
            "; ".join(f"{cell_text(v)} {c}" for c, v in s.billed_costs.items()),
            f"{s.quality_issues} rule(s) broken" if s.quality_issues else "",
        )
    console.print(table)


@sources_app.command("rename")
def sources_rename(
    old: Annotated[str, typer.Argument(help="the source's current name")],
    new: Annotated[str, typer.Argument(help="its new name")],
) -> None:
    """Rename a source (its cost rows, log and report follow; audited)."""
    from finops.ingest.billing.manage import rename_source

    setup_logging()
    try:
        rows = rename_source(old, new)
    except FinOpsError as exc:
        raise fail(exc) from exc
    console.print(f"renamed {old} to {new} ({rows:,} cost rows)")


@sources_app.command("remove")
def sources_remove(
    source_id: Annotated[str, typer.Argument(help="the source to remove")],
    yes: Annotated[bool, typer.Option("--yes", help="do not ask for confirmation")] = False,
) -> None:
    """Delete a source's cost rows and forget it (audited; the ingest log stays)."""
    from finops.ingest.billing.manage import remove_source

    setup_logging()
    if not yes and not typer.confirm(f"delete every cost row of {source_id}?"):
        raise typer.Exit(code=1)
    try:
        rows = remove_source(source_id)
    except FinOpsError as exc:
        raise fail(exc) from exc
    console.print(f"removed {source_id} ({rows:,} cost rows)")
