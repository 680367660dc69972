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
) -> None:
    """Write a deterministic demo AWS estate: billing exports, metrics, inventory, ground truth."""
    from finops.generator import GenerateOptions
    from finops.generator import generate as run_generator
    from finops.generator.api import DEFAULT_ANCHOR, DEFAULT_START

    setup_logging()
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
        )
        with rows_progress("generating line items") as (progress, task):
            result = run_generator(options, progress=lambda n: progress.advance(task, n))
    except FinOpsError as exc:
        raise fail(exc) from exc
    console.print(
        f"wrote {result.line_items:,} line items in {len(result.files)} files to "
        f"{result.out_dir}; ground truth: {result.ground_truth_path}"
    )
