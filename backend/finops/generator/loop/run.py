"""``continue_estate``: the billing period(s) after a generated estate's range with the
executed actions in effect, and ``savings_truth.json`` beside them
(``finops generate next-period``)."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import UTC, date, timedelta
from pathlib import Path
from typing import Any

import structlog

from finops.generator.api import plan_estate
from finops.generator.billing.engine import BillingEngine
from finops.generator.billing.period import period_batches
from finops.generator.cur2 import Cur2Converter
from finops.generator.cur2_columns import CUR2_SCHEMA
from finops.generator.data_export import DataExportWriter
from finops.generator.estate.model import Estate
from finops.generator.loop.actions import ExecutedAction, OwnerChange
from finops.generator.loop.truth import AFTER_DAYS, ActionTruth, savings_truth
from finops.generator.loop.worlds import world
from finops.generator.options import GenerateOptions, GeneratorError
from finops.generator.period_context import PeriodContext, invoice_id
from finops.generator.streams.build import build_streams
from finops.generator.timeline import Timeline, next_month

log = structlog.get_logger(__name__)

TRUTH_FILE = "savings_truth.json"


@dataclass(frozen=True, slots=True)
class NextPeriod:
    out_dir: Path
    start: date  # first day written (the first day of the first period written)
    end: date  # exclusive
    periods: list[str]
    line_items: int
    truths: list[ActionTruth]
    truth_path: Path


def previous_options(estate_dir: Path, out_dir: Path) -> GenerateOptions:
    """The options ``estate_dir`` was generated with (its ground_truth.json), writing to
    ``out_dir`` in CUR 2.0 only."""
    path = estate_dir / "ground_truth.json"
    if not path.is_file():
        raise GeneratorError(
            f"--continue-from {estate_dir}: no ground_truth.json (not a generated estate)"
        )
    made = json.loads(path.read_text())["generator"]
    return GenerateOptions(
        out_dir=out_dir,
        accounts=int(made["accounts"]),
        start=date.fromisoformat(made["start"]),
        end=date.fromisoformat(made["end_exclusive"]),
        seed=int(made["seed"]),
        scale=made["scale"],
        export_name=str(made.get("export_name", "finops-demo")),
        utilization_days=int(made["utilization_days"]),
        extra_anomalies=int(made.get("extra_anomalies", 0)),
        restatement=False,
        inventory=False,
        utilization=False,
    )


def default_end(previous_end: date, actions: list[ExecutedAction]) -> date:
    """The first month boundary that gives every action its full 30-day after window (at least
    one period after the previous range)."""
    last = previous_end
    for action in actions:
        change = action.executed_at.astimezone(UTC).date()
        last = max(last, change + timedelta(days=AFTER_DAYS + 1))
    return last if last.day == 1 and last > previous_end else next_month(last)


def continue_estate(
    *,
    estate_dir: Path,
    out_dir: Path,
    actions: list[ExecutedAction],
    owner_changes: list[OwnerChange] = (),  # type: ignore[assignment]
    end: date | None = None,
    observations: bool = False,
) -> NextPeriod:
    """Bill the periods from the end of ``estate_dir``'s range to ``end`` (exclusive; default
    ``default_end``) with ``actions`` and ``owner_changes`` in effect; whole periods, so a
    range that ended mid-month re-delivers that month. Writes ``out_dir/cur2`` and
    ``out_dir/savings_truth.json``, and with ``observations`` the CloudWatch utilization and
    AWS Config inventory of the new range's last days (as many as the estate had: a stopped
    instance reports no metrics after its stop, a resized one its new type), so the findings
    as of the new bill's end see the estate as it is; deterministic in its inputs."""
    options = previous_options(estate_dir, out_dir)
    end = end or default_end(options.end, actions)
    if end <= options.end:
        raise GeneratorError(f"--end {end} must be after the estate's range ({options.end})")
    _clear(out_dir)
    plan = plan_estate(options, Timeline(options.start, options.end))
    timeline = Timeline(options.start, end)
    actual = world(plan.estate, timeline=timeline, actions=actions, owner_changes=owner_changes)
    streams = build_streams(actual)
    engine = BillingEngine(estate=actual, streams=streams, hourly=plan.hourly, restated=None)
    converter = Cur2Converter(estate=actual, streams=streams)
    sink = DataExportWriter(
        root=out_dir / "cur2",
        export=options.export_name,
        schema=CUR2_SCHEMA,
        to_table=converter.table,
        seed=options.seed,
        hourly=plan.hourly,
        s3_prefix="cur2",
    )
    periods = [p for p in timeline.periods() if p.end > options.end]
    line_items = 0
    for period in periods:
        ctx = PeriodContext(
            period,
            actual.payer.account_id,
            actual.payer.name,
            invoice_id(options.seed, period.label),
        )
        sink.begin(ctx, revision=1)
        for batch in period_batches(engine, period):
            sink.write(batch)
            line_items += len(batch)
        sink.end()
    truths = savings_truth(
        plan.estate, timeline=timeline, actions=actions, owner_changes=list(owner_changes)
    )
    first = max(options.start, periods[0].start)
    truth_path = out_dir / TRUTH_FILE
    truth_path.write_text(
        json.dumps(
            _document(
                options,
                first,
                end,
                periods=[p.label for p in periods],
                actions=actions,
                owner_changes=list(owner_changes),
                truths=truths,
            ),
            indent=2,
        )
        + "\n"
    )
    if observations:
        _observations(out_dir, actual, utilization_days=options.utilization_days)
    log.info("generate.next_period", out=str(out_dir), periods=len(periods), actions=len(actions))
    return NextPeriod(
        out_dir, first, end, [p.label for p in periods], line_items, truths, truth_path
    )


def _observations(out_dir: Path, estate: Estate, *, utilization_days: int) -> None:
    """The utilization and inventory files ``finops generate`` writes, for ``estate``'s range."""
    from finops.generator.inventory import write_inventory
    from finops.generator.utilization import write_utilization

    write_utilization(
        root=out_dir / "cloudwatch" / "metric-streams", estate=estate, days=utilization_days
    )
    write_inventory(root=out_dir / "config", estate=estate, utilization_days=utilization_days)


def _document(
    options: GenerateOptions,
    first: date,
    end: date,
    *,
    periods: list[str],
    actions: list[ExecutedAction],
    owner_changes: list[OwnerChange],
    truths: list[ActionTruth],
) -> dict[str, Any]:
    return {
        "continues": {
            "seed": options.seed,
            "accounts": options.accounts,
            "start": options.start.isoformat(),
            "end_exclusive": options.end.isoformat(),
        },
        "written": {
            "first_day": first.isoformat(),
            "end_exclusive": end.isoformat(),
            "periods": periods,
        },
        "owner_changes": [o.to_json() for o in owner_changes],
        "actions": [t.to_json() for t in truths],
        "not_measurable_yet": [
            a.to_json()
            for a in actions
            if a.proposal_id not in {t.action.proposal_id for t in truths}
        ],
    }


def _clear(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    previous = (out / TRUTH_FILE).is_file()
    for name in ("cur2", TRUTH_FILE):
        target = out / name
        if not target.exists():
            continue
        if not previous:
            raise GeneratorError(
                f"{target} exists but {out} holds no earlier next-period output ({TRUTH_FILE}); "
                "choose an empty --out folder"
            )
        if target.is_dir():
            shutil.rmtree(target)
        else:
            target.unlink()
