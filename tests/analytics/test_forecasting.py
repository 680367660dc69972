"""Forecasters, the backtest and model choice on hand-built series with known answers."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from finops.analytics.forecasting.backtest import (
    ForecastParams,
    forecast_series,
    mase,
    mase_scale,
    smape,
)
from finops.analytics.forecasting.job import period_bounds
from finops.analytics.forecasting.models import (
    ForecastError,
    forecast_points,
    month_start_effect,
    moving_average,
    seasonal_naive,
)

START = date(2025, 11, 3)
N = 150
DAYS = [START + timedelta(days=k) for k in range(N)]
FAST = ForecastParams(models=("seasonal_naive", "moving_average", "ets"), folds=2)


def cost_series(noise: float = 1.0, seed: int = 5) -> np.ndarray:
    t = np.arange(N)
    weekly = np.where(np.array([d.weekday() for d in DAYS]) >= 5, 0.7, 1.0)
    fees = np.array([300.0 if d.day == 1 else 0.0 for d in DAYS])
    return (200 + 0.4 * t) * weekly + fees + np.random.default_rng(seed).normal(0, noise, N)


def test_seasonal_naive_repeats_the_last_week() -> None:
    y = np.arange(21, dtype=float)
    np.testing.assert_array_equal(
        seasonal_naive(y, DAYS[:21], 9), [14, 15, 16, 17, 18, 19, 20, 14, 15]
    )


def test_moving_average_keeps_the_weekday_profile() -> None:
    y = np.tile([10.0, 10, 10, 10, 10, 5, 5], 6)
    out = moving_average(y, DAYS[:42], 7)
    np.testing.assert_allclose(out, [10, 10, 10, 10, 10, 5, 5])


def test_month_start_effect_is_the_median_excess() -> None:
    y = cost_series(noise=0.0)
    assert month_start_effect(y, DAYS) == pytest.approx(300.0, abs=25)
    out = forecast_points(seasonal_naive, y, DAYS, 40)
    future = [DAYS[-1] + timedelta(days=k) for k in range(1, 41)]
    first = next(k for k, d in enumerate(future) if d.day == 1)
    assert out[first] - out[first - 1] > 250  # the fee comes back on the 1st


def test_metrics() -> None:
    actual = np.array([10.0, 20, 30])
    assert smape(actual, actual) == 0.0
    assert smape(np.array([0.0]), np.array([0.0])) == 0.0
    assert smape(np.array([100.0]), np.array([50.0])) == pytest.approx(200 * 50 / 150)
    assert mase(actual, actual + 2, 4.0) == 0.5
    assert mase_scale(np.tile([1.0, 2, 3, 4, 5, 6, 7], 3)) > 0


def test_backtested_forecast_beats_seasonal_naive_and_covers_the_truth() -> None:
    y = cost_series()
    history, future = y[:120], y[120:]
    result = forecast_series(history, DAYS[:120], 30, params=FAST)
    naive = seasonal_naive(history, DAYS[:120], 30)
    scale = mase_scale(history)
    assert mase(future, result.mean, scale) < 0.8 * mase(future, naive, scale)
    assert np.all(result.lower95 <= result.lower80) and np.all(result.lower80 <= result.mean)
    assert np.all(result.mean <= result.upper80) and np.all(result.upper80 <= result.upper95)
    covered = np.mean((future >= result.lower95) & (future <= result.upper95))
    assert covered >= 0.8
    assert result.choice.mase < 1.0
    assert abs(sum(result.choice.weights.values()) - 1.0) < 1e-9


def test_forecast_is_deterministic() -> None:
    y = cost_series()
    a = forecast_series(y, DAYS, 30, params=FAST)
    b = forecast_series(y.copy(), DAYS, 30, params=FAST)
    np.testing.assert_array_equal(a.mean, b.mean)
    assert a.choice.label == b.choice.label


def test_prophet_and_arima_fit_deterministically() -> None:
    y = cost_series()[:100]
    params = ForecastParams(models=("prophet", "arima"), folds=1)
    a = forecast_series(y, DAYS[:100], 14, params=params)
    b = forecast_series(y, DAYS[:100], 14, params=params)
    np.testing.assert_array_equal(a.mean, b.mean)
    assert set(a.choice.weights) <= {"prophet", "arima"}


def test_too_little_history_is_refused() -> None:
    with pytest.raises(ForecastError, match="days of history"):
        forecast_series(cost_series()[:30], DAYS[:30], 30, params=FAST)


@pytest.mark.parametrize(
    ("day", "period", "bounds"),
    [
        (date(2026, 2, 10), "monthly", (date(2026, 2, 1), date(2026, 2, 28))),
        (date(2026, 11, 30), "quarterly", (date(2026, 10, 1), date(2026, 12, 31))),
        (date(2026, 5, 2), "annual", (date(2026, 1, 1), date(2026, 12, 31))),
    ],
)
def test_period_bounds(day: date, period: str, bounds: tuple[date, date]) -> None:
    assert period_bounds(day, period) == bounds
