"""What a generator run reports: the files it wrote, the billing totals per period, and what
``--to-aws`` loaded."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path


@dataclass(slots=True)
class AwsLoadReport:
    objects: int = 0
    instances: int = 0
    volumes: int = 0
    snapshots: int = 0
    addresses: int = 0
    datapoints: int = 0
    id_map: dict[str, str] = field(default_factory=dict)  # simulated id -> endpoint id


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
    aws_load: AwsLoadReport | None = None
