"""The detector's baseline: a robust (Huber) regression on a trailing window — level, trend,
Fourier terms of the seasonal cycle and a step at each confirmed level shift — its prediction,
and the weekly drift check against the extrapolation of an earlier fit."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from finops.analytics.anomalies.model import BoolArray, DetectorParams, FloatArray

MAD_TO_SIGMA = 1.4826
"""The median absolute deviation of normal noise times this is its standard deviation."""


def base_design(n: int, params: DetectorParams) -> npt.NDArray[np.float64]:
    """Columns for every point: intercept, trend (per season), Fourier terms of the cycle."""
    t = np.arange(n, dtype=np.float64)
    columns = [np.ones(n), t / max(params.season_length, 1)]
    k = min(params.fourier_terms, (params.season_length - 1) // 2)
    for h in range(1, k + 1):
        angle = 2.0 * np.pi * h * t / params.season_length
        columns.append(np.sin(angle))
        columns.append(np.cos(angle))
    if params.season_length % 2 == 0 and params.season_length >= 2 and k >= 1:
        columns.append(np.cos(np.pi * t))  # the Nyquist harmonic of an even cycle
    return np.column_stack(columns)


@dataclass(slots=True)
class Fit:
    coef: FloatArray  # base columns followed by one coefficient per step
    steps: list[int]
    sigma: float
    seasonal: bool = True


def with_steps(
    base: npt.NDArray[np.float64], idx: npt.NDArray[np.int64], steps: list[int]
) -> npt.NDArray[np.float64]:
    if not steps:
        return base[idx]
    return np.column_stack([base[idx]] + [(idx >= s).astype(np.float64) for s in steps])


def huber_fit(
    x: npt.NDArray[np.float64], y: FloatArray, k: float, iterations: int = 6
) -> tuple[FloatArray, FloatArray]:
    """Iteratively reweighted least squares with Huber weights; returns (coef, residuals)."""
    weights = np.ones_like(y)
    ridge = 1e-9 * np.eye(x.shape[1])
    coef = np.zeros(x.shape[1])
    for _ in range(iterations):
        xw = x * weights[:, None]
        coef = np.asarray(np.linalg.solve(xw.T @ x + ridge, xw.T @ y), dtype=np.float64)
        resid = y - x @ coef
        scale = MAD_TO_SIGMA * float(np.median(np.abs(resid)))
        if scale <= 1e-12:
            break
        u = np.abs(resid) / (k * scale)
        new = np.minimum(1.0, 1.0 / np.maximum(u, 1e-12))
        if float(np.max(np.abs(new - weights))) < 1e-3:
            break
        weights = new
    return coef, y - x @ coef


def fit_window(
    y: FloatArray,
    usable: BoolArray,
    lo: int,
    hi: int,
    params: DetectorParams,
    change_points: list[int],
    base: npt.NDArray[np.float64],
) -> Fit | None:
    idx = np.arange(lo, hi)
    idx = idx[usable[lo:hi]]
    if idx.size < params.min_history:
        return None
    # a step needs points on both sides to be estimated
    steps = [c for c in change_points if idx[0] < c <= idx[-1] and int(np.sum(idx >= c)) >= 2]
    n_base = base.shape[1]
    phases = np.bincount(idx % params.season_length, minlength=params.season_length)
    if idx.size < n_base + len(steps) + 3 or int(phases.min()) < params.min_cycles:
        # too few points for trend and seasonal terms (each phase of the cycle needs a few)
        x = with_steps(base[:, :1], idx, steps)
        small, resid = huber_fit(x, y[idx], params.huber_k)
        coef = np.concatenate([small[:1], np.zeros(n_base - 1), small[1:]])
        n_par = x.shape[1]
        seasonal = n_base <= 2  # no seasonal terms to miss
    else:
        x = with_steps(base, idx, steps)
        coef, resid = huber_fit(x, y[idx], params.huber_k)
        n_par = x.shape[1]
        seasonal = True
    dof = max(idx.size - n_par, 1) / idx.size
    sigma = MAD_TO_SIGMA * float(np.median(np.abs(resid))) / float(np.sqrt(dof))
    return Fit(coef=coef, steps=steps, sigma=sigma, seasonal=seasonal)


def predict(fit: Fit, base: npt.NDArray[np.float64], idx: npt.NDArray[np.int64]) -> FloatArray:
    x = with_steps(base, idx, fit.steps)
    result: FloatArray = x @ fit.coef
    return result


def recent_level(y: FloatArray, usable: BoolArray, i: int, season: int) -> float:
    """Mean of the usable points of the last cycle before ``i`` (the level of use)."""
    lo = max(0, i - max(season, 7))
    values = y[lo:i][usable[lo:i]]
    return float(np.mean(values)) if values.size else 0.0


def drift_check(
    y: FloatArray,
    usable: BoolArray,
    first: int,
    i: int,
    params: DetectorParams,
    change_points: list[int],
    base: npt.NDArray[np.float64],
) -> tuple[int, int] | None:
    """A sustained rise of the last ``drift_window`` points over the earlier fit's extrapolation.

    Returns the (start, end) indices of the drifting stretch, or None.
    """
    recent_lo = i - params.drift_window + 1
    fit_lo = max(first, recent_lo - params.window)
    if recent_lo - fit_lo < max(params.min_history, 2 * params.season_length):
        return None
    if any(fit_lo < c <= i for c in change_points):
        return None
    fit = fit_window(y, usable, fit_lo, recent_lo, params, [], base)
    if fit is None:
        return None
    idx = np.arange(recent_lo, i + 1)
    idx = idx[usable[recent_lo : i + 1]]
    if idx.size < params.drift_window // 2:
        return None
    pred = predict(fit, base, idx)
    if float(np.min(pred)) <= 0:
        return None  # a falling trend extrapolated below zero says nothing about a rise
    actual = y[idx]
    total_pred = float(np.sum(pred))
    if total_pred <= 0:
        return None
    excess = float(np.sum(actual) - total_pred)
    if excess / total_pred < params.drift_rel or excess < params.min_abs_impact * idx.size:
        return None
    # gradual: the excess grows over the window (the last third exceeds the first third)
    ratio = actual / np.maximum(pred, 1e-9) - 1.0
    third = max(1, idx.size // 3)
    if not float(np.mean(ratio[-third:])) > float(np.mean(ratio[:third])) + params.drift_rel / 2:
        return None
    # and the cost itself rose: the last cycle stands drift_rel above the cycle before the
    # window (a trend that bent down, extrapolated, would otherwise make a flat series drift)
    k = params.season_length if 2 * params.season_length <= params.drift_window else third
    before = y[max(first, recent_lo - k) : recent_lo][usable[max(first, recent_lo - k) : recent_lo]]
    if before.size == 0 or float(np.mean(actual[-k:])) < (1 + params.drift_rel) * max(
        float(np.mean(before)), 0.0
    ):
        return None
    over = np.nonzero(ratio > params.min_rel_impact / 2)[0]
    start = int(idx[over[0]]) if over.size else int(idx[0])
    return start, i


def fill_extrapolation(
    y: FloatArray,
    usable: BoolArray,
    first: int,
    start: int,
    end: int,
    params: DetectorParams,
    change_points: list[int],
    base: npt.NDArray[np.float64],
    expected: FloatArray,
    lower: FloatArray,
    upper: FloatArray,
) -> None:
    fit_lo = max(first, start - params.window)
    fit = fit_window(
        y, usable, fit_lo, start, params, [c for c in change_points if c <= start], base
    )
    if fit is None:
        return
    idx = np.arange(start, end + 1)
    pred = predict(fit, base, idx)
    sigma = np.maximum(fit.sigma, params.rel_noise_floor * np.abs(pred))
    expected[idx] = pred
    lower[idx] = pred - params.threshold * sigma
    upper[idx] = pred + params.threshold * sigma
