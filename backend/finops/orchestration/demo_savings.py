"""The demo's savings loop (docs/savings.md, "The demo's loop"): after the demo's actions are
carried out, the generator bills the months after the estate with them in effect, and the
savings tracker measures each from that bill beside its estimate."""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path

from rich.console import Console

from finops.config import Settings
from finops.db.engine import get_engine

LOOP_JOBS = ("waste", "rightsizing", "commitments", "savings", "kpis")


def next_period_path(settings: Settings) -> Path:
    """Where the demo's savings loop writes the months after the estate."""
    return settings.home / "demo-next-period"


def close_savings_loop(settings: Settings, estate: Path, *, console: Console) -> bool:
    """The savings loop: the generator bills the month(s) after the estate with every action
    executed so far in effect (``finops generate --continue-from``), until each has its 30 days
    of bill after the change. Returns whether there is a bill to load (nothing is executed
    yet: nothing to measure)."""
    from finops.generator.loop.actions import executed_actions
    from finops.orchestration.savings_loop import next_period

    with get_engine(settings).connect() as conn:
        actions = executed_actions(conn)
    if not actions:
        console.print("savings loop: no action carried out yet, so no later bill to measure")
        return False
    started = time.monotonic()
    out = next_period_path(settings)
    result = next_period(estate_dir=estate, out_dir=out, observations=True, settings=settings)
    console.print(
        f"[green]✓[/] savings loop: the generator billed {', '.join(result.periods)} with the "
        f"{len(actions)} executed action(s) in effect ({result.line_items:,} line items, "
        f"{time.monotonic() - started:.0f} s) in {result.out_dir / 'cur2'}, and the estate's "
        "utilization and inventory of its last days"
    )
    from finops.jobs.inventory import run_inventory_ingest
    from finops.jobs.usage import run_usage_ingest

    inventory = run_inventory_ingest(str(out / "config"), settings=settings)
    usage = run_usage_ingest(str(out / "cloudwatch"), settings=settings)
    console.print(
        f"[green]✓[/] {inventory.resources:,} resource listings, {usage.points:,} metric points "
        "of the later days loaded"
    )
    return True


def report_savings(settings: Settings, *, console: Console) -> None:
    """What the savings tracker measured from the later bill, beside the estimates."""
    from sqlalchemy import select

    from finops.warehouse.tables import savings_measurements as sm

    with get_engine(settings).connect() as conn:
        rows = conn.execute(
            select(sm.c.status, sm.c.estimated_monthly_savings, sm.c.realized_monthly_effective)
        ).all()
    measured = [r for r in rows if r.status in ("measured", "confirmed")]
    realized = sum((r.realized_monthly_effective or Decimal(0) for r in measured), Decimal(0))
    estimated = sum((r.estimated_monthly_savings for r in measured), Decimal(0))
    console.print(
        f"[green]✓[/] savings tracker: {len(measured)} of {len(rows)} measured from the later "
        f"bill, realized {realized:,.2f}/month against {estimated:,.2f}/month estimated "
        "(dashboard: Savings)"
    )
