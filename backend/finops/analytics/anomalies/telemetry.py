"""The detector for telemetry of any regular frequency (minutes to days): CloudWatch-like usage
metrics, request rates, latencies, counts, or any series ``finops detect anomalies --csv`` reads.

Every point is judged from the points before it only (docs/analytics.md has the details):

1. **Scale.** The series' own values (no log or root): the labelled real anomalies are bursts
   many times the usual level, which a log scale compresses to the size of the noise near zero
   (0 → 1 → 3 crashes is a large move in ``log(y + c)``): bursts went unflagged while the level
   followed them (sometimes only the fall back was flagged, as a dip), and zeros of small counts
   were flagged as dips.
2. **Expected value.** Candidates "seasonal profile + recent level": no cycle, the daily cycle
   (median of the same time of day over the last ≤ 7 days, sub-daily data) and the weekly cycle
   (same time of week over the last ≤ 4 weeks, once 3 weeks exist); the level is the median
   departure from the profile over the last unflagged points. Every hour of points, the
   candidate with the smallest recent median absolute error (among those with two days of
   errors of their own) is chosen.
3. **Score.** The error over a robust scale of the last two days — a signed robust z.
4. **Calibrated threshold** (split-conformal with an extreme-value tail): the chosen candidate's
   own absolute errors over the last ``calibration_days``, on today's scale, are the
   calibration scores; the threshold is their ``1 - alarms_per_week / points per week``
   quantile, extrapolated by a generalised Pareto tail fitted by probability-weighted moments
   to the top 5%. The false alarm rate is the setting, not a constant tuned to one kind of
   series.
5. **Alerts.** Flagged points are kept out of the level; flagged points of one direction (gaps
   up to an hour of points) are one run, and runs at most ``group_hours`` apart (either
   direction) one alert with its start, end and peak. A run lasting ``shift`` points is a level
   shift: its points are let back into the level. Gaps (NaN) are neither
   scored nor fitted; slow drifts are followed by the level.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np

from finops.analytics.anomalies.model import (
    AnomalyKind,
    AnomalyWindow,
    BoolArray,
    Detection,
    DetectorError,
    FloatArray,
)

MAD_TO_SIGMA = 1.4826
WEEK = 7 * 86_400.0
XI_MAX = 1.0


@dataclass(frozen=True, slots=True)
class TelemetryParams:
    """Settings of :func:`detect_telemetry` (see docs/analytics.md)."""

    alarms_per_week: float = 1.5
    """Target flagged points per week on a series without anomalies (sets the calibration);
    grouped into alerts, fewer alarms than that."""
    tail_fraction: float = 0.05
    """Share of the past scores the extreme-value tail is fitted to."""
    min_calibration: int = 48
    """Past scores needed before a point may be flagged (at least a day of points)."""
    daily_cycles: int = 7
    weekly_cycles: int = 4
    two_sided: bool = True
    """Flag falls as well as rises."""
    group_hours: float = 12.0
    """Flagged points at most this many hours apart, in either direction, are one alert."""
    calibration_days: int = 56
    """Days of past scores the threshold is calibrated on."""

    def __post_init__(self) -> None:
        if not self.alarms_per_week > 0:
            raise DetectorError("alarms_per_week must be positive")
        if not 0 < self.tail_fraction < 0.5:
            raise DetectorError("tail_fraction must be between 0 and 0.5")


@dataclass(frozen=True, slots=True)
class Calendar:
    """Windows in points for a series' step."""

    seconds: float
    per_day: int
    cycles: tuple[tuple[int, int, int], ...]  # (period, most cycles used, fewest needed)
    level: int
    scale: int
    gap: int
    shift: int
    refresh: int
    alpha: float

    @classmethod
    def of(cls, step: timedelta, params: TelemetryParams) -> Calendar:
        seconds = step.total_seconds()
        if seconds <= 0:
            raise DetectorError(f"the series' step must be positive, got {step}")
        per_day = max(1, round(86_400 / seconds))
        per_hour = max(1, round(3_600 / seconds))
        cycles: list[tuple[int, int, int]] = []
        if per_day > 1:
            cycles.append((per_day, params.daily_cycles, 3))
        if seconds <= 86_400:
            cycles.append((7 * per_day, params.weekly_cycles, 3))
        alpha = min(0.5, params.alarms_per_week * seconds / WEEK)
        return cls(
            seconds=seconds,
            per_day=per_day,
            cycles=tuple(cycles),
            level=max(5, per_hour),
            scale=max(48, 2 * per_day),
            gap=per_hour,
            shift=max(6, per_hour),
            refresh=per_hour,
            alpha=alpha,
        )


def noise_floor(warm: FloatArray) -> float:
    """The smallest robust scale: a millionth of the first day's typical magnitude (a series that
    is one value, e.g. all zeros, still has a scale)."""
    known = warm[~np.isnan(warm)]
    return 1e-6 * (1.0 + (float(np.median(np.abs(known))) if known.size else 0.0))


def gpd_quantile(scores: FloatArray, alpha: float, tail: float) -> float:
    """The (1 - alpha) quantile of ``scores`` from a generalised Pareto tail over their
    (1 - tail) quantile ``t`` (peaks over threshold; shape and scale by probability-weighted
    moments, Hosking & Wallis 1987). The shape is kept >= 0 (an exponential tail at least): a
    bounded tail fitted on a short history extrapolates too low."""
    n = scores.size
    if n < 20:
        return float("inf")
    t = float(np.quantile(scores, 1.0 - tail))
    if alpha >= tail:
        return float(np.quantile(scores, 1.0 - alpha))
    excess = np.sort(scores[scores > t] - t)
    m = excess.size
    if m < 8:
        return float(np.max(scores))
    b0 = float(np.mean(excess))
    b1 = float(np.sum(excess * (m - 1 - np.arange(m)))) / (m * (m - 1))
    if b0 <= 0 or b0 - 2.0 * b1 <= 0:
        return float(np.max(scores))
    xi = float(np.clip(2.0 - b0 / (b0 - 2.0 * b1), 0.0, XI_MAX))
    beta = b0 * (1.0 - xi)  # the mean excess of a GPD is beta / (1 - xi)
    ratio = alpha * n / m  # the exceedance probability the tail must reach
    if xi < 1e-6:
        return t - beta * float(np.log(ratio))
    return float(t + beta / xi * (ratio ** (-xi) - 1.0))


def _median(values: FloatArray, need: int) -> float:
    """The median of the known values (NaN with fewer than ``need``). The same number as
    ``np.median``, without its generic machinery: the scan takes a few medians of a handful of
    values per point, millions per job, and ``np.median``'s overhead was most of the job."""
    known = np.sort(values[~np.isnan(values)])
    m = known.size
    if m < need or m == 0:
        return float("nan")
    mid = m // 2
    return float(known[mid]) if m % 2 else float((known[mid - 1] + known[mid]) / 2.0)


@dataclass(slots=True)
class _Run:
    points: list[int]
    sign: int
    peak: float
    shift: bool = False


@dataclass(slots=True)
class _Scan:
    """One pass over a transformed series; only the past informs a point."""

    x: FloatArray
    cal: Calendar
    params: TelemetryParams
    floor: float
    clean: FloatArray = field(init=False)  # x with flagged points hidden
    profile: FloatArray = field(init=False)  # candidate × point: seasonal profile
    pred: FloatArray = field(init=False)  # candidate × point: expected value
    error: FloatArray = field(init=False)  # candidate × point: |error|
    expected: FloatArray = field(init=False)
    scale: FloatArray = field(init=False)
    score: FloatArray = field(init=False)
    threshold: FloatArray = field(init=False)
    flagged: BoolArray = field(init=False)
    choice: int = 0
    sigma: float = float("nan")
    z: float = float("inf")
    run: _Run | None = None
    runs: list[_Run] = field(default_factory=list)

    def __post_init__(self) -> None:
        n, k = self.x.size, 1 + len(self.cal.cycles)
        self.clean = self.x.copy()
        self.profile = np.full((k, n), np.nan)
        self.profile[0] = 0.0
        self.pred = np.full((k, n), np.nan)
        self.error = np.full((k, n), np.nan)
        self.expected = np.full(n, np.nan)
        self.scale = np.full(n, np.nan)
        self.score = np.full(n, np.nan)
        self.threshold = np.full(n, np.nan)
        self.flagged = np.zeros(n, dtype=bool)

    def candidates(self, i: int) -> None:
        """Each candidate's expected value of point ``i``: its profile plus the recent level."""
        h = self.cal.level
        # the last h unflagged points (within 4h: an anomaly hides the ones it covers)
        lo = max(0, i - 4 * h)
        for c, (period, most, need) in enumerate(self.cal.cycles, start=1):
            lags = i - period * np.arange(1, most + 1)
            lags = lags[lags >= 0]
            if lags.size >= need:
                self.profile[c, i] = _median(self.clean[lags], need)
        for c in range(self.profile.shape[0]):
            if np.isnan(self.profile[c, i]):
                continue
            departure = self.clean[lo:i] - self.profile[c, lo:i]
            level = _median(departure[~np.isnan(departure)][-h:], max(2, h // 2))
            self.pred[c, i] = self.profile[c, i] + level

    def refresh(self, i: int) -> None:
        """Every hour of points: the best candidate, its robust scale and its threshold."""
        w = self.cal.scale
        lo, history = max(0, i - w), max(0, i - self.params.calibration_days * self.cal.per_day)
        need = max(self.params.min_calibration, 2 * self.cal.per_day)
        best = (float("inf"), 0)
        for c in range(self.error.shape[0]):
            # a candidate is eligible once it has a calibration history of its own
            if int(np.sum(~np.isnan(self.error[c, history:i]))) < need and c > 0:
                continue
            err = _median(self.error[c, lo:i], max(self.cal.level, w // 4))
            if err < best[0]:
                best = (err, c)
        self.choice = best[1]
        error = self.error[self.choice, lo:i]
        known = ~np.isnan(error)
        calm = error[known & ~self.flagged[lo:i]]
        if int(np.sum(known)) >= w // 2 and calm.size:
            # the median of all errors is robust to the flagged ones; the mean of the calm ones
            # keeps the scale of a series that is mostly one value (counts near zero)
            spread = max(MAD_TO_SIGMA * float(np.median(error[known])), 0.5 * float(np.mean(calm)))
            self.sigma = max(spread, self.floor)
        if np.isnan(self.sigma):
            return
        # conformal: the chosen candidate's own past errors, on today's scale
        past = self.error[self.choice, history:i]
        past = past[~np.isnan(past)]
        if past.size >= need:
            self.z = gpd_quantile(past / self.sigma, self.cal.alpha, self.params.tail_fraction)

    def step(self, i: int) -> None:
        if i % self.cal.refresh == 0:
            self.refresh(i)
        self.candidates(i)
        if np.isnan(self.x[i]):
            return
        exp_i = self.pred[self.choice, i]
        if np.isnan(exp_i):
            exp_i = self.pred[0, i]
        if np.isnan(exp_i) or np.isnan(self.sigma):
            self.error[:, i] = np.abs(self.x[i] - self.pred[:, i])
            return
        sigma = self.sigma
        s = (self.x[i] - exp_i) / sigma
        self.expected[i], self.scale[i], self.score[i] = exp_i, sigma, s
        self.threshold[i] = self.z
        beyond = abs(s) > self.z if self.params.two_sided else s > self.z
        self.error[:, i] = np.abs(self.x[i] - self.pred[:, i])
        if beyond:
            self.flag(i, s)
        else:
            if self.run is not None and i - self.run.points[-1] > self.cal.gap:
                self.close()

    def flag(self, i: int, s: float) -> None:
        self.flagged[i] = True
        self.clean[i] = np.nan
        sign = 1 if s > 0 else -1
        run = self.run
        if run is not None and (run.sign != sign or i - run.points[-1] > self.cal.gap):
            self.close()
            run = None
        if run is None:
            self.run = run = _Run([i], sign, abs(s))
        else:
            run.points.append(i)
            run.peak = max(run.peak, abs(s))
        if len(run.points) >= self.cal.shift:
            # a persistent move: a level shift, whose level becomes the baseline
            run.shift = True
            self.clean[run.points] = self.x[run.points]

    def close(self) -> None:
        if self.run is not None:
            self.runs.append(self.run)
            self.run = None


def detect_telemetry(
    values: FloatArray, *, step: timedelta, params: TelemetryParams | None = None
) -> Detection:
    """Detect anomalies in a regular series (NaN = missing point) sampled every ``step``."""
    params = params or TelemetryParams()
    y = np.asarray(values, dtype=np.float64)
    if y.ndim != 1:
        raise DetectorError(f"the series must be one-dimensional, got shape {y.shape}")
    cal = Calendar.of(step, params)
    present = np.nonzero(~np.isnan(y))[0]
    first = int(present[0]) if present.size else y.size
    warm = y[first : first + max(24, cal.per_day)]
    scan = _Scan(y.copy(), cal, params, noise_floor(warm))
    for i in range(first, y.size):
        scan.step(i)
    scan.close()
    return _detection(y, scan)


def group_runs(runs: list[_Run], gap: int) -> list[list[_Run]]:
    """Runs of flagged points at most ``gap`` points apart, in either direction, as one alert."""
    groups: list[list[_Run]] = []
    for run in runs:
        if groups and run.points[0] - groups[-1][-1].points[-1] <= gap:
            groups[-1].append(run)
        else:
            groups.append([run])
    return groups


def _detection(y: FloatArray, scan: _Scan) -> Detection:
    expected = scan.expected
    band = scan.threshold * scan.scale
    lower, upper = expected - band, expected + band
    windows = []
    gap = round(scan.params.group_hours * 3_600 / scan.cal.seconds)
    for group in group_runs(scan.runs, gap):
        pts = np.array([p for run in group for p in run.points])
        top = max(group, key=lambda run: run.peak)
        kind: AnomalyKind = (
            "level_shift"
            if any(run.shift for run in group)
            else ("spike" if top.sign > 0 else "dip")
        )
        windows.append(
            AnomalyWindow(
                start=int(pts[0]),
                end=int(pts[-1]),
                kind=kind,
                actual=float(np.sum(y[pts])),
                expected=float(np.sum(expected[pts])),
                lower=float(np.sum(lower[pts])),
                upper=float(np.sum(upper[pts])),
                peak_score=top.peak,
            )
        )
    return Detection(
        expected=expected,
        lower=lower,
        upper=upper,
        score=np.nan_to_num(scan.score),
        anomalous=scan.flagged,
        windows=windows,
    )
