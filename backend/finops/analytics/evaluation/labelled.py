"""Score series detectors on real telemetry with expert labels (``finops eval anomalies
--dataset DIR``), e.g. the cloud-monitoring dataset (github.com/microsoft/cloud-monitoring-dataset,
MIT): CSV files with ``TimeStamp``, ``Value`` and ``Label`` (1 = anomalous point).

Event-level scoring, per series:

- A labelled *window* is a maximal run of consecutive labelled points on the series' grid.
- An alert (a detector's window ``[start, end]``) that overlaps a labelled window is a hit; each
  window counts once however many alerts overlap it (true positives = windows hit). An alert
  that overlaps no labelled window is a false alarm. Windows no alert overlaps are misses.
- Precision = windows hit / (windows hit + false alarms); recall = windows hit / windows;
  F1 from both, all summed over the series of the data set (micro average).
- False alarms per series-week are counted on the series without any label (series where
  experts saw nothing) over their length in weeks.

Every detector runs on the same series in the same process; each sees the whole series and
decides every point from the points before it (the STL baseline is offline: it sees the whole
series, which can only help it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from fnmatch import fnmatch
from pathlib import Path

import numpy as np

from finops.analytics.anomalies.baselines import rolling_zscore, stl_residual
from finops.analytics.anomalies.csv_series import (
    params_for_step,
    parse_time,
    read_csv_rows,
    regular_grid,
)
from finops.analytics.anomalies.detector import detect
from finops.analytics.anomalies.model import AnomalyWindow, BoolArray, FloatArray
from finops.analytics.anomalies.telemetry import detect_telemetry
from finops.errors import FinOpsError

WEEK_SECONDS = 7 * 86_400.0

SeriesDetector = Callable[[FloatArray, timedelta], list[AnomalyWindow]]
"""A detector on one regular series (NaN = missing point) with its grid step."""


@dataclass(frozen=True, slots=True)
class LabelledSeries:
    name: str
    start: datetime
    step: timedelta
    values: FloatArray
    labels: BoolArray

    @property
    def weeks(self) -> float:
        return self.values.size * self.step.total_seconds() / WEEK_SECONDS


def read_labelled_csv(path: Path, *, name: str | None = None) -> LabelledSeries:
    """One labelled series on its regular grid (the step is the median spacing; missing points
    and empty values are NaN, never labelled)."""
    columns, rows = read_csv_rows(path)
    missing = [c for c in ("TimeStamp", "Value", "Label") if c not in columns]
    if missing:
        raise FinOpsError(f"{path}: no column(s) {', '.join(missing)} (columns: {columns})")
    points: dict[datetime, tuple[float, bool]] = {}
    for line, row in enumerate(rows, start=2):
        try:
            text = (row["Value"] or "").strip()
            value = float(text) if text else float("nan")
            label = float((row["Label"] or "0").strip() or 0) >= 0.5
            points[parse_time(row["TimeStamp"])] = (value, label)
        except (ValueError, FinOpsError) as exc:
            raise FinOpsError(f"{path}, line {line}: {exc}") from exc
    grid, step = regular_grid(sorted(points), path=path, column="TimeStamp")
    values = np.full(len(grid), np.nan)
    labels = np.zeros(len(grid), dtype=bool)
    for t, (v, lab) in points.items():
        k = round((t - grid[0]) / step)
        values[k], labels[k] = v, lab
    return LabelledSeries(name or path.stem, grid[0], step, values, labels)


def load_dataset(directory: Path, *, series_glob: Sequence[str] = ()) -> list[LabelledSeries]:
    """Every ``*.csv`` under ``directory`` (recursively), named by its relative path; with
    ``series_glob``, only those whose relative path matches one of the patterns (fnmatch, e.g.
    ``application-crash-rate-*/*``)."""
    if not directory.is_dir():
        raise FinOpsError(f"--dataset {directory}: not a directory")
    files = sorted(directory.rglob("*.csv"))
    if not files:
        raise FinOpsError(f"--dataset {directory}: no CSV files under it")
    if series_glob:
        names = {p: p.relative_to(directory).as_posix() for p in files}
        files = [p for p in files if any(fnmatch(names[p], g) for g in series_glob)]
        if not files:
            raise FinOpsError(
                f"--series-glob {' '.join(series_glob)}: no CSV file under {directory} matches"
            )
    return [read_labelled_csv(p, name=str(p.relative_to(directory))) for p in files]


def label_windows(labels: BoolArray) -> list[tuple[int, int]]:
    """Maximal runs of labelled points as inclusive (start, end) indices."""
    out: list[tuple[int, int]] = []
    start: int | None = None
    for i, flag in enumerate(labels.tolist()):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            out.append((start, i - 1))
            start = None
    if start is not None:
        out.append((start, labels.size - 1))
    return out


@dataclass(frozen=True, slots=True)
class SeriesScore:
    name: str
    windows: int
    hit: int
    alerts: int
    false_alarms: int
    weeks: float


def score_series(
    name: str, alerts: Sequence[tuple[int, int]], windows: Sequence[tuple[int, int]], weeks: float
) -> SeriesScore:
    """Windows hit, and alerts overlapping no window (see the module docstring)."""

    def overlaps(a: tuple[int, int], w: tuple[int, int]) -> bool:
        return a[0] <= w[1] and w[0] <= a[1]

    hit = sum(1 for w in windows if any(overlaps(a, w) for a in alerts))
    false = sum(1 for a in alerts if not any(overlaps(a, w) for w in windows))
    return SeriesScore(name, len(windows), hit, len(alerts), false, weeks)


@dataclass(slots=True)
class DatasetScore:
    detector: str
    series: list[SeriesScore] = field(default_factory=list)

    @property
    def windows(self) -> int:
        return sum(s.windows for s in self.series)

    @property
    def hit(self) -> int:
        return sum(s.hit for s in self.series)

    @property
    def false_alarms(self) -> int:
        return sum(s.false_alarms for s in self.series)

    @property
    def alerts(self) -> int:
        return sum(s.alerts for s in self.series)

    @property
    def precision(self) -> float:
        flagged = self.hit + self.false_alarms
        return self.hit / flagged if flagged else 0.0

    @property
    def recall(self) -> float:
        return self.hit / self.windows if self.windows else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def unlabelled(self) -> list[SeriesScore]:
        return [s for s in self.series if s.windows == 0]

    @property
    def unlabelled_false_per_week(self) -> float:
        """False alarms per series-week on the series without labels."""
        weeks = sum(s.weeks for s in self.unlabelled)
        return sum(s.false_alarms for s in self.unlabelled) / weeks if weeks else 0.0

    @property
    def worst_unlabelled_per_week(self) -> float:
        """The highest false-alarm rate of a single unlabelled series (per week)."""
        rates = [s.false_alarms / s.weeks for s in self.unlabelled if s.weeks > 0]
        return max(rates, default=0.0)


def evaluate_dataset(
    series: Sequence[LabelledSeries], detectors: dict[str, SeriesDetector]
) -> list[DatasetScore]:
    """Every detector on every series, scored event by event."""
    out = [DatasetScore(name) for name in detectors]
    for s in series:
        windows = label_windows(s.labels)
        for result, detector in zip(out, detectors.values(), strict=True):
            found = detector(s.values.copy(), s.step)
            alerts = [(w.start, w.end) for w in found]
            result.series.append(score_series(s.name, alerts, windows, s.weeks))
    return out


def points_per_day(step: timedelta) -> int:
    return max(1, round(86_400 / max(step.total_seconds(), 1e-9)))


def _telemetry(values: FloatArray, step: timedelta) -> list[AnomalyWindow]:
    return detect_telemetry(values, step=step).windows


def _regression(values: FloatArray, step: timedelta) -> list[AnomalyWindow]:
    return detect(values, params=params_for_step(step)).windows


def _rolling(values: FloatArray, step: timedelta) -> list[AnomalyWindow]:
    none = np.zeros(values.size, dtype=bool)
    window = max(28, points_per_day(step))
    return rolling_zscore(values, none, none, window=window, two_sided=True)


def _stl(values: FloatArray, step: timedelta) -> list[AnomalyWindow]:
    none = np.zeros(values.size, dtype=bool)
    per_day = points_per_day(step)
    period = per_day if per_day > 1 else 7
    # (1, 3) robustness passes: statsmodels' 2 × 15 take minutes on a fortnight of minutes
    return stl_residual(values, none, none, period=period, two_sided=True, iterations=(1, 3))


DATASET_DETECTORS: dict[str, SeriesDetector] = {
    "platform: telemetry detector (calibrated, 12 h alerts)": _telemetry,
    "platform: cost detector (regression, params_for_step)": _regression,
    "rolling z-score (1 d, two-sided, z>3)": _rolling,
    "STL residual (daily, two-sided, z>3.5)": _stl,
}
"""The platform's two detectors beside the baselines, with cycles and windows scaled to the
series' step: a
day of points (at least 28) for the rolling z-score, a daily period for STL (weekly on daily
data); both two-sided, as the labels mark rises and falls."""
