"""Public entry point: ``generate(options, progress=…)`` writes a whole demo estate to disk."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import structlog

from finops.errors import FinOpsError
from finops.generator.billing import BillingEngine
from finops.generator.cur2 import Cur2Converter, Cur2Writer, PeriodContext, invoice_id
from finops.generator.estate import Estate, build_estate
from finops.generator.ground_truth import write_ground_truth
from finops.generator.streams import COST_SCALE, Streams, active_hours_estimate, build_streams
from finops.generator.timeline import Timeline

log = structlog.get_logger(__name__)

DEFAULT_ANCHOR = date(2026, 11, 1)
DEFAULT_START = date(2025, 10, 1)
FORMATS = ("cur2", "cur", "focus")
SCALES = {"small": 0, "medium": 2_000_000, "large": 100_000_000}
OWNED = ("cur2", "cur", "focus", "cloudwatch", "config", "ground_truth.json")


class GeneratorError(FinOpsError):
    """The generator was given options it cannot honour (names the option at fault)."""


@dataclass(frozen=True, slots=True)
class GenerateOptions:
    """What to generate.

    ``start`` is the first day generated and ``end`` is EXCLUSIVE (the day after the last day),
    both UTC. The defaults cover 2025-10-01 … 2026-10-31 (13 billing periods).
    ``scale``: ``"small"`` (daily CUR granularity, ~100–300k line items for 8 accounts and
    13 months), ``"medium"`` (hourly, ~2M), ``"large"`` (hourly, ~100M) or an explicit target
    number of line items (hourly; the estate is sized to approach it).
    """

    out_dir: Path
    accounts: int = 8
    start: date = DEFAULT_START
    end: date = DEFAULT_ANCHOR
    seed: int = 42
    scale: str | int = "small"
    formats: tuple[str, ...] = ("cur2",)
    to_aws_endpoint: str | None = None
    export_name: str = "finops-demo"
    utilization_days: int = 14
    restatement: bool = True
    inventory: bool = True
    utilization: bool = True

    @classmethod
    def for_days(
        cls, *, out_dir: Path, days: int, anchor: date = DEFAULT_ANCHOR, **kwargs: object
    ) -> GenerateOptions:
        """The ``days`` days ending the day before ``anchor`` (a fixed date, never the clock)."""
        return cls(out_dir=out_dir, start=anchor - timedelta(days=days), end=anchor, **kwargs)  # type: ignore[arg-type]

    def validate(self) -> None:
        if self.end <= self.start:
            raise GeneratorError(f"end ({self.end}) must be after start ({self.start})")
        if self.accounts < 1:
            raise GeneratorError(f"accounts must be at least 1, got {self.accounts}")
        unknown = [f for f in self.formats if f not in FORMATS]
        if unknown or not self.formats:
            raise GeneratorError(f"formats {unknown or '()'} not in {', '.join(FORMATS)}")
        if isinstance(self.scale, str) and self.scale not in SCALES:
            raise GeneratorError(f"scale {self.scale!r} is not small, medium, large or a count")
        if isinstance(self.scale, int) and self.scale < 1:
            raise GeneratorError(f"scale must be a positive line-item count, got {self.scale}")
        if self.utilization_days < 1:
            raise GeneratorError("utilization_days must be at least 1")

    @property
    def hourly(self) -> bool:
        return self.scale != "small"


@dataclass(frozen=True, slots=True)
class BillingTotals:
    unblended: Decimal
    net_unblended: Decimal
    line_items: int


@dataclass(frozen=True, slots=True)
class GenerateResult:
    out_dir: Path
    line_items: int
    files: list[Path]
    totals: dict[str, BillingTotals]
    ground_truth_path: Path
    restated_period: str | None = None
    granularity: str = "DAILY"
    original_totals: dict[str, BillingTotals] = field(default_factory=dict)


def size_estate(options: GenerateOptions, timeline: Timeline) -> tuple[Estate, Streams]:
    """Build the estate, scaled so the line-item count approaches the requested scale."""
    estate = build_estate(timeline=timeline, seed=options.seed, accounts=options.accounts)
    streams = build_streams(estate)
    target = SCALES[options.scale] if isinstance(options.scale, str) else options.scale
    if not target:
        return estate, streams
    density = 1.0
    for _ in range(3):
        estimate = active_hours_estimate(streams, timeline.hours) * 1.12 + 1
        density = max(0.05, density * target / estimate)
        estate = build_estate(
            timeline=timeline, seed=options.seed, accounts=options.accounts, density=density
        )
        streams = build_streams(estate)
    return estate, streams


def generate(
    options: GenerateOptions, *, progress: Callable[[int], None] | None = None
) -> GenerateResult:
    """Write the estate's billing exports, utilization, inventory and ground truth."""
    options.validate()
    out = options.out_dir
    out.mkdir(parents=True, exist_ok=True)
    for name in OWNED:
        target = out / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    timeline = Timeline(options.start, options.end)
    estate, streams = size_estate(options, timeline)
    periods = timeline.periods()
    restated = periods[-2].label if options.restatement and len(periods) >= 2 else None
    engine = BillingEngine(estate=estate, streams=streams, hourly=options.hourly, restated=restated)
    converter = Cur2Converter(estate=estate, streams=streams)
    sinks = _sinks(options, estate, streams, converter)
    log.info("generate.start", out=str(out), streams=len(streams), periods=len(periods))
    line_items = 0
    for period in periods:
        ctx = PeriodContext(period, estate.payer.account_id, estate.payer.name,
                            invoice_id(options.seed, period.label))
        revision = 2 if period.label == restated else 1
        for sink in sinks:
            sink.begin(ctx, revision=revision)
        for batch in engine.period_batches(period):
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
    extra_files = _side_outputs(options, estate, streams)
    files.extend(extra_files)
    gt_path = write_ground_truth(
        path=out / "ground_truth.json", options=options, estate=estate, engine=engine,
        totals=totals, original_totals=original, restated=restated,
    )
    files.append(gt_path)
    result = GenerateResult(
        out_dir=out,
        line_items=line_items,
        files=sorted(files),
        totals=totals,
        ground_truth_path=gt_path,
        restated_period=restated,
        granularity="HOURLY" if options.hourly else "DAILY",
        original_totals=original,
    )
    if options.to_aws_endpoint:
        from finops.generator.to_aws import load_to_aws

        load_to_aws(endpoint=options.to_aws_endpoint, result=result, estate=estate)
    log.info("generate.done", line_items=line_items, files=len(result.files))
    return result


def _totals(t: object) -> BillingTotals:
    unblended = int(getattr(t, "unblended"))
    net = int(getattr(t, "net_unblended"))
    return BillingTotals(
        unblended=Decimal(unblended) / COST_SCALE,
        net_unblended=Decimal(net) / COST_SCALE,
        line_items=int(getattr(t, "line_items")),
    )


def _sinks(
    options: GenerateOptions, estate: Estate, streams: Streams, converter: Cur2Converter
) -> list[Cur2Writer]:
    sinks: list[Cur2Writer] = []
    if "cur2" in options.formats:
        writer = Cur2Writer(root=options.out_dir / "cur2", export=options.export_name,
                            converter=converter, hourly=options.hourly)
        sinks.append(writer)
    return sinks


def _side_outputs(options: GenerateOptions, estate: Estate, streams: Streams) -> list[Path]:
    return []
