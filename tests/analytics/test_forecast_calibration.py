"""Conformal band scales for the forecast intervals: fitted on the forecasts of some series,
checked on the forecasts of others (never the same ones)."""

from __future__ import annotations

import math
import re
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from finops.analytics.evaluation.calibration import (
    collect_paths,
    conformal_quantile,
    coverage,
    fit_band_scales,
    load_paths,
    save_paths,
)
from finops.analytics.forecasting.backtest import ForecastParams
from finops.analytics.forecasting.models import ForecastError
from finops.config import Settings
from finops.orchestration.forecast_calibration import BEFORE_END, calibrate_intervals

N = 300
DAYS = [date(2025, 1, 6) + timedelta(days=k) for k in range(N)]
FAST = ForecastParams(models=("seasonal_naive", "moving_average"), clean_spikes=False)


def drifting_week(seed: int) -> np.ndarray:
    """A weekly pattern on a level with its own slight trend and a random walk: the error of a
    forecast grows faster than √step but slower than the step (the platform's extrapolation
    past the 30-day backtest), which a 30-day backtest cannot see."""
    rng = np.random.default_rng(seed)
    weekly = np.where(np.array([d.weekday() for d in DAYS]) >= 5, 0.7, 1.0)
    steps = np.arange(N)
    level = 100.0 * np.exp(rng.normal(0.0, 0.001) * steps + np.cumsum(rng.normal(0, 0.006, N)))
    return level * weekly * (1 + rng.normal(0, 0.03, N))


def paths_of(seeds: range, before_end: tuple[int, ...] = (180,)) -> list:  # type: ignore[type-arg]
    series = {f"series {k}": drifting_week(k) for k in seeds}
    return collect_paths(series, DAYS, horizon=180, before_end=before_end, params=FAST)


@pytest.fixture(scope="module")
def fit_and_held_out() -> tuple[list, list]:  # type: ignore[type-arg]
    return paths_of(range(120)), paths_of(range(200, 320))


def test_conformal_quantile_is_the_finite_sample_rank() -> None:
    values = np.arange(9, 0, -1, dtype=np.float64)  # 9..1
    assert conformal_quantile(values) == 8.0  # ⌈10 × 0.8⌉ = 8th smallest
    assert conformal_quantile(values, 0.5) == 5.0
    assert math.isinf(conformal_quantile(np.array([1.0, 2.0, 3.0])))  # ⌈4 × 0.8⌉ = 4 > 3


def test_fitted_band_scales_cover_80_percent_on_held_out_series_where_unit_scales_do_not(
    fit_and_held_out: tuple[list, list],  # type: ignore[type-arg]
) -> None:
    fit, held = fit_and_held_out
    assert (len(fit), len(held)) == (120, 120)
    scales = fit_band_scales(fit, params=FAST)
    assert scales == pytest.approx((1.019, 0.883, 0.678), abs=0.001)
    unit = FAST
    fitted = ForecastParams(models=FAST.models, clean_spikes=False, band_scales=scales)
    before = [coverage(held, h, params=unit).coverage80 for h in (30, 90, 180)]
    after = [coverage(held, h, params=fitted).coverage80 for h in (30, 90, 180)]
    # unit scales: on a random walk, extrapolating the 30-day backtest's spread in proportion
    # to the step is too wide at 180 days; the fitted scales bring it back into the band
    assert before == pytest.approx([0.781, 0.844, 0.892], abs=0.001)
    assert after == pytest.approx([0.788, 0.820, 0.838], abs=0.001)
    assert all(0.75 <= c <= 0.85 for c in after)
    # the point forecasts (and so MASE) do not depend on the interval
    for h in (30, 90, 180):
        assert coverage(held, h, params=unit).mase == coverage(held, h, params=fitted).mase


def test_in_sample_each_band_covers_80_percent(
    fit_and_held_out: tuple[list, list],  # type: ignore[type-arg]
) -> None:
    fit, _ = fit_and_held_out
    scales = fit_band_scales(fit, params=FAST)
    fitted = ForecastParams(models=FAST.models, clean_spikes=False, band_scales=scales)
    covered = [coverage(fit, h, params=fitted).coverage80 for h in (30, 90, 180)]
    # each band's scale covers 80% of its days; where a band's scale drops, its first steps
    # stay as wide as the band before (an interval never narrows), so a little more is covered
    assert covered == pytest.approx([0.800, 0.805, 0.810], abs=0.001)


def test_paths_survive_the_cache_and_calibration_reports_held_out_seeds(tmp_path: Path) -> None:
    cache = tmp_path / "forecast-paths"
    stops = "_".join(str(b) for b in BEFORE_END)
    fit, held = paths_of(range(0, 30), BEFORE_END), paths_of(range(200, 230), BEFORE_END)
    save_paths(cache / f"seed1-h180-o{stops}.npz", fit)
    save_paths(cache / f"seed2-h180-o{stops}.npz", held)
    again = load_paths(cache / f"seed1-h180-o{stops}.npz")
    assert [(p.series, p.origin) for p in again] == [(p.series, p.origin) for p in fit]
    assert all(np.array_equal(a.mean, b.mean) for a, b in zip(again, fit, strict=True))

    report, text = calibrate_intervals(
        fit_seeds=(1,), holdout_seeds=(2,), settings=Settings(home=tmp_path)
    )
    assert report.scales == pytest.approx(fit_band_scales(fit), abs=1e-12)
    assert len(held) == 30 * len(BEFORE_END)  # one path per series and origin
    assert [c.paths for c in report.after[2]] == [len(held)] * 3
    assert report.after[0] == report.after[2]  # one held-out seed: the pooled row is the same
    assert "held out: seeds 2" in text
    assert re.search(rf"\| 2 +\| 180 +\| {len(held)} +\|", text)


def test_a_seed_both_fitted_and_held_out_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ForecastError, match=r"--fit-seeds \[7, 11\] and --holdout-seeds \[11\]"):
        calibrate_intervals(
            fit_seeds=(7, 11), holdout_seeds=(11,), settings=Settings(home=tmp_path)
        )
