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
    detect_telemetry,
    gpd_quantile,
)

FIVE_MIN = timedelta(minutes=5)


def test_calendar_follows_the_step() -> None:
    five = Calendar.of(FIVE_MIN, TelemetryParams())
    assert (five.per_day, five.gap, five.shift) == (288, 12, 12)
    assert [c[0] for c in five.cycles] == [288, 2016]
    # 1.5 flagged points a week, 2016 points a week
    assert five.alpha == pytest.approx(1.5 / 2016)
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


DAY = 288  # five-minute points per day


def cpu(days: int, seed: int) -> np.ndarray:
    """Five-minute CPU: 40% ± 20% over the day, Gaussian noise of 1 point."""
    k = np.arange(days * DAY)
    rng = np.random.default_rng(seed)
    return 40 + 20 * np.sin(2 * np.pi * k / DAY) + rng.normal(0, 1.0, k.size)


def test_quiet_daily_cycle_with_gaps_has_no_alert() -> None:
    y = cpu(8, seed=1)
    y[3 * DAY + 10 : 3 * DAY + 70] = np.nan  # five hours missing
    y[5 * DAY + 200] = np.nan
    d = detect_telemetry(y, step=FIVE_MIN)
    # eight days at the default of 1.5 flagged points a week: no alarm on this seed (on ten
    # other seeds 6 one-point alarms in 80 days, 0.5 a week); none near the gap
    assert d.windows == []
    assert (
        detect_telemetry(y, step=FIVE_MIN, params=TelemetryParams(alarms_per_week=0.5)).windows
        == []
    )
    assert np.isnan(d.expected[3 * DAY + 10 : 3 * DAY + 70]).all()
    assert not d.anomalous[3 * DAY + 10 : 3 * DAY + 70].any()


def test_an_hour_of_runaway_cpu_is_one_alert_with_start_end_and_peak() -> None:
    y = cpu(8, seed=2)
    start = 6 * DAY + 100
    y[start : start + 12] += 35
    d = detect_telemetry(y, step=FIVE_MIN, params=TelemetryParams(group_hours=0))
    # one calibrated stray point 6.4 hours before it (z 3.3, within 1.5 a week), then the run
    assert [(w.start, w.kind) for w in d.windows] == [(start - 77, "spike"), (start, "spike")]
    w = d.windows[1]
    assert start + 6 <= w.end <= start + 11
    assert w.peak_score == pytest.approx(float(np.max(np.abs(d.score[start : start + 12]))))
    assert w.actual > w.expected
    (grouped,) = detect_telemetry(y, step=FIVE_MIN).windows  # within 12 hours: one alert
    assert (grouped.start, grouped.end, grouped.peak_score) == (start - 77, w.end, w.peak_score)


def test_a_level_shift_is_one_alert_then_the_new_level_is_normal() -> None:
    y = cpu(9, seed=3)
    shift = 5 * DAY + 30
    y[shift:] += 30
    d = detect_telemetry(y, step=FIVE_MIN)
    assert len(d.windows) == 1
    (w,) = d.windows
    # flagged from its first point; the threshold, refreshed hourly on the series' own errors,
    # then rises with the step's errors, so the step is reported as a short rise
    assert w.start == shift
    assert w.end < shift + 12
    assert not d.anomalous[shift + 12 :].any()
    assert np.nanmedian(d.expected[shift + DAY : shift + 2 * DAY]) > 65.0  # the new normal


def test_heavy_tailed_noise_keeps_to_the_false_alarm_setting() -> None:
    rng = np.random.default_rng(4)
    k = np.arange(14 * DAY)
    y = 100 + 30 * np.sin(2 * np.pi * k / DAY) + 3 * rng.standard_t(2, k.size)
    d = detect_telemetry(y, step=FIVE_MIN)
    assert len(d.windows) == 2  # two weeks at 0.5 alarms per week
    loose = detect_telemetry(y, step=FIVE_MIN, params=TelemetryParams(alarms_per_week=20))
    assert len(loose.windows) > len(d.windows)


def test_counts_near_zero_are_not_alarms_but_a_burst_is() -> None:
    rng = np.random.default_rng(5)
    hours = 28 * 24
    y = rng.poisson(0.3, hours).astype(float)
    quiet = detect_telemetry(y, step=timedelta(hours=1))
    # four weeks at 1.5 flagged points a week: a single hour of 3 purchases (P = 0.4%)
    assert [(w.start, y[w.start]) for w in quiet.windows] == [(632, 3.0)]
    assert int(np.sum(y >= 2)) > 20  # twos are common enough to be no alarm
    y[20 * 24 + 5] = 40
    burst = detect_telemetry(y, step=timedelta(hours=1))
    # the burst is flagged; the calibration then counts it in the tail, and the lone 3 is no
    # longer beyond the threshold
    assert [(w.start, w.kind) for w in burst.windows] == [(20 * 24 + 5, "spike")]


def test_a_fall_is_a_dip_and_rises_only_ignores_it() -> None:
    y = cpu(8, seed=6)
    start = 6 * DAY + 150
    y[start : start + 6] = 2.0
    windows = detect_telemetry(y, step=FIVE_MIN).windows
    # a calibrated stray point on day 5 (z 3.75), then the fall
    assert [(w.start, w.kind) for w in windows] == [(1467, "spike"), (start, "dip")]
    rises = TelemetryParams(two_sided=False)
    assert [w.start for w in detect_telemetry(y, step=FIVE_MIN, params=rises).windows] == [1467]


def test_flagged_points_within_the_grouping_window_are_one_alert() -> None:
    y = cpu(8, seed=8)
    rise, fall = 6 * DAY + 100, 6 * DAY + 100 + 36  # three hours apart
    y[rise : rise + 3] += 40
    y[fall : fall + 3] = 2.0
    apart = detect_telemetry(y, step=FIVE_MIN, params=TelemetryParams(group_hours=0))
    stray = (1433, "spike")  # a calibrated stray point on day 4 (z 2.4), 16 hours earlier
    assert [(w.start, w.kind) for w in apart.windows] == [stray, (rise, "spike"), (fall, "dip")]
    apart.windows.pop(0)
    first, one = detect_telemetry(y, step=FIVE_MIN).windows  # within 12 hours: one incident
    assert (first.start, first.kind) == stray
    assert (one.start, one.end) == (rise, apart.windows[1].end)
    top = max(apart.windows, key=lambda w: w.peak_score)
    assert (one.kind, one.peak_score) == (top.kind, top.peak_score)


HOUR = timedelta(hours=1)


def test_a_crash_burst_in_overdispersed_counts_is_one_spike_not_the_fall_after_it() -> None:
    # hourly crash counts: Poisson with a gamma-distributed rate (mean 10, often near zero,
    # now and then 40+), as the application crash series are; then 3 hours of 100 crashes
    rng = np.random.default_rng(1)
    y = rng.poisson(rng.gamma(1.0, 10.0, 21 * 24)).astype(float)
    burst = 16 * 24 + 5
    y[burst : burst + 3] = 100.0
    windows = detect_telemetry(y, step=HOUR).windows
    # on a log scale the noise near zero outweighed the burst (z 2-3): the level followed it
    # and only the fall back to normal was flagged, as a dip at 393-397
    hits = [(w.start, w.end, w.kind) for w in windows if w.end >= burst and w.start <= burst + 5]
    assert hits == [(burst, burst + 2, "spike")]
    assert [w.kind for w in windows].count("dip") == 0
    assert len(windows) <= 3  # three weeks at 1.5 flagged points a week


def test_an_hour_without_events_in_small_counts_is_no_dip() -> None:
    # three weeks of Poisson(3) counts: 26 hours of zero (P = 5% each), no anomaly
    rng = np.random.default_rng(2)
    y = rng.poisson(3.0, 21 * 24).astype(float)
    assert int(np.sum(y == 0)) == 26
    windows = detect_telemetry(y, step=HOUR).windows
    # the log scale flagged 4 of the zeros as dips; on the counts' own scale a zero is 1.4 σ
    # below 3 and only the rarest hours are flagged: 8 or more (P = 0.4%), within the setting
    assert [w.kind for w in windows] == ["spike"] * len(windows)
    assert len(windows) <= 2
    assert all(y[w.start] >= 8 for w in windows)
