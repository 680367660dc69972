"""What the generator is asked for: ``GenerateOptions`` and the error for options it cannot
honour."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from finops.errors import FinOpsError

DEFAULT_ANCHOR = date(2026, 11, 1)
DEFAULT_START = date(2025, 10, 1)
FORMATS = ("cur2", "cur", "focus")
MIN_DENSITY = 0.05
SCALES = {"small": 0, "medium": 2_000_000, "large": 100_000_000}
OWNED = ("cur2", "cur", "focus", "cloudwatch", "config", "ground_truth.json")


class GeneratorError(FinOpsError):
    """The generator was given options it cannot honour (names the option at fault), or a
    planted situation cannot be completed (names the resource)."""


@dataclass(frozen=True, slots=True)
class GenerateOptions:
    """What to generate.

    ``start`` is the first day generated and ``end`` is EXCLUSIVE (the day after the last day),
    both UTC. The defaults cover 2025-10-01 … 2026-10-31 (13 billing periods).
    ``scale``: ``"small"`` (daily CUR granularity, ~100–300k line items for 8 accounts and
    13 months), ``"medium"`` (~2M), ``"large"`` (~100M) or an explicit target number of line
    items: the estate is sized to approach the target, at hourly granularity unless the range is
    too short for it (see ``plan_estate``).
    """

    out_dir: Path
    accounts: int = 8
    start: date = DEFAULT_START
    end: date = DEFAULT_ANCHOR
    seed: int = 42
    scale: str | int = "small"
    formats: tuple[str, ...] = ("cur2",)
    to_aws_endpoint: str | None = None
    to_aws_max_datapoints: int = 30_000
    export_name: str = "finops-demo"
    utilization_days: int = 14
    restatement: bool = True
    inventory: bool = True
    utilization: bool = True
    extra_anomalies: int = 0
    """More planted cost anomalies, for evaluation estates (0 keeps the demo estate as is)."""
    usage_anomalies: bool = False
    """Plant an instance pinned at 100% CPU whose cost spikes and a CPU blip without cost
    (usage anomaly tests and evaluation; False keeps the demo estate as is)."""

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
