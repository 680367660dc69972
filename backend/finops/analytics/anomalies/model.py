"""The anomaly detector's parameters and results (``detector.detect`` computes them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from finops.errors import FinOpsError

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
AnomalyKind = Literal["spike", "dip", "level_shift", "drift"]


class DetectorError(FinOpsError):
    """The detector was given a series or parameters it cannot work with."""


@dataclass(frozen=True, slots=True)
class DetectorParams:
    """Parameters of :func:`detect`. The defaults suit daily cost series (see docs/analytics.md)."""

    season_length: int = 7
    """Points per seasonal cycle (7 for daily data with a weekly cycle, 288 for 5-minute data)."""
    fourier_terms: int = 3
    """Harmonics of the seasonal cycle (3 for a 7-point cycle = one effect per weekday)."""
    window: int = 56
    """Trailing points the baseline is fitted on."""
    min_history: int = 10
    """Points of history needed before a point is scored ..."""
    min_cycles: int = 3
    """... and seasonal series need this many points of every phase of the cycle (3 weeks of
    daily data), so a single odd day in the first weeks cannot pass for the weekly pattern."""
    threshold: float = 5.0
    """Robust z-score (residual / (1.4826 * MAD)) beyond which a point may be anomalous."""
    min_rel_impact: float = 0.15
    """... and the deviation must exceed this fraction of the expected value ..."""
    min_abs_impact: float = 1.0
    """... and this absolute amount (dollars per point for cost)."""
    rel_noise_floor: float = 0.02
    """The robust sigma is at least this fraction of the expected value."""
    shift_confirm: int = 7
    """Consecutive same-sign anomalous points that turn a run into a level shift."""
    drift_window: int = 28
    """Points of the recent window the drift check compares with the earlier fit."""
    drift_rel: float = 0.25
    """Relative excess over the earlier fit's extrapolation that makes a drift."""
    drift_check_every: int = 7
    max_gap: int = 3
    """Points a run may skip and still be one window (3 bridges a weekend of a weekday-only
    workload)."""
    refit_every: int = 1
    """Refit the baseline every N points (raise it for long high-frequency series)."""
    huber_k: float = 1.5
    skip_first_point: bool = False
    """Keep a series' first point out of the fits (daily cost: a resource's launch day is a
    partial day)."""
    detect_drops: bool = True
    """Also report drops (a cost that falls is usually good news, but a broken export is not)."""

    def __post_init__(self) -> None:
        checks = {
            "season_length": self.season_length >= 1,
            "window": self.window >= 4,
            "min_history": self.min_history >= 3,
            "threshold": self.threshold > 0,
            "shift_confirm": self.shift_confirm >= 2,
            "drift_window": self.drift_window >= 7,
            "refit_every": self.refit_every >= 1,
            "drift_check_every": self.drift_check_every >= 1,
        }
        bad = [name for name, ok in checks.items() if not ok]
        if bad:
            raise DetectorError(f"invalid detector parameter(s): {', '.join(bad)}")


@dataclass(frozen=True, slots=True)
class AnomalyWindow:
    """A run of anomalous points ``[start, end]`` (inclusive indices into the series)."""

    start: int
    end: int
    kind: AnomalyKind
    actual: float
    expected: float
    lower: float
    upper: float
    peak_score: float

    @property
    def impact(self) -> float:
        return self.actual - self.expected

    @property
    def impact_pct(self) -> float:
        return 100.0 * self.impact / self.expected if self.expected > 0 else float("inf")


@dataclass(slots=True)
class Detection:
    """Per-point baseline and the anomalous windows of one series."""

    expected: FloatArray
    lower: FloatArray
    upper: FloatArray
    score: FloatArray
    anomalous: BoolArray
    windows: list[AnomalyWindow] = field(default_factory=list)
