"""Point forecasters of a daily series: seasonal naive, moving average, ETS, ARIMA, Prophet.

Every model sees the *regular* series (month-start days replaced by the mean of their
neighbours) and forecasts it; :func:`forecast_points` adds the month-start effect back (the
median excess of the last three month starts, scaled by the level). Prediction intervals are
not the models' own: they come from the rolling-origin backtest errors (see ``backtest.py``),
which keeps them honest across models.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Sequence
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt

from finops.errors import FinOpsError

FloatArray = npt.NDArray[np.float64]
Model = Callable[[FloatArray, Sequence[date], int], FloatArray]

SEASON = 7


class ForecastError(FinOpsError):
    """A forecast could not be computed (too little history, a model that failed)."""


def seasonal_naive(y: FloatArray, days: Sequence[date], h: int) -> FloatArray:
    """Repeat the last week."""
    last = y[-SEASON:]
    return np.asarray([last[k % SEASON] for k in range(h)], dtype=np.float64)


def moving_average(y: FloatArray, days: Sequence[date], h: int) -> FloatArray:
    """Mean of the last 28 days times each weekday's ratio to that mean."""
    window = y[-28:]
    level = float(np.mean(window))
    n = window.size
    ratios = np.ones(SEASON)
    if level > 0:
        for w in range(SEASON):
            same = window[[i for i in range(n) if (n - i) % SEASON == (SEASON - w) % SEASON]]
            ratios[w] = float(np.mean(same)) / level if same.size else 1.0
    return np.asarray([level * ratios[k % SEASON] for k in range(h)], dtype=np.float64)


def _repeats_weekly(y: FloatArray) -> bool:
    """Every day equals the same weekday a week before (a flat or all-zero series, e.g. a
    service billed only as a month-start fee once that effect is taken out)."""
    return y.size > SEASON and bool(np.array_equal(y[SEASON:], y[:-SEASON]))


def ets(y: FloatArray, days: Sequence[date], h: int) -> FloatArray:
    """Holt-Winters: additive damped trend, additive weekly seasonality (statsmodels).

    A series that repeats its week exactly leaves nothing to estimate (statsmodels' fit of an
    all-zero one divides by its zero error); its forecast is that week, repeated."""
    if _repeats_weekly(y):
        return seasonal_naive(y, days, h)
    from statsmodels.tsa.holtwinters import ExponentialSmoothing  # type: ignore[import-untyped]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ExponentialSmoothing(
            y, trend="add", damped_trend=True, seasonal="add", seasonal_periods=SEASON
        ).fit(optimized=True)
    return np.asarray(model.forecast(h), dtype=np.float64)


def arima(y: FloatArray, days: Sequence[date], h: int) -> FloatArray:
    """Seasonal ARIMA (1,1,1)(0,1,1)_7 (statsmodels SARIMAX); a series that repeats its week
    exactly is that week, repeated (its differences are all zero: nothing to fit)."""
    if _repeats_weekly(y):
        return seasonal_naive(y, days, h)
    from statsmodels.tsa.statespace.sarimax import SARIMAX  # type: ignore[import-untyped]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = SARIMAX(y, order=(1, 1, 1), seasonal_order=(0, 1, 1, SEASON), trend="n").fit(
            disp=False, maxiter=50
        )
    return np.asarray(model.forecast(h), dtype=np.float64)


class _AbsentPlotlyNotice(logging.Filter):
    """Drops the one record ``prophet.plot`` logs at ERROR level on import when the optional
    plotly package is absent ("Importing plotly failed. Interactive plots will not work.").

    The platform never draws Prophet's interactive plots, so plotly is deliberately not
    installed and that line is no error; every other ``prophet.plot`` record passes."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Importing plotly failed")


_ABSENT_PLOTLY_NOTICE = _AbsentPlotlyNotice()


def _quiet_prophet() -> None:
    """Call before importing prophet: its INFO chatter off, the absent-plotly notice dropped."""
    for name in ("prophet", "cmdstanpy"):
        logging.getLogger(name).setLevel(logging.WARNING)
    plot_logger = logging.getLogger("prophet.plot")
    if _ABSENT_PLOTLY_NOTICE not in plot_logger.filters:
        plot_logger.addFilter(_ABSENT_PLOTLY_NOTICE)


def prophet_tuned(y: FloatArray, days: Sequence[date], h: int) -> FloatArray:
    """Prophet for daily cost: weekly seasonality, a stiff trend (cost moves in steps, not
    wiggles), no yearly term (needs two years), month starts removed beforehand."""
    return _prophet(y, days, h, default=False)


def prophet_default(y: FloatArray, days: Sequence[date], h: int) -> FloatArray:
    """Prophet with its default settings on the raw series (the evaluation baseline)."""
    return _prophet(y, days, h, default=True)


def _prophet(y: FloatArray, days: Sequence[date], h: int, *, default: bool) -> FloatArray:
    import pandas as pd  # type: ignore[import-untyped]

    _quiet_prophet()
    from prophet import Prophet

    frame = pd.DataFrame({"ds": pd.to_datetime(list(days)), "y": y})
    if default:
        model = Prophet()
    else:
        model = Prophet(
            growth="linear",
            changepoint_prior_scale=0.01,
            changepoint_range=0.9,
            n_changepoints=15,
            yearly_seasonality=False,
            weekly_seasonality=True,
            daily_seasonality=False,
            seasonality_mode="additive",
            uncertainty_samples=0,
        )
    model.fit(frame, algorithm="LBFGS", seed=1234)
    future = model.make_future_dataframe(periods=h, freq="D", include_history=False)
    np.random.seed(1234)  # Prophet samples its default intervals from numpy's global state
    predicted = model.predict(future)
    return np.asarray(predicted["yhat"].to_numpy(), dtype=np.float64)


MODELS: dict[str, Model] = {
    "seasonal_naive": seasonal_naive,
    "moving_average": moving_average,
    "ets": ets,
    "arima": arima,
    "prophet": prophet_tuned,
}


def future_days(last: date, h: int) -> list[date]:
    return [last + timedelta(days=k) for k in range(1, h + 1)]


def month_start_mask(days: Sequence[date]) -> npt.NDArray[np.bool_]:
    return np.asarray([d.day == 1 for d in days], dtype=bool)


def regularise(y: FloatArray, days: Sequence[date]) -> tuple[FloatArray, FloatArray]:
    """(regular series, excess of each month-start day over its regular value).

    A month start's regular value is the mean of the same weekday a week before and after
    (or the one that exists), so weekday effects do not leak into the fee estimate.
    """
    regular = y.astype(np.float64).copy()
    special = month_start_mask(days)
    excess = np.zeros_like(regular)
    for i in np.nonzero(special)[0]:
        same_weekday = [
            regular[j] for j in (i - SEASON, i + SEASON) if 0 <= j < regular.size and not special[j]
        ]
        if not same_weekday:
            same_weekday = [
                regular[j] for j in (i - 1, i + 1) if 0 <= j < regular.size and not special[j]
            ]
        if same_weekday:
            base = float(np.mean(same_weekday))
            excess[i] = regular[i] - base
            regular[i] = base
    return regular, excess


def month_start_effect(y: FloatArray, days: Sequence[date]) -> float:
    """The expected excess of the next month start: median of the last three."""
    _, excess = regularise(y, days)
    starts = np.nonzero(month_start_mask(days))[0]
    starts = starts[starts > 0][-3:]
    return float(np.median(excess[starts])) if starts.size else 0.0


def forecast_points(
    model: Model, y: FloatArray, days: Sequence[date], h: int, *, raw: bool = False
) -> FloatArray:
    """The model's forecast of the next ``h`` days, month-start effect included (unless raw)."""
    if y.size < 2 * SEASON:
        raise ForecastError(f"need at least {2 * SEASON} days of history, got {y.size}")
    if raw:
        return model(y, days, h)
    regular, _ = regularise(y, days)
    out = model(regular, days, h)
    effect = month_start_effect(y, days)
    out = out + effect * month_start_mask(future_days(days[-1], h))
    return np.asarray(out, dtype=np.float64)
