"""``finops generate``: a deterministic demo AWS estate with its ground truth."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

from finops.cli.common import DayOption, console, fail, rows_progress, setup_logging
from finops.errors import FinOpsError


def generate(
    out: Annotated[Path, typer.Option(help="output folder")],
    accounts: Annotated[int, typer.Option(min=1, help="linked accounts")] = 8,
    days: Annotated[int | None, typer.Option(min=1, help="days ending at --end")] = None,
    start: DayOption = None,
    end: Annotated[
        datetime | None, typer.Option(formats=["%Y-%m-%d"], help="last day (inclusive)")
    ] = None,
    seed: Annotated[int, typer.Option(help="same seed, same bytes")] = 42,
    scale: Annotated[str, typer.Option(help="small|medium|large or a line-item count")] = "small",
    formats: Annotated[str, typer.Option(help="comma list of cur2, cur, focus")] = "cur2",
    to_aws: Annotated[
        str | None, typer.Option("--to-aws", help="AWS-compatible endpoint to load")
    ] = None,
    extra_anomalies: Annotated[
        int, typer.Option(min=0, help="plant this many more cost anomalies (evaluation estates)")
    ] = 0,
    usage_anomalies: Annotated[
        bool,
        typer.Option(
            "--usage-anomalies",
            help="plant an instance pinned at 100% CPU whose cost spikes, and a CPU blip "
            "without cost, in the last days of the utilization",
        ),
    ] = False,
    continue_from: Annotated[
        Path | None,
        typer.Option(
            help="a generated estate: write the billing period(s) after its range with the "
            "actions executed in the warehouse in effect, and savings_truth.json (the estate's "
            "own options apply; --end: last day, default: every action's 30 days after)"
        ),
    ] = None,
    owner_change: Annotated[
        list[str] | None,
        typer.Option(
            help="with --continue-from: PROPOSAL:KIND[:N], KIND restart (N days later, "
            "default 7), usage_growth (N times, default 2) or savings_plan; repeatable"
        ),
    ] = None,
) -> None:
    """Write a deterministic demo AWS estate: billing exports, metrics, inventory, ground truth."""
    from finops.generator import GenerateOptions
    from finops.generator import generate as run_generator
    from finops.generator.api import DEFAULT_ANCHOR, DEFAULT_START

    setup_logging()
    if continue_from is not None:
        _next_period(out, continue_from, owner_change or [], end)
        return
    try:
        if days is not None and start is not None:
            raise typer.BadParameter("give --days or --start/--end, not both")
        end_exclusive = end.date() + timedelta(days=1) if end else DEFAULT_ANCHOR
        first = (
            end_exclusive - timedelta(days=days)
            if days
            else (start.date() if start else DEFAULT_START)
        )
        options = GenerateOptions(
            out_dir=out,
            accounts=accounts,
            start=first,
            end=end_exclusive,
            seed=seed,
            scale=int(scale) if scale.isdigit() else scale,
            formats=tuple(f.strip() for f in formats.split(",") if f.strip()),
            to_aws_endpoint=to_aws,
            extra_anomalies=extra_anomalies,
            usage_anomalies=usage_anomalies,
        )
        with rows_progress("generating line items") as (progress, task):
            result = run_generator(options, progress=lambda n: progress.advance(task, n))
    except FinOpsError as exc:
        raise fail(exc) from exc
    console.print(
        f"wrote {result.line_items:,} line items in {len(result.files)} files to "
        f"{result.out_dir}; ground truth: {result.ground_truth_path}"
    )


def _next_period(out: Path, estate: Path, owner_changes: list[str], end: datetime | None) -> None:
    """``finops generate --continue-from``: the next period(s) with the executed actions."""
    from finops.generator.loop.actions import parse_owner_change
    from finops.orchestration.savings_loop import next_period

    try:
        result = next_period(
            estate_dir=estate,
            out_dir=out,
            owner_changes=[parse_owner_change(text) for text in owner_changes],
            end=end.date() + timedelta(days=1) if end else None,
        )
    except FinOpsError as exc:
        raise fail(exc) from exc
    exact = sum(t.exact for t in result.truths)
    console.print(
        f"wrote {result.line_items:,} line items for {', '.join(result.periods)} to "
        f"{result.out_dir / 'cur2'} with {len(result.truths)} executed action(s) in effect "
        f"({exact} exact); ground truth: {result.truth_path}"
    )
