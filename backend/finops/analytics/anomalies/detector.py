"""The anomaly detector: a library function for any regular time series.

For every point, a robust regression fitted on the trailing window only (level, trend, seasonal
Fourier terms, a step at each confirmed level shift) predicts the point; the residual is scored
against the window's median absolute deviation. Points that deviate by more than ``threshold``
robust standard deviations *and* by more than the relative and absolute impact floors are
anomalous. Anomalous points are kept out of later fits (so a spike does not become the baseline)
until ``shift_confirm`` consecutive points in one direction make it a level shift: a step is then
added to the model and the new level becomes normal. A separate weekly check compares the last
``drift_window`` points with the extrapolation of the fit before them, to catch slow drifts that a
trend term would otherwise absorb. "Special" points (the first day of a month, where monthly fees
land) are predicted from the excess of earlier special points over the regular fit.

Everything is computed from the series and its past: the same input gives the same output.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from finops.errors import FinOpsError

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
AnomalyKind = Literal["spike", "dip", "level_shift", "drift"]

_MAD_TO_SIGMA = 1.4826


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


def _base_design(n: int, params: DetectorParams) -> npt.NDArray[np.float64]:
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
class _Fit:
    coef: FloatArray  # base columns followed by one coefficient per step
    steps: list[int]
    sigma: float
    seasonal: bool = True


def _with_steps(
    base: npt.NDArray[np.float64], idx: npt.NDArray[np.int64], steps: list[int]
) -> npt.NDArray[np.float64]:
    if not steps:
        return base[idx]
    return np.column_stack([base[idx]] + [(idx >= s).astype(np.float64) for s in steps])


def _huber_fit(
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
        scale = _MAD_TO_SIGMA * float(np.median(np.abs(resid)))
        if scale <= 1e-12:
            break
        u = np.abs(resid) / (k * scale)
        new = np.minimum(1.0, 1.0 / np.maximum(u, 1e-12))
        if float(np.max(np.abs(new - weights))) < 1e-3:
            break
        weights = new
    return coef, y - x @ coef


def _fit(
    y: FloatArray,
    usable: BoolArray,
    lo: int,
    hi: int,
    params: DetectorParams,
    change_points: list[int],
    base: npt.NDArray[np.float64],
) -> _Fit | None:
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
        x = _with_steps(base[:, :1], idx, steps)
        small, resid = _huber_fit(x, y[idx], params.huber_k)
        coef = np.concatenate([small[:1], np.zeros(n_base - 1), small[1:]])
        n_par = x.shape[1]
        seasonal = n_base <= 2  # no seasonal terms to miss
    else:
        x = _with_steps(base, idx, steps)
        coef, resid = _huber_fit(x, y[idx], params.huber_k)
        n_par = x.shape[1]
        seasonal = True
    dof = max(idx.size - n_par, 1) / idx.size
    sigma = _MAD_TO_SIGMA * float(np.median(np.abs(resid))) / float(np.sqrt(dof))
    return _Fit(coef=coef, steps=steps, sigma=sigma, seasonal=seasonal)


def _predict(fit: _Fit, base: npt.NDArray[np.float64], idx: npt.NDArray[np.int64]) -> FloatArray:
    x = _with_steps(base, idx, fit.steps)
    result: FloatArray = x @ fit.coef
    return result


@dataclass(slots=True)
class _Run:
    start: int
    sign: int
    points: list[int]
    peak: float


def detect(
    values: npt.ArrayLike,
    *,
    params: DetectorParams | None = None,
    special: npt.ArrayLike | None = None,
    accepted: npt.ArrayLike | None = None,
) -> Detection:
    """Detect anomalies in a regular series (missing points as NaN).

    ``special`` marks points with their own recurring effect (monthly fees on the 1st); they are
    predicted from the excess of earlier special points over the regular fit and never used to
    fit it. ``accepted`` marks points a person said are normal (false-positive feedback): they are
    never flagged and always used for fitting.
    """
    params = params or DetectorParams()
    y = np.asarray(values, dtype=np.float64)
    if y.ndim != 1:
        raise DetectorError(f"the series must be one-dimensional, got shape {y.shape}")
    n = y.size
    is_special = (
        np.zeros(n, dtype=bool) if special is None else np.asarray(special, dtype=bool).copy()
    )
    is_accepted = (
        np.zeros(n, dtype=bool) if accepted is None else np.asarray(accepted, dtype=bool).copy()
    )
    if is_special.shape != (n,) or is_accepted.shape != (n,):
        raise DetectorError("special and accepted masks must have the length of the series")

    expected = np.full(n, np.nan)
    lower = np.full(n, np.nan)
    upper = np.full(n, np.nan)
    score = np.zeros(n)
    flagged = np.zeros(n, dtype=bool)
    kinds: dict[int, AnomalyKind] = {}
    present = ~np.isnan(y)
    usable = present & ~is_special  # points the regular fit may use
    if params.skip_first_point and present.any():
        usable[int(np.argmax(present))] = False  # a launch day is a partial day
    special_history: list[tuple[float, float]] = []  # (excess, regular) of special points
    change_points: list[int] = []
    windows: list[AnomalyWindow] = []
    run: _Run | None = None
    base = _base_design(n, params)
    fit: _Fit | None = None
    fit_at = -(10**9)
    first = int(np.argmax(present)) if present.any() else n
    drift_until = -1

    def close_run(current: _Run, kind: AnomalyKind) -> None:
        pts = current.points
        windows.append(
            AnomalyWindow(
                start=pts[0],
                end=pts[-1],
                kind=kind,
                actual=float(np.nansum(y[pts])),
                expected=float(np.nansum(expected[pts])),
                lower=float(np.nansum(lower[pts])),
                upper=float(np.nansum(upper[pts])),
                peak_score=current.peak,
            )
        )
        for p in pts:
            kinds[p] = kind

    for i in range(n):
        if not present[i]:
            continue
        history = int(np.sum(present[first:i]))
        if history < params.min_history:
            continue
        lo = max(first, i - params.window)
        if change_points and i - change_points[-1] >= 2 * params.season_length + params.min_history:
            # enough points since the last level shift: learn the new regime from them alone
            lo = max(lo, change_points[-1])
        if fit is None or i - fit_at >= params.refit_every:
            fit = _fit(y, usable, lo, i, params, change_points, base)
            fit_at = i
        if fit is None or not fit.seasonal:
            continue  # every phase of the cycle needs min_cycles points before one is judged
        regular = float(_predict(fit, base, np.array([i]))[0])
        if is_special[i]:
            # the recurring effect scales with the regular level (fees and tax follow use) when
            # there is one; on a series that is only fees it is the plain excess
            recent = special_history[-3:]
            level = _recent_level(y, usable, i, params.season_length)
            special_history.append((y[i] - regular, level))
            if len(recent) < 2:
                continue  # two special points teach the effect before one is judged
            if level > 0 and all(r > 0 for _, r in recent):
                # fees and tax follow the level of use: scale by how the level moved since
                excess = np.array([e * level / r for e, r in recent])
            else:
                excess = np.array([e for e, _ in recent])
            center = float(np.median(excess))
            spread = float(np.max(np.abs(excess - center))) if excess.size > 1 else 0.0
            exp_i = regular + center
            sigma = max(fit.sigma, spread, params.rel_noise_floor * abs(exp_i))
        else:
            exp_i = regular
            sigma = max(fit.sigma, params.rel_noise_floor * abs(exp_i))
        sigma = max(sigma, 1e-9)
        expected[i] = exp_i
        lower[i] = exp_i - params.threshold * sigma
        upper[i] = exp_i + params.threshold * sigma
        dev = y[i] - exp_i
        z = dev / sigma
        score[i] = z
        anomalous = (
            abs(z) > params.threshold
            and abs(dev) > params.min_rel_impact * max(abs(exp_i), 1e-9)
            and abs(dev) > params.min_abs_impact
            and (params.detect_drops or dev > 0)
            and not is_accepted[i]
        )
        if is_special[i]:
            sign_i = 1 if dev > 0 else -1
            if anomalous and run is not None and run.sign == sign_i:
                flagged[i] = True  # inside a run that is still open: part of that move
                continue
            if anomalous:  # a month-start anomaly stands alone: it cannot start a level shift
                flagged[i] = True
                kind: AnomalyKind = "spike" if dev > 0 else "dip"
                close_run(_Run(start=i, sign=1 if dev > 0 else -1, points=[i], peak=abs(z)), kind)
            continue
        if anomalous:
            flagged[i] = True
            sign = 1 if dev > 0 else -1
            if run is not None and (run.sign != sign or i - run.points[-1] > params.max_gap):
                close_run(run, "spike" if run.sign > 0 else "dip")
                run = None
            if run is None:
                run = _Run(start=i, sign=sign, points=[i], peak=abs(z))
            else:
                run.points.append(i)
                run.peak = max(run.peak, abs(z))
            usable[i] = False
            if len(run.points) >= params.shift_confirm:
                # a persistent move: a level shift; the new level becomes the baseline
                close_run(run, "level_shift")
                change_points.append(run.start)
                usable[run.start : i + 1] = (
                    present[run.start : i + 1] & ~is_special[run.start : i + 1]
                )
                run = None
                fit = None
        else:
            if run is not None and i - run.points[-1] > params.max_gap:
                close_run(run, "spike" if run.sign > 0 else "dip")
                run = None
            if run is None and i > drift_until and (i - first) % params.drift_check_every == 0:
                drift = _drift_check(y, usable, first, i, params, change_points, base)
                if drift is not None:
                    start, end = drift
                    pts = [p for p in range(start, end + 1) if usable[p]]
                    if pts:
                        # the drift window's expectation is the earlier fit's extrapolation
                        _fill_extrapolation(
                            y,
                            usable,
                            first,
                            start,
                            end,
                            params,
                            change_points,
                            base,
                            expected,
                            lower,
                            upper,
                        )
                        close_run(_Run(start=start, sign=1, points=pts, peak=float("nan")), "drift")
                        flagged[pts] = True
                        drift_until = end + params.drift_window
    if run is not None:
        close_run(run, "spike" if run.sign > 0 else "dip")
    windows.sort(key=lambda w: (w.start, w.end))
    return Detection(
        expected=expected,
        lower=lower,
        upper=upper,
        score=score,
        anomalous=flagged,
        windows=windows,
    )


def _recent_level(y: FloatArray, usable: BoolArray, i: int, season: int) -> float:
    """Mean of the usable points of the last cycle before ``i`` (the level of use)."""
    lo = max(0, i - max(season, 7))
    values = y[lo:i][usable[lo:i]]
    return float(np.mean(values)) if values.size else 0.0


def _drift_check(
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
    fit = _fit(y, usable, fit_lo, recent_lo, params, [], base)
    if fit is None:
        return None
    idx = np.arange(recent_lo, i + 1)
    idx = idx[usable[recent_lo : i + 1]]
    if idx.size < params.drift_window // 2:
        return None
    pred = _predict(fit, base, idx)
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


def _fill_extrapolation(
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
    fit = _fit(y, usable, fit_lo, start, params, [c for c in change_points if c <= start], base)
    if fit is None:
        return
    idx = np.arange(start, end + 1)
    pred = _predict(fit, base, idx)
    sigma = np.maximum(fit.sigma, params.rel_noise_floor * np.abs(pred))
    expected[idx] = pred
    lower[idx] = pred - params.threshold * sigma
    upper[idx] = pred + params.threshold * sigma
