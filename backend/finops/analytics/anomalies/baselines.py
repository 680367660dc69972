"""Baseline detectors the evaluation compares with: a rolling z-score and an STL residual test.

They return windows in the detector's format so the same scopes, root cause and deduplication
apply to all detectors; only the per-series decision differs.
"""

from __future__ import annotations

import warnings

import numpy as np
import numpy.typing as npt

from finops.analytics.anomalies.model import AnomalyWindow, FloatArray


def _windows(
    y: FloatArray,
    expected: FloatArray,
    spread: FloatArray,
    flags: npt.NDArray[np.bool_],
    score: FloatArray,
    z: float,
) -> list[AnomalyWindow]:
    out: list[AnomalyWindow] = []
    i = 0
    while i < y.size:
        if not flags[i]:
            i += 1
            continue
        j = i
        while j + 1 < y.size and flags[j + 1]:
            j += 1
        pts = np.arange(i, j + 1)
        out.append(
            AnomalyWindow(
                start=i,
                end=j,
                kind="spike" if float(np.sum(y[pts] - expected[pts])) >= 0 else "dip",
                actual=float(np.sum(y[pts])),
                expected=float(np.sum(expected[pts])),
                lower=float(np.sum(expected[pts] - z * spread[pts])),
                upper=float(np.sum(expected[pts] + z * spread[pts])),
                peak_score=float(np.max(np.abs(score[pts]))),
            )
        )
        i = j + 1
    return out


def rolling_zscore(
    y: FloatArray,
    special: npt.NDArray[np.bool_],
    accepted: npt.NDArray[np.bool_],
    *,
    window: int = 28,
    z: float = 3.0,
    min_history: int = 10,
    two_sided: bool = False,
) -> list[AnomalyWindow]:
    """Flag points more than ``z`` standard deviations above (``two_sided``: or below) the
    trailing ``window`` mean."""
    n = y.size
    expected = np.full(n, np.nan)
    spread = np.full(n, np.nan)
    score = np.zeros(n)
    flags = np.zeros(n, dtype=bool)
    present = ~np.isnan(y)
    for i in range(n):
        past = y[max(0, i - window) : i]
        past = past[~np.isnan(past)]
        if not present[i] or past.size < min_history:
            continue
        mean, std = float(np.mean(past)), float(np.std(past, ddof=1))
        std = max(std, 1e-9, 0.01 * abs(mean))
        expected[i], spread[i] = mean, std
        score[i] = (y[i] - mean) / std
        beyond = abs(score[i]) > z if two_sided else score[i] > z
        flags[i] = beyond and not accepted[i]
    return _windows(
        np.nan_to_num(y), np.nan_to_num(expected), np.nan_to_num(spread), flags, score, z
    )


def stl_residual(
    y: FloatArray,
    special: npt.NDArray[np.bool_],
    accepted: npt.NDArray[np.bool_],
    *,
    z: float = 3.5,
    min_history: int = 21,
    period: int = 7,
    two_sided: bool = False,
    iterations: tuple[int, int] | None = None,
) -> list[AnomalyWindow]:
    """STL decomposition (robust; ``period`` 7: the weekly cycle of daily data) of the whole
    series; flag residuals beyond ``z`` robust standard deviations (above, or ``two_sided``
    either way). Offline: it sees the future, which only helps it. ``iterations`` (inner,
    outer): fewer robustness passes than statsmodels' (2, 15) for long series."""
    from statsmodels.tsa.seasonal import STL  # type: ignore[import-untyped]

    present = ~np.isnan(y)
    if int(np.sum(present)) < max(min_history, 2 * period + 1):
        return []
    first = int(np.argmax(present))
    values = y[first:]
    known = ~np.isnan(values)
    # gaps inside the series are interpolated (a gap is no dip)
    values = np.interp(np.arange(values.size), np.nonzero(known)[0], values[known])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        stl = STL(values, period=period, robust=True)
        fit = stl.fit() if iterations is None else stl.fit(*iterations)
    resid = np.asarray(fit.resid, dtype=np.float64)
    trend_season = values - resid
    mad = float(np.median(np.abs(resid - np.median(resid)))) * 1.4826
    sigma = np.maximum(mad, 0.01 * np.abs(trend_season))
    score = resid / np.maximum(sigma, 1e-9)
    beyond = np.abs(score) > z if two_sided else score > z
    flags = beyond & ~accepted[first:] & known
    flags[: min_history - 1] = False
    windows = _windows(values, trend_season, sigma, flags, score, z)
    return [
        AnomalyWindow(
            w.start + first,
            w.end + first,
            w.kind,
            w.actual,
            w.expected,
            w.lower,
            w.upper,
            w.peak_score,
        )
        for w in windows
    ]
