"""The forecast's prediction intervals: calibrated on series with known noise, widening with
the horizon, refused with a clear message when the history is too short."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from finops.analytics.evaluation.forecasts import ForecastEvaluation, ModelScore
from finops.analytics.forecasting.backtest import ForecastParams, forecast_series, interval_widths
from finops.analytics.forecasting.models import ForecastError
from finops.orchestration.evaluation import band_table

START = date(2025, 11, 3)
N, HELD_OUT = 130, 30
DAYS = [START + timedelta(days=k) for k in range(N)]
FAST = ForecastParams(models=("seasonal_naive", "moving_average", "ets"), folds=3)


def noisy_week(seed: int, noise: float = 10.0) -> np.ndarray:
    """A flat weekly pattern (weekends at 70%) plus Gaussian noise of known spread."""
    weekly = np.where(np.array([d.weekday() for d in DAYS]) >= 5, 140.0, 200.0)
    return weekly + np.random.default_rng(seed).normal(0.0, noise, N)


def test_the_80_percent_interval_covers_80_percent_of_held_out_days() -> None:
    covered, points = 0, 0
    for seed in range(12):
        y = noisy_week(seed)
        history = N - HELD_OUT
        result = forecast_series(y[:history], DAYS[:history], HELD_OUT, params=FAST)
        future = y[history:]
        covered += int(np.sum((future >= result.lower80) & (future <= result.upper80)))
        points += future.size
        assert np.all(result.lower95 <= result.lower80)
        assert np.all(result.upper80 <= result.upper95)
    assert points == 360
    assert 0.75 <= covered / points <= 0.85


def test_intervals_widen_with_the_horizon_band() -> None:
    y = noisy_week(1)
    params = ForecastParams(models=("seasonal_naive", "moving_average"), folds=2)
    result = forecast_series(y, DAYS, 180, params=params)
    relative = (result.upper80 - result.lower80) / np.abs(result.mean)
    assert np.all(np.diff(relative) >= -1e-9)  # never narrower than the day before
    assert relative[179] > relative[89] > relative[29]  # each band wider than the one before


def _ten_folds() -> np.ndarray:
    """Ten backtest folds of three steps; fold f misses by f% on every step."""
    return np.array([[0.01 * f] * 3 for f in range(1, 11)])


def test_within_the_backtest_the_interval_is_split_conformal_and_grows_linearly_past_it() -> None:
    errors = _ten_folds()
    w80, w95 = interval_widths(errors, 6)
    # 30 |errors| per step window (all three steps): their 80% quantile lies a fifth of the
    # way from the 24th (8%) to the 25th (9%) smallest, the 95% quantile at 10%
    assert w80[:3] == pytest.approx([0.082] * 3)
    assert w95[:3] == pytest.approx([0.10] * 3)
    # past the 3-step backtest: the spread at its last step × the normal quantile × step / 3
    rms = float(np.sqrt(np.mean(errors**2)))
    growth = np.array([4, 5, 6]) / 3
    assert w80[3:] == pytest.approx(1.2816 * rms * growth)
    assert w95[3:] == pytest.approx(1.96 * rms * growth)


def test_band_scales_multiply_each_band_and_never_let_a_step_narrow() -> None:
    errors = _ten_folds()
    w80, _ = interval_widths(errors, 6, bands=(2, 4), band_scales=(1.0, 2.0, 3.0))
    rms = float(np.sqrt(np.mean(errors**2)))
    assert w80 == pytest.approx(
        [0.082, 0.082, 0.164, 2 * 1.2816 * rms * 4 / 3, 3 * 1.2816 * rms * 5 / 3, 6 * 1.2816 * rms]
    )
    # a scale that would make step 3 narrower than step 2 leaves it as wide as step 2
    w80, _ = interval_widths(_ten_folds(), 3, bands=(2,), band_scales=(1.0, 0.5))
    assert w80 == pytest.approx([0.082] * 3)


def test_band_scales_that_are_not_positive_are_refused() -> None:
    with pytest.raises(ForecastError, match=r"band_scales \(1.0, 0.0, 2.0\): expected positive"):
        ForecastParams(band_scales=(1.0, 0.0, 2.0))
    assert ForecastParams(band_scales=(1.0, 0.5, 2.0)).band_scales == (1.0, 0.5, 2.0)
    with pytest.raises(ForecastError, match=r"band_scales .*expected 3 scales"):
        ForecastParams(band_scales=(1.0, 2.0))
    with pytest.raises(ForecastError, match="interval_bands"):
        ForecastParams(interval_bands=(90, 30))


def test_no_interval_without_enough_history_for_the_backtest() -> None:
    with pytest.raises(
        ForecastError, match=r"need at least 86 days of history for a backtested forecast, got 60"
    ):
        forecast_series(noisy_week(0)[:60], DAYS[:60], 30, params=FAST)


def test_the_evaluation_reports_coverage_and_the_width_factor_per_horizon_band() -> None:
    platform = ModelScore("platform")
    # 10 forecasts of 120 days: |error| / half-width is 0.5 on steps 1–30, 1.0 … 1.9 on 31–90
    # (step 31 + k → 1 + (k mod 10)/10) and 3.0 past day 90
    for _ in range(10):
        platform.steps.extend(range(1, 121))
        platform.normalised.extend([0.5] * 30)
        platform.normalised.extend(1.0 + (k % 10) / 10 for k in range(60))
        platform.normalised.extend([3.0] * 30)
    evaluation = ForecastEvaluation(120, [], 1, [platform])
    assert platform.band(31, 90).size == 600
    rows = [
        [c.strip() for c in line.split("|")[1:-1]] for line in band_table([evaluation]).splitlines()
    ]
    assert rows[2:] == [
        ["1–30", "300", "1.000", "0.500"],
        ["31–90", "600", "0.100", "1.720"],
        ["91–120", "300", "0.000", "3.000"],
    ]
