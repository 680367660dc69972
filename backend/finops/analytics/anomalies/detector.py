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

import numpy as np
import numpy.typing as npt

from finops.analytics.anomalies.model import (
    AnomalyKind,
    AnomalyWindow,
    BoolArray,
    Detection,
    DetectorError,
    DetectorParams,
    FloatArray,
)
from finops.analytics.anomalies.regression import (
    Fit,
    base_design,
    drift_check,
    fill_extrapolation,
    fit_window,
    predict,
    recent_level,
)

__all__ = ["AnomalyWindow", "Detection", "DetectorError", "DetectorParams", "detect"]


@dataclass(slots=True)
class _Run:
    start: int
    sign: int
    points: list[int]
    peak: float


@dataclass(slots=True)
class _Scan:
    """The detector's pass over one series, point by point (only the past informs a point)."""

    y: FloatArray
    params: DetectorParams
    is_special: BoolArray
    is_accepted: BoolArray
    present: BoolArray = field(init=False)
    usable: BoolArray = field(init=False)  # points the regular fit may use
    base: npt.NDArray[np.float64] = field(init=False)
    first: int = field(init=False)
    expected: FloatArray = field(init=False)
    lower: FloatArray = field(init=False)
    upper: FloatArray = field(init=False)
    score: FloatArray = field(init=False)
    flagged: BoolArray = field(init=False)
    special_history: list[tuple[float, float]] = field(default_factory=list)  # (excess, regular)
    change_points: list[int] = field(default_factory=list)
    windows: list[AnomalyWindow] = field(default_factory=list)
    run: _Run | None = None
    fit: Fit | None = None
    fit_at: int = -(10**9)
    drift_until: int = -1

    def __post_init__(self) -> None:
        n = self.y.size
        self.expected = np.full(n, np.nan)
        self.lower = np.full(n, np.nan)
        self.upper = np.full(n, np.nan)
        self.score = np.zeros(n)
        self.flagged = np.zeros(n, dtype=bool)
        self.present = ~np.isnan(self.y)
        self.usable = self.present & ~self.is_special
        if self.params.skip_first_point and self.present.any():
            self.usable[int(np.argmax(self.present))] = False  # a launch day is a partial day
        self.base = base_design(n, self.params)
        self.first = int(np.argmax(self.present)) if self.present.any() else n

    def close_run(self, current: _Run, kind: AnomalyKind) -> None:
        pts = current.points
        self.windows.append(
            AnomalyWindow(
                start=pts[0],
                end=pts[-1],
                kind=kind,
                actual=float(np.nansum(self.y[pts])),
                expected=float(np.nansum(self.expected[pts])),
                lower=float(np.nansum(self.lower[pts])),
                upper=float(np.nansum(self.upper[pts])),
                peak_score=current.peak,
            )
        )

    def close_open_run(self) -> None:
        if self.run is not None:
            self.close_run(self.run, "spike" if self.run.sign > 0 else "dip")
            self.run = None

    def refit(self, i: int) -> Fit | None:
        params = self.params
        lo = max(self.first, i - params.window)
        cps = self.change_points
        if cps and i - cps[-1] >= 2 * params.season_length + params.min_history:
            # enough points since the last level shift: learn the new regime from them alone
            lo = max(lo, cps[-1])
        if self.fit is None or i - self.fit_at >= params.refit_every:
            self.fit = fit_window(self.y, self.usable, lo, i, params, cps, self.base)
            self.fit_at = i
        return self.fit

    def expectation(self, i: int, fit: Fit) -> tuple[float, float] | None:
        """Expected value and robust sigma of point ``i`` (None: a special point the history
        cannot judge yet)."""
        params, y = self.params, self.y
        regular = float(predict(fit, self.base, np.array([i]))[0])
        if not self.is_special[i]:
            return regular, max(fit.sigma, params.rel_noise_floor * abs(regular))
        # the recurring effect scales with the regular level (fees and tax follow use) when
        # there is one; on a series that is only fees it is the plain excess
        recent = self.special_history[-3:]
        level = recent_level(y, self.usable, i, params.season_length)
        self.special_history.append((y[i] - regular, level))
        if len(recent) < 2:
            return None  # two special points teach the effect before one is judged
        if level > 0 and all(r > 0 for _, r in recent):
            # fees and tax follow the level of use: scale by how the level moved since
            excess = np.array([e * level / r for e, r in recent])
        else:
            excess = np.array([e for e, _ in recent])
        center = float(np.median(excess))
        spread = float(np.max(np.abs(excess - center))) if excess.size > 1 else 0.0
        exp_i = regular + center
        return exp_i, max(fit.sigma, spread, params.rel_noise_floor * abs(exp_i))

    def step(self, i: int) -> None:
        params, y = self.params, self.y
        if not self.present[i] or int(np.sum(self.present[self.first : i])) < params.min_history:
            return
        fit = self.refit(i)
        if fit is None or not fit.seasonal:
            return  # every phase of the cycle needs min_cycles points before one is judged
        judged = self.expectation(i, fit)
        if judged is None:
            return
        exp_i, sigma = judged[0], max(judged[1], 1e-9)
        self.expected[i] = exp_i
        self.lower[i] = exp_i - params.threshold * sigma
        self.upper[i] = exp_i + params.threshold * sigma
        dev = y[i] - exp_i
        z = dev / sigma
        self.score[i] = z
        anomalous = (
            abs(z) > params.threshold
            and abs(dev) > params.min_rel_impact * max(abs(exp_i), 1e-9)
            and abs(dev) > params.min_abs_impact
            and (params.detect_drops or dev > 0)
            and not self.is_accepted[i]
        )
        if self.is_special[i]:
            self.special_point(i, anomalous=anomalous, dev=dev, z=z)
        elif anomalous:
            self.anomalous_point(i, dev=dev, z=z)
        else:
            self.normal_point(i)

    def special_point(self, i: int, *, anomalous: bool, dev: float, z: float) -> None:
        if not anomalous:
            return
        self.flagged[i] = True
        if self.run is not None and self.run.sign == (1 if dev > 0 else -1):
            return  # inside a run that is still open: part of that move
        # a month-start anomaly stands alone: it cannot start a level shift
        single = _Run(start=i, sign=1 if dev > 0 else -1, points=[i], peak=abs(z))
        self.close_run(single, "spike" if dev > 0 else "dip")

    def anomalous_point(self, i: int, *, dev: float, z: float) -> None:
        self.flagged[i] = True
        sign = 1 if dev > 0 else -1
        run = self.run
        if run is not None and (run.sign != sign or i - run.points[-1] > self.params.max_gap):
            self.close_open_run()
            run = None
        if run is None:
            run = self.run = _Run(start=i, sign=sign, points=[i], peak=abs(z))
        else:
            run.points.append(i)
            run.peak = max(run.peak, abs(z))
        self.usable[i] = False
        if len(run.points) >= self.params.shift_confirm:
            # a persistent move: a level shift; the new level becomes the baseline
            self.close_run(run, "level_shift")
            self.change_points.append(run.start)
            span = slice(run.start, i + 1)
            self.usable[span] = self.present[span] & ~self.is_special[span]
            self.run = None
            self.fit = None

    def normal_point(self, i: int) -> None:
        params = self.params
        if self.run is not None and i - self.run.points[-1] > params.max_gap:
            self.close_open_run()
        if self.run is not None or i <= self.drift_until:
            return
        if (i - self.first) % params.drift_check_every != 0:
            return
        args = (self.y, self.usable, self.first)
        drift = drift_check(*args, i, params, self.change_points, self.base)
        if drift is None:
            return
        start, end = drift
        pts = [p for p in range(start, end + 1) if self.usable[p]]
        if not pts:
            return
        # the drift window's expectation is the earlier fit's extrapolation
        fill_extrapolation(
            *args,
            start,
            end,
            params,
            self.change_points,
            self.base,
            self.expected,
            self.lower,
            self.upper,
        )
        self.close_run(_Run(start=start, sign=1, points=pts, peak=float("nan")), "drift")
        self.flagged[pts] = True
        self.drift_until = end + params.drift_window


def _mask(values: npt.ArrayLike | None, n: int) -> BoolArray:
    if values is None:
        return np.zeros(n, dtype=bool)
    return np.asarray(values, dtype=bool).copy()


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
    is_special, is_accepted = _mask(special, y.size), _mask(accepted, y.size)
    if is_special.shape != (y.size,) or is_accepted.shape != (y.size,):
        raise DetectorError("special and accepted masks must have the length of the series")
    scan = _Scan(y, params, is_special, is_accepted)
    for i in range(y.size):
        scan.step(i)
    scan.close_open_run()
    scan.windows.sort(key=lambda w: (w.start, w.end))
    return Detection(
        expected=scan.expected,
        lower=scan.lower,
        upper=scan.upper,
        score=scan.score,
        anomalous=scan.flagged,
        windows=scan.windows,
    )
