"""The telemetry detector's calendar (windows in points for any step) and its extreme-value
threshold on known tails."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest

from finops.analytics.anomalies.model import DetectorError
from finops.analytics.anomalies.telemetry import (
    Calendar,
    TelemetryParams,
    gpd_quantile,
)

FIVE_MIN = timedelta(minutes=5)


def test_calendar_follows_the_step() -> None:
    five = Calendar.of(FIVE_MIN, TelemetryParams())
    assert (five.per_day, five.gap, five.shift) == (288, 12, 36)
    assert [c[0] for c in five.cycles] == [288, 2016]
    assert five.alpha == pytest.approx(0.5 / 2016)
    daily = Calendar.of(timedelta(days=1), TelemetryParams())
    assert [c[0] for c in daily.cycles] == [7]
    with pytest.raises(DetectorError, match="step"):
        Calendar.of(timedelta(0), TelemetryParams())
    with pytest.raises(DetectorError, match="alarms_per_week"):
        TelemetryParams(alarms_per_week=0)


def test_extreme_value_threshold_matches_known_tails() -> None:
    rng = np.random.default_rng(8)
    exp = rng.exponential(1.0, 200_000)
    # P(X > z) = 1e-4 for a unit exponential: z = ln(1e4) = 9.21
    assert gpd_quantile(exp, 1e-4, 0.1) == pytest.approx(np.log(1e4), rel=0.05)
    pareto = rng.pareto(2.0, 200_000)  # Lomax, xi = 0.5: P(X > z) = (1 + z)^-2
    assert gpd_quantile(pareto, 1e-4, 0.1) == pytest.approx(99.0, rel=0.15)
    assert gpd_quantile(exp[:10], 1e-4, 0.1) == float("inf")  # too little history
