"""Rolling-origin backtest, model choice by MASE, and prediction intervals from backtest errors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise

import numpy as np

from finops.analytics.forecasting.models import (
    MODELS,
    SEASON,
    FloatArray,
    ForecastError,
    Model,
    forecast_points,
    future_days,
)

Z80, Z95 = 1.2816, 1.96


@dataclass(frozen=True, slots=True)
class ForecastParams:
    models: tuple[str, ...] = ("seasonal_naive", "moving_average", "ets", "arima", "prophet")
    folds: int = 3
    """Rolling origins of the backtest (each ``fold_step`` days apart, newest last)."""
    fold_step: int = 14
    backtest_horizon: int = 30
    ensemble_size: int = 3
    """The best N models by backtest MASE are combined with weights 1/MASE²; the ensemble is
    used when its own backtest MASE beats the best single model."""
    min_history: int = 56
    clean_spikes: bool = True
    """Replace the days of detected spikes by the detector's expected value before fitting (a
    one-off spike is not part of the future; level shifts and drifts are kept)."""
    interval_scale: float = 1.0
    """Multiplies the backtest spread of the intervals (a few folds underestimate it); chosen on
    a held-out estate, see docs/analytics.md."""
    interval_bands: tuple[int, ...] = (30, 90)
    """Last horizon step of every band but the last: steps 1–30, 31–90 and 91 on."""
    band_scales: tuple[float, ...] = (1.0, 1.0, 1.0)
    """Multiplies the spread in each horizon band (positive; a step is still never narrower
    than the one before it). The backtest sees 30-day errors only; past them the spread is
    extrapolated, and how well that covers was measured on estates other than those it was
    chosen on (``finops eval forecast-intervals``, docs/analytics.md)."""

    def __post_init__(self) -> None:
        bands, scales = self.interval_bands, self.band_scales
        if any(b <= a for a, b in pairwise(bands)) or any(b < 1 for b in bands):
            raise ForecastError(f"interval_bands {bands!r}: expected increasing positive steps")
        if len(scales) != len(bands) + 1:
            raise ForecastError(
                f"band_scales {scales!r}: expected {len(bands) + 1} scales, one per band of "
                f"interval_bands {bands!r} and one past the last"
            )
        if any(not s > 0 for s in scales):
            raise ForecastError(f"band_scales {scales!r}: expected positive scales")


def without_spikes(y: FloatArray, days: Sequence[date]) -> FloatArray:
    from finops.analytics.anomalies.analysis import special_days
    from finops.analytics.anomalies.detector import DetectorParams, detect

    detection = detect(y, params=DetectorParams(detect_drops=True), special=special_days(days))
    cleaned = y.astype(np.float64).copy()
    for w in detection.windows:
        if w.kind in ("spike", "dip"):
            span = slice(w.start, w.end + 1)
            cleaned[span] = np.where(
                np.isnan(detection.expected[span]), cleaned[span], detection.expected[span]
            )
    return cleaned


def mase_scale(y: FloatArray) -> float:
    """In-sample mean absolute error of the weekly seasonal naive forecast."""
    if y.size <= SEASON:
        return float(np.mean(np.abs(y))) or 1.0
    scale = float(np.mean(np.abs(y[SEASON:] - y[:-SEASON])))
    return scale if scale > 1e-9 else max(float(np.mean(np.abs(y))) * 0.01, 1e-9)


def mase(actual: FloatArray, predicted: FloatArray, scale: float) -> float:
    return float(np.mean(np.abs(actual - predicted))) / scale


def smape(actual: FloatArray, predicted: FloatArray) -> float:
    denominator = np.abs(actual) + np.abs(predicted)
    ratio = np.where(
        denominator > 0,
        2.0 * np.abs(actual - predicted) / np.where(denominator > 0, denominator, 1.0),
        0.0,
    )
    return float(100.0 * np.mean(ratio))


@dataclass(slots=True)
class Backtest:
    """Per model: MASE per fold, and the relative errors by horizon step (folds × h)."""

    mase: dict[str, list[float]] = field(default_factory=dict)
    smape: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, list[FloatArray]] = field(default_factory=dict)
    predictions: dict[str, list[FloatArray]] = field(default_factory=dict)
    actuals: list[FloatArray] = field(default_factory=list)
    scales: list[float] = field(default_factory=list)

    def mean_mase(self, model: str) -> float:
        values = self.mase.get(model) or [float("inf")]
        return float(np.mean(values))


def backtest(
    y: FloatArray, days: Sequence[date], *, params: ForecastParams, models: Mapping[str, Model]
) -> Backtest:
    """Fit on ``y[:origin]`` and score the next ``backtest_horizon`` days, for each origin."""
    h = params.backtest_horizon
    result = Backtest()
    for fold in range(params.folds, 0, -1):
        origin = y.size - h - (fold - 1) * params.fold_step
        if origin < params.min_history:
            continue
        train, train_days = y[:origin], days[:origin]
        actual = y[origin : origin + h]
        scale = mase_scale(train)
        result.actuals.append(actual)
        result.scales.append(scale)
        for name, model in models.items():
            try:
                predicted = forecast_points(model, train, train_days, actual.size)
            except (ForecastError, ValueError, np.linalg.LinAlgError):
                continue
            result.mase.setdefault(name, []).append(mase(actual, predicted, scale))
            result.smape.setdefault(name, []).append(smape(actual, predicted))
            result.predictions.setdefault(name, []).append(predicted)
            level = np.maximum(np.abs(predicted), 1e-9)
            result.errors.setdefault(name, []).append((actual - predicted) / level)
    return result


@dataclass(slots=True)
class Choice:
    """The chosen model (or ensemble weights) and its backtest accuracy."""

    weights: dict[str, float]
    mase: float
    smape: float
    relative_errors: FloatArray  # folds × h, of the chosen combination

    @property
    def label(self) -> str:
        if len(self.weights) == 1:
            return next(iter(self.weights))
        return "ensemble(" + ",".join(sorted(self.weights)) + ")"


def choose(result: Backtest, *, params: ForecastParams) -> Choice:
    complete = [m for m, v in result.mase.items() if len(v) == len(result.actuals) and v]
    if not complete:
        raise ForecastError("no model produced a backtest forecast")
    ranked = sorted(complete, key=lambda m: (result.mean_mase(m), m))
    best = ranked[0]
    candidates = [
        Choice(
            weights={best: 1.0},
            mase=result.mean_mase(best),
            smape=float(np.mean(result.smape[best])),
            relative_errors=np.vstack(result.errors[best]),
        )
    ]
    top = ranked[: params.ensemble_size]
    if len(top) > 1:
        raw = {m: 1.0 / max(result.mean_mase(m), 1e-6) ** 2 for m in top}
        total = sum(raw.values())
        weights = {m: w / total for m, w in raw.items()}
        folds_mase, folds_smape, errors = [], [], []
        for k, (actual, scale) in enumerate(zip(result.actuals, result.scales, strict=True)):
            combined = sum(weights[m] * result.predictions[m][k] for m in top)
            predicted = np.asarray(combined, dtype=np.float64)
            folds_mase.append(mase(actual, predicted, scale))
            folds_smape.append(smape(actual, predicted))
            errors.append((actual - predicted) / np.maximum(np.abs(predicted), 1e-9))
        candidates.append(
            Choice(
                weights=weights,
                mase=float(np.mean(folds_mase)),
                smape=float(np.mean(folds_smape)),
                relative_errors=np.vstack(errors),
            )
        )
    return min(candidates, key=lambda c: (c.mase, len(c.weights)))


@dataclass(slots=True)
class ForecastResult:
    days: list[date]
    mean: FloatArray
    lower80: FloatArray
    upper80: FloatArray
    lower95: FloatArray
    upper95: FloatArray
    choice: Choice


def interval_widths(
    relative_errors: FloatArray,
    h: int,
    *,
    bands: Sequence[int] = (),
    band_scales: Sequence[float] = (1.0,),
) -> tuple[FloatArray, FloatArray]:
    """Relative half-widths of the 80% and 95% intervals for steps 1..h.

    Within the backtest horizon a step's half-width is the empirical quantile (q = 0.80 or
    0.95, interpolated) of the |relative errors| of the backtest's folds on that step and its
    three neighbours on each side: what the backtest measured, not a normal approximation of
    it (the RMS this replaced was pulled wide by one bad fold). Past it the backtest says
    nothing, so the half-width grows from the backtest's spread at its last step (the RMS over
    folds and neighbouring steps, never below the pooled robust spread, × the normal quantile)
    in proportion to the step: a misjudged trend's error grows linearly with the horizon
    (docs/analytics.md, "Forecast intervals": the square root this replaced covered 62% at 180
    days, not 80%). Each horizon band is multiplied by its scale (``bands`` are the last steps
    of every band but the last), and a step is never narrower than the one before it:
    uncertainty does not shrink with the horizon.
    """
    steps = relative_errors.shape[1]
    magnitude = np.abs(relative_errors)
    w80, w95 = np.empty(h), np.empty(h)
    for k in range(min(h, steps)):
        window = magnitude[:, max(0, k - 3) : min(steps, k + 4)].reshape(-1)
        w80[k], w95[k] = np.quantile(window, 0.80), np.quantile(window, 0.95)
    if h > steps:
        flat = relative_errors.reshape(-1)
        pooled = 1.4826 * float(np.median(np.abs(flat - np.median(flat))))
        last = relative_errors[:, max(0, steps - 4) :].reshape(-1)
        sigma = max(float(np.sqrt(np.mean(last**2))), pooled)
        growth = np.arange(steps + 1, h + 1) / steps
        w80[steps:], w95[steps:] = Z80 * sigma * growth, Z95 * sigma * growth
    band = np.searchsorted(np.asarray(bands, dtype=np.int64), np.arange(1, h + 1), side="left")
    scale = np.asarray(band_scales, dtype=np.float64)[band]
    return np.maximum.accumulate(w80 * scale), np.maximum.accumulate(w95 * scale)


def forecast_series(
    y: FloatArray,
    days: Sequence[date],
    h: int,
    *,
    params: ForecastParams | None = None,
) -> ForecastResult:
    """Backtest every model, choose by MASE, forecast ``h`` days with 80%/95% intervals."""
    params = params or ForecastParams()
    if y.size < params.min_history + params.backtest_horizon:
        raise ForecastError(
            f"need at least {params.min_history + params.backtest_horizon} days of history "
            f"for a backtested forecast, got {y.size}"
        )
    models = {m: MODELS[m] for m in params.models}
    if params.clean_spikes:
        y = without_spikes(y, days)
    choice = choose(backtest(y, days, params=params, models=models), params=params)
    mean = np.zeros(h)
    for name, weight in choice.weights.items():
        mean = mean + weight * forecast_points(models[name], y, days, h)
    w80, w95 = interval_widths(
        choice.relative_errors, h, bands=params.interval_bands, band_scales=params.band_scales
    )
    w80, w95 = w80 * params.interval_scale, w95 * params.interval_scale
    level = np.abs(mean)
    return ForecastResult(
        days=future_days(days[-1], h),
        mean=mean,
        lower80=mean - w80 * level,
        upper80=mean + w80 * level,
        lower95=mean - w95 * level,
        upper95=mean + w95 * level,
        choice=choice,
    )
