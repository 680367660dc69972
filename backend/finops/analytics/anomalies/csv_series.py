"""The anomaly detector on any regular time series in a CSV file (``finops detect anomalies``):
timestamps on the inferred grid (its step is the series' frequency), missing points as NaN, the
telemetry detector on it; and the cost detector's parameters for a step (``params_for_step``,
kept for comparison in ``finops eval anomalies --dataset``)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path

import numpy as np

from finops.analytics.anomalies.detector import DetectorParams
from finops.analytics.anomalies.telemetry import TelemetryParams, detect_telemetry
from finops.errors import FinOpsError
from finops.markdown import table


@dataclass(frozen=True, slots=True)
class CsvAnomaly:
    start: str
    end: str
    kind: str
    actual: float
    expected: float
    impact: float
    peak_score: float


def parse_time(value: str) -> datetime:
    text = value.strip().replace("Z", "+00:00")
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%d/%m/%Y %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise FinOpsError(f"cannot read {value!r} as a timestamp")


def read_csv_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """The header and the rows of a CSV file (a FinOpsError naming the file if unreadable)."""
    try:
        with path.open(newline="") as handle:
            reader = csv.DictReader(handle)
            return list(reader.fieldnames or []), list(reader)
    except OSError as exc:
        raise FinOpsError(f"cannot read {path}: {exc}") from exc


def read_series_csv(
    path: Path, *, timestamp_column: str | None = None, value_column: str | None = None
) -> tuple[list[datetime], np.ndarray, timedelta]:
    """A regular series from a CSV: timestamps on the inferred grid, missing points as NaN."""
    columns, rows = read_csv_rows(path)
    if not rows:
        raise FinOpsError(f"{path} has no data rows")
    ts_col = timestamp_column or next(
        (c for c in columns if any(k in c.lower() for k in ("time", "date", "ds"))), columns[0]
    )
    val_col = value_column or next(
        (c for c in columns if c.lower() in ("value", "y", "cost")), columns[-1]
    )
    for name in (ts_col, val_col):
        if name not in columns:
            raise FinOpsError(f"{path}: no column {name!r} (columns: {', '.join(columns)})")
    points: dict[datetime, float] = {}
    for line, row in enumerate(rows, start=2):
        try:
            points[parse_time(row[ts_col])] = float(row[val_col])
        except (ValueError, FinOpsError) as exc:
            raise FinOpsError(f"{path}, line {line}, column {val_col!r}/{ts_col!r}: {exc}") from exc
    grid, step = regular_grid(sorted(points), path=path, column=ts_col)
    values = np.full(len(grid), np.nan)
    for t, v in points.items():
        values[round((t - grid[0]) / step)] = v
    return grid, values, step


def regular_grid(
    stamps: list[datetime], *, path: Path, column: str
) -> tuple[list[datetime], timedelta]:
    """The regular grid through sorted timestamps: its step is the median spacing (the
    series' frequency), so a missing point is a gap on the grid, not a change of frequency."""
    if len(stamps) < 3:
        raise FinOpsError(f"{path}: at least 3 points are needed, got {len(stamps)}")
    step = timedelta(
        seconds=float(np.median([(b - a).total_seconds() for a, b in pairwise(stamps)]))
    )
    if step.total_seconds() <= 0:
        raise FinOpsError(f"{path}: timestamps in column {column!r} do not advance")
    count = int((stamps[-1] - stamps[0]) / step) + 1
    return [stamps[0] + k * step for k in range(count)], step


def params_for_step(step: timedelta) -> DetectorParams:
    """Daily data: a weekly cycle; sub-daily data: a daily cycle, windows of four days."""
    seconds = step.total_seconds()
    if seconds >= 86_400:
        return DetectorParams()
    season = max(2, round(86_400 / seconds))
    return DetectorParams(
        season_length=season,
        window=4 * season,
        min_history=season,
        drift_window=2 * season,
        drift_check_every=max(1, season // 4),
        shift_confirm=max(7, season // 8),
        max_gap=max(3, season // 48),
        refit_every=max(1, season // 24),
        min_abs_impact=0.0,
    )


def detect_csv(
    path: Path,
    *,
    timestamp_column: str | None = None,
    value_column: str | None = None,
    params: TelemetryParams | None = None,
) -> tuple[list[CsvAnomaly], str]:
    """The telemetry detector (``anomalies/telemetry.py``) on a CSV series of any step."""
    grid, values, step = read_series_csv(
        path, timestamp_column=timestamp_column, value_column=value_column
    )
    detection = detect_telemetry(values, step=step, params=params)
    found = [
        CsvAnomaly(
            start=grid[w.start].isoformat(),
            end=grid[w.end].isoformat(),
            kind=w.kind,
            actual=round(w.actual, 6),
            expected=round(w.expected, 6),
            impact=round(w.impact, 6),
            peak_score=round(w.peak_score, 3) if not np.isnan(w.peak_score) else float("nan"),
        )
        for w in detection.windows
    ]
    return found, table(
        ["start", "end", "kind", "actual", "expected", "impact", "peak z"],
        [[a.start, a.end, a.kind, a.actual, a.expected, a.impact, a.peak_score] for a in found],
    )
