"""Conformal calibration of the forecast's interval width per horizon band, on many series.

A *path* is one platform forecast (default parameters, ``horizon`` days) from one origin of one
series, kept with what is needed to rebuild its intervals at any band scales: the actual days,
the forecast mean and the backtest's relative errors of the chosen model. The mean does not
depend on the band scales, so a path is forecast once and its coverage at any scales follows
exactly (``interval_widths`` is the forecaster's own code).

The band scales are split-conformal quantiles: the normalised error of a day (|actual −
forecast| / the 80% half-width with unit scales) pooled over every path of the *fit* seeds in a
band; the scale is its ⌈(n+1)·0.8⌉-th smallest value. Coverage is then reported on paths of
other, held-out seeds (never used for the fit).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from pathlib import Path

import numpy as np

from finops.analytics.forecasting.backtest import (
    ForecastParams,
    forecast_series,
    interval_widths,
    mase,
    mase_scale,
)
from finops.analytics.forecasting.models import FloatArray, ForecastError

LEVEL = 0.8


@dataclass(frozen=True, slots=True)
class ForecastPath:
    series: str
    origin: int
    """Days of history before the first forecast day (from the start of the data)."""
    actual: FloatArray
    mean: FloatArray
    relative_errors: FloatArray
    """The chosen combination's backtest errors (folds × backtest horizon)."""
    scale: float
    """In-sample weekly seasonal-naive MAE (the MASE denominator)."""

    def half_widths(self, params: ForecastParams) -> tuple[FloatArray, FloatArray]:
        """Absolute 80% and 95% half-widths with ``params``' bands and scales."""
        w80, w95 = interval_widths(
            self.relative_errors,
            self.mean.size,
            bands=params.interval_bands,
            band_scales=params.band_scales,
        )
        level = np.abs(self.mean) * params.interval_scale
        return w80 * level, w95 * level


def collect_paths(
    series: Mapping[str, FloatArray],
    days: Sequence[date],
    *,
    horizon: int = 180,
    before_end: Iterable[int] = (180, 210),
    params: ForecastParams | None = None,
) -> list[ForecastPath]:
    """One ``horizon``-day forecast per series and origin (``before_end`` days before the end
    of the data); a series whose history from its first cost to the origin is too short for
    the backtest is skipped at that origin (as ``evaluate_forecasts`` does)."""
    params = params or ForecastParams()
    paths = []
    n = len(days)
    for name, row in series.items():
        nonzero = np.nonzero(row)[0]
        if not nonzero.size:
            continue
        begin = int(nonzero[0])
        for back in before_end:
            origin = n - back
            if origin - begin < params.min_history + params.backtest_horizon:
                continue
            y = np.asarray(row[begin:origin], dtype=np.float64)
            try:
                result = forecast_series(y, days[begin:origin], horizon, params=params)
            except ForecastError:
                continue
            paths.append(
                ForecastPath(
                    series=name,
                    origin=origin,
                    actual=np.asarray(row[origin : origin + horizon], dtype=np.float64),
                    mean=result.mean,
                    relative_errors=result.choice.relative_errors,
                    scale=mase_scale(y),
                )
            )
    return paths


def save_paths(file: Path, paths: Sequence[ForecastPath]) -> None:
    file.parent.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, object] = {
        "series": np.asarray([p.series for p in paths], dtype=str),
        "origin": np.asarray([p.origin for p in paths], dtype=np.int64),
        "scale": np.asarray([p.scale for p in paths], dtype=np.float64),
    }
    for k, p in enumerate(paths):
        arrays[f"actual{k}"], arrays[f"mean{k}"] = p.actual, p.mean
        arrays[f"errors{k}"] = p.relative_errors
    np.savez(file, **arrays)  # type: ignore[arg-type]


def load_paths(file: Path) -> list[ForecastPath]:
    with np.load(file) as data:
        return [
            ForecastPath(
                series=str(name),
                origin=int(data["origin"][k]),
                actual=data[f"actual{k}"],
                mean=data[f"mean{k}"],
                relative_errors=data[f"errors{k}"],
                scale=float(data["scale"][k]),
            )
            for k, name in enumerate(data["series"])
        ]


def normalised_errors(
    paths: Sequence[ForecastPath], params: ForecastParams
) -> tuple[FloatArray, FloatArray]:
    """(|actual − forecast| / 80% half-width, horizon step) of every day of every path."""
    errors, steps = [], []
    for p in paths:
        w80, _ = p.half_widths(params)
        errors.append(
            np.abs(p.actual - p.mean[: p.actual.size]) / np.maximum(w80, 1e-9)[: p.actual.size]
        )
        steps.append(np.arange(1, p.actual.size + 1))
    if not errors:
        return np.zeros(0), np.zeros(0, dtype=np.int64)
    return np.concatenate(errors), np.concatenate(steps)


def conformal_quantile(values: FloatArray, level: float = LEVEL) -> float:
    """The ⌈(n+1)·level⌉-th smallest value (split conformal); +inf if n is too small."""
    n = values.size
    rank = math.ceil((n + 1) * level)
    if n == 0 or rank > n:
        return math.inf
    return float(np.sort(values)[rank - 1])


def fit_band_scales(
    paths: Sequence[ForecastPath], *, params: ForecastParams | None = None
) -> tuple[float, ...]:
    """Band scales that make each horizon band of the pooled ``paths`` cover 80%, relative to
    unit scales (a scale below 1 narrows its band; ``interval_widths`` still never lets a step
    be narrower than the one before it)."""
    base = params or ForecastParams()
    unit = ForecastParams(
        models=base.models,
        interval_scale=base.interval_scale,
        interval_bands=base.interval_bands,
        band_scales=(1.0,) * (len(base.interval_bands) + 1),
    )
    errors, steps = normalised_errors(paths, unit)
    edges = [0, *base.interval_bands, int(steps.max(initial=0))]
    scales = []
    for first, last in pairwise(edges):
        band = errors[(steps > first) & (steps <= last)]
        if band.size == 0:
            raise ForecastError(
                f"interval_bands {base.interval_bands!r}: no forecast day in steps "
                f"{first + 1}–{last} to calibrate on"
            )
        scales.append(conformal_quantile(band))
    return tuple(float(s) for s in scales)


@dataclass(frozen=True, slots=True)
class Coverage:
    horizon: int
    paths: int
    mase: float
    coverage80: float
    coverage95: float


def coverage(paths: Sequence[ForecastPath], horizon: int, *, params: ForecastParams) -> Coverage:
    """Coverage of the 80% and 95% intervals over steps 1..``horizon`` of every path long
    enough, and the mean MASE of those ``horizon``-day forecasts."""
    used = [p for p in paths if p.actual.size >= horizon]
    covered80 = covered95 = points = 0
    scores = []
    for p in used:
        w80, w95 = p.half_widths(params)
        actual, mean = p.actual[:horizon], p.mean[:horizon]
        miss = np.abs(actual - mean)
        covered80 += int(np.sum(miss <= w80[:horizon]))
        covered95 += int(np.sum(miss <= w95[:horizon]))
        points += horizon
        scores.append(mase(actual, mean, p.scale))
    if not points:
        return Coverage(horizon, 0, math.nan, math.nan, math.nan)
    return Coverage(
        horizon, len(used), float(np.mean(scores)), covered80 / points, covered95 / points
    )
