"""Public entry point: ``generate(options, progress=…)`` writes a whole demo estate to disk."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Protocol

import pyarrow as pa
import structlog

from finops.generator.billing.batch import LineBatch, PeriodTotals
from finops.generator.billing.engine import BillingEngine
from finops.generator.billing.period import period_batches
from finops.generator.cur import LegacyCurWriter
from finops.generator.cur2 import Cur2Converter
from finops.generator.cur2_columns import CUR2_SCHEMA
from finops.generator.data_export import CUR2_QUERY_TABLE, DataExportWriter, ToTable
from finops.generator.estate.build import build_estate
from finops.generator.estate.model import Estate
from finops.generator.focus import FOCUS_SCHEMA, FocusConverter
from finops.generator.ground_truth.document import write_ground_truth
from finops.generator.inventory import write_inventory
from finops.generator.options import (
    DEFAULT_ANCHOR,
    DEFAULT_START,
    MIN_DENSITY,
    OWNED,
    SCALES,
    GenerateOptions,
    GeneratorError,
)
from finops.generator.period_context import PeriodContext, invoice_id
from finops.generator.results import BillingTotals, GenerateResult
from finops.generator.streams.build import active_hours_estimate, build_streams
from finops.generator.streams.model import COST_SCALE, Streams
from finops.generator.timeline import Timeline
from finops.generator.utilization import write_utilization

# the defaults stay importable from here: finops.cli reads them as finops.generator.api.*
__all__ = ["DEFAULT_ANCHOR", "DEFAULT_START", "generate", "plan_estate"]

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Plan:
    estate: Estate
    streams: Streams
    hourly: bool


def _estimate(streams: Streams, timeline: Timeline, *, hourly: bool) -> float:
    stream_hours = active_hours_estimate(streams, timeline.hours)
    return (stream_hours if hourly else stream_hours / 24) * 1.12 + 1


def plan_estate(options: GenerateOptions, timeline: Timeline) -> Plan:
    """Build the estate, sized so the line-item count approaches the requested scale.

    ``small`` is the base estate at daily granularity. A target count uses hourly granularity
    when even the smallest estate stays under it at hourly grain, and daily granularity
    otherwise (short ranges cannot be diluted further); the estate is then grown or shrunk
    until the estimate meets the target.
    """

    def build(density: float) -> tuple[Estate, Streams]:
        estate = build_estate(
            timeline=timeline,
            seed=options.seed,
            accounts=options.accounts,
            density=density,
            extra_anomalies=options.extra_anomalies,
            usage_anomalies=options.usage_anomalies,
        )
        return estate, build_streams(estate)

    estate, streams = build(1.0)
    if options.scale == "small":
        return Plan(estate, streams, hourly=False)
    target = SCALES[options.scale] if isinstance(options.scale, str) else options.scale
    _, floor_streams = build(MIN_DENSITY)
    hourly = _estimate(floor_streams, timeline, hourly=True) <= target
    density = 1.0
    for _ in range(4):
        estimate = _estimate(streams, timeline, hourly=hourly)
        density = max(MIN_DENSITY, density * target / estimate)
        estate, streams = build(density)
    return Plan(estate, streams, hourly)


def generate(
    options: GenerateOptions, *, progress: Callable[[int], None] | None = None
) -> GenerateResult:
    """Write the estate's billing exports, utilization, inventory and ground truth."""
    options.validate()
    out = options.out_dir
    _clear_previous_output(out)
    timeline = Timeline(options.start, options.end)
    plan = plan_estate(options, timeline)
    estate, streams, hourly = plan.estate, plan.streams, plan.hourly
    periods = timeline.periods()
    restated = periods[-2].label if options.restatement and len(periods) >= 2 else None
    engine = BillingEngine(estate=estate, streams=streams, hourly=hourly, restated=restated)
    converter = Cur2Converter(estate=estate, streams=streams)
    sinks = _sinks(options, estate, streams, converter, hourly=hourly)
    log.info("generate.start", out=str(out), streams=len(streams), periods=len(periods))
    line_items = 0
    for period in periods:
        ctx = PeriodContext(
            period,
            estate.payer.account_id,
            estate.payer.name,
            invoice_id(options.seed, period.label),
        )
        revision = 2 if period.label == restated else 1
        for sink in sinks:
            sink.begin(ctx, revision=revision)
        for batch in period_batches(engine, period):
            for sink in sinks:
                sink.write(batch)
            line_items += len(batch)
            if progress is not None and len(batch):
                progress(len(batch))
        for sink in sinks:
            sink.end()
    files: list[Path] = []
    for sink in sinks:
        files.extend(sink.files)
    totals = {label: _totals(t) for label, t in engine.acc.period.items()}
    original = {label: _totals(t) for label, t in engine.acc.original.items()}
    extra_files = _side_outputs(options, estate)
    files.extend(extra_files)
    gt_path = write_ground_truth(
        path=out / "ground_truth.json",
        options=options,
        estate=estate,
        engine=engine,
        totals=totals,
        original_totals=original,
        restated=restated,
        hourly=hourly,
    )
    files.append(gt_path)
    result = GenerateResult(
        out_dir=out,
        line_items=line_items,
        files=sorted(files),
        totals=totals,
        ground_truth_path=gt_path,
        restated_period=restated,
        granularity="HOURLY" if hourly else "DAILY",
        original_totals=original,
    )
    if options.to_aws_endpoint:
        from finops.generator.to_aws import load_to_aws

        report = load_to_aws(
            endpoint=options.to_aws_endpoint,
            result=result,
            estate=estate,
            max_datapoints=options.to_aws_max_datapoints,
        )
        result = replace(result, aws_load=report)
    log.info("generate.done", line_items=line_items, files=len(result.files))
    return result


def _clear_previous_output(out: Path) -> None:
    """Remove a previous run's output; refuse to touch folders a generator run did not write."""
    out.mkdir(parents=True, exist_ok=True)
    previous = (out / "ground_truth.json").is_file()
    for name in OWNED:
        target = out / name
        if not target.exists():
            continue
        if not previous:
            raise GeneratorError(
                f"{target} exists but {out} holds no earlier generator output "
                "(ground_truth.json); choose an empty --out folder"
            )
        if target.is_dir():
            shutil.rmtree(target)
        else:
            target.unlink()


def _totals(t: PeriodTotals) -> BillingTotals:
    return BillingTotals(
        unblended=Decimal(t.unblended) / COST_SCALE,
        net_unblended=Decimal(t.net_unblended) / COST_SCALE,
        line_items=t.line_items,
    )


class Sink(Protocol):
    files: list[Path]

    def begin(self, ctx: PeriodContext, *, revision: int = 1) -> None: ...

    def write(self, batch: LineBatch) -> None: ...

    def end(self) -> list[Path]: ...


def _sinks(
    options: GenerateOptions,
    estate: Estate,
    streams: Streams,
    converter: Cur2Converter,
    *,
    hourly: bool,
) -> list[Sink]:
    sinks: list[Sink] = []
    out, name, seed = options.out_dir, options.export_name, options.seed

    def data_export(
        fmt: str, schema: pa.Schema, to_table: ToTable, query_table: str = CUR2_QUERY_TABLE
    ) -> DataExportWriter:
        """The Data Exports writer of format ``fmt`` (its folder and S3 prefix are ``fmt``)."""
        return DataExportWriter(
            root=out / fmt,
            export=name,
            schema=schema,
            to_table=to_table,
            seed=seed,
            hourly=hourly,
            s3_prefix=fmt,
            query_table=query_table,
        )

    if "cur2" in options.formats:
        sinks.append(data_export("cur2", CUR2_SCHEMA, converter.table))
    if "cur" in options.formats:
        sinks.append(
            LegacyCurWriter(
                root=out / "cur",
                report=name,
                converter=converter,
                streams=streams,
                seed=seed,
                hourly=hourly,
            )
        )
    if "focus" in options.formats:
        focus = FocusConverter(estate=estate, streams=streams, cur2=converter)
        sinks.append(data_export("focus", FOCUS_SCHEMA, focus.table, "FOCUS_1_2_AWS"))
    return sinks


def _side_outputs(options: GenerateOptions, estate: Estate) -> list[Path]:
    files: list[Path] = []
    if options.utilization:
        files += write_utilization(
            root=options.out_dir / "cloudwatch" / "metric-streams",
            estate=estate,
            days=options.utilization_days,
        )
    if options.inventory:
        files += write_inventory(
            root=options.out_dir / "config",
            estate=estate,
            utilization_days=options.utilization_days,
        )
    return files
