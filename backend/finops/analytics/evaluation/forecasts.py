"""Score the forecaster against seasonal naive and default Prophet on the same series.

Rolling origins: the forecast starts after each origin, the next ``horizon`` days are the
truth; nothing after the origin is seen by any model (the platform's own backtest and model
choice run inside the training data).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from finops.analytics.cube import CostCube
from finops.analytics.forecasting.backtest import (
    ForecastParams,
    forecast_series,
    mase,
    mase_scale,
    smape,
)
from finops.analytics.forecasting.models import FloatArray, _quiet_prophet, seasonal_naive


@dataclass(slots=True)
class ModelScore:
    name: str
    mase: list[float] = field(default_factory=list)
    smape: list[float] = field(default_factory=list)
    covered80: int = 0
    points80: int = 0
    covered95: int = 0
    points95: int = 0
    chosen: dict[str, int] = field(default_factory=dict)
    normalised: list[float] = field(default_factory=list)
    """|actual − forecast| / half-width of the 80% interval: coverage at any interval scale."""
    steps: list[int] = field(default_factory=list)
    """The horizon step (1 = the first forecast day) of each ``normalised`` entry."""

    def coverage80_at(self, scale: float) -> float | None:
        if not self.normalised:
            return None
        return float(np.mean(np.asarray(self.normalised) <= scale))

    def band(self, first: int, last: int) -> FloatArray:
        """The ``normalised`` errors of horizon steps ``first``..``last``."""
        steps = np.asarray(self.steps)
        chosen = (steps >= first) & (steps <= last)
        return np.asarray(self.normalised, dtype=np.float64)[chosen]

    @property
    def mean_mase(self) -> float:
        return float(np.mean(self.mase)) if self.mase else float("nan")

    @property
    def mean_smape(self) -> float:
        return float(np.mean(self.smape)) if self.smape else float("nan")

    @property
    def coverage80(self) -> float | None:
        return self.covered80 / self.points80 if self.points80 else None

    @property
    def coverage95(self) -> float | None:
        return self.covered95 / self.points95 if self.points95 else None


def prophet_default_with_interval(
    y: FloatArray, days: Sequence[date], h: int
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Prophet() with default settings on the raw series; its own 80% interval."""
    import pandas as pd  # type: ignore[import-untyped]

    _quiet_prophet()
    from prophet import Prophet

    model = Prophet()
    model.fit(pd.DataFrame({"ds": pd.to_datetime(list(days)), "y": y}), seed=1234)
    future = model.make_future_dataframe(periods=h, freq="D", include_history=False)
    np.random.seed(1234)
    p = model.predict(future)
    return (
        np.asarray(p["yhat"].to_numpy(), dtype=np.float64),
        np.asarray(p["yhat_lower"].to_numpy(), dtype=np.float64),
        np.asarray(p["yhat_upper"].to_numpy(), dtype=np.float64),
    )


@dataclass(slots=True)
class ForecastEvaluation:
    horizon: int
    origins: list[date]
    series: int
    scores: list[ModelScore]


def evaluate_forecasts(
    cube: CostCube,
    *,
    horizon: int = 30,
    origins: int = 3,
    spacing: int = 30,
    scope_dims: Sequence[tuple[str, ...]] = ((), ("account",)),
    params: ForecastParams | None = None,
) -> ForecastEvaluation:
    """Origins at ``horizon + k·spacing`` days before the end of the data (k = 0..origins-1)."""
    params = params or ForecastParams()
    platform, naive, prophet = (
        ModelScore("platform"),
        ModelScore("seasonal naive"),
        ModelScore("Prophet (default)"),
    )
    series: list[FloatArray] = []
    for dims in scope_dims:
        keys, matrix = cube.series(list(dims))
        series.extend(row for key, row in zip(keys, matrix, strict=True) if all(key))
    n = len(cube.days)
    cut = [n - horizon - k * spacing for k in range(origins)][::-1]
    for row in series:
        nonzero = np.nonzero(row)[0]
        if not nonzero.size:
            continue
        for origin in cut:
            begin = int(nonzero[0])
            if origin - begin < params.min_history + params.backtest_horizon:
                continue
            y, days = row[begin:origin], cube.days[begin:origin]
            actual = row[origin : origin + horizon]
            scale = mase_scale(y)
            result = forecast_series(y, days, horizon, params=params)
            platform.chosen[result.choice.label] = platform.chosen.get(result.choice.label, 0) + 1
            _add(
                platform,
                actual,
                result.mean,
                scale,
                result.lower80,
                result.upper80,
                result.lower95,
                result.upper95,
            )
            _add(naive, actual, seasonal_naive(y, days, horizon), scale)
            mean, lo, hi = prophet_default_with_interval(y, days, horizon)
            _add(prophet, actual, mean, scale, lo, hi)
    return ForecastEvaluation(
        horizon, [cube.days[c] for c in cut], len(series), [platform, naive, prophet]
    )


def _add(
    score: ModelScore,
    actual: FloatArray,
    predicted: FloatArray,
    scale: float,
    lower80: FloatArray | None = None,
    upper80: FloatArray | None = None,
    lower95: FloatArray | None = None,
    upper95: FloatArray | None = None,
) -> None:
    score.mase.append(mase(actual, predicted, scale))
    score.smape.append(smape(actual, predicted))
    if lower80 is not None and upper80 is not None:
        half = np.maximum((upper80 - lower80) / 2, 1e-9)
        score.normalised.extend((np.abs(actual - (upper80 + lower80) / 2) / half).tolist())
        score.steps.extend(range(1, actual.size + 1))
        score.covered80 += int(np.sum((actual >= lower80) & (actual <= upper80)))
        score.points80 += actual.size
    if lower95 is not None and upper95 is not None:
        score.covered95 += int(np.sum((actual >= lower95) & (actual <= upper95)))
        score.points95 += actual.size
