"""The detector on hand-built series with known answers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from finops.analytics.anomalies.analysis import special_days
from finops.analytics.anomalies.csv_series import detect_csv
from finops.analytics.anomalies.detector import DetectorError, DetectorParams, detect

RNG = np.random.default_rng(7)
N = 180
T = np.arange(N)
DAYS = [date(2026, 1, 5) + timedelta(days=int(k)) for k in T]  # starts on a Monday


def weekly(noise: float = 1.0) -> np.ndarray:
    """Level 100 growing 0.05/day, weekends 25% lower, Gaussian noise."""
    base = (100 + 0.05 * T) * np.where(T % 7 >= 5, 0.75, 1.0)
    return base + RNG.normal(0, noise, N)


def test_quiet_series_with_seasonality_and_trend_has_no_anomaly() -> None:
    assert detect(weekly()).windows == []


def test_spike_is_found_with_its_days_expected_value_and_impact() -> None:
    y = weekly()
    y[100:102] += 60.0
    d = detect(y)
    assert [(w.start, w.end, w.kind) for w in d.windows] == [(100, 101, "spike")]
    w = d.windows[0]
    assert w.impact == pytest.approx(120.0, rel=0.05)
    assert w.expected == pytest.approx(float(np.sum(y[100:102]) - 120.0), rel=0.03)
    assert w.lower < w.expected < w.upper < w.actual
    assert d.anomalous[100] and d.anomalous[101] and not d.anomalous[102]


def test_level_shift_is_confirmed_then_becomes_the_new_normal() -> None:
    y = weekly()
    y[120:] += 40.0
    d = detect(y)
    assert [(w.start, w.kind) for w in d.windows] == [(120, "level_shift")]
    assert d.windows[0].end == 120 + DetectorParams().shift_confirm - 1
    assert not d.anomalous[140:].any()  # learnt: no alert every day after the shift


def test_slow_drift_is_reported_as_a_drift() -> None:
    y = weekly(noise=0.5)
    ramp = np.clip((T - 90) / 60.0, 0, 1) * 100.0  # +100% over 60 days
    d = detect(y + ramp)
    kinds = {w.kind for w in d.windows}
    assert kinds & {"drift", "level_shift"}
    first = min(w.start for w in d.windows)
    assert 90 <= first <= 125


def test_month_start_fees_are_learnt_not_flagged() -> None:
    y = weekly()
    special = special_days(DAYS)
    y[special] += 400.0  # support fee and tax on the 1st
    assert detect(y, special=special).windows == []
    y2 = y.copy()
    day = int(np.nonzero(special)[0][-1])
    y2[day] += 1500.0  # a fee four times the usual one
    windows = detect(y2, special=special).windows
    assert [(w.start, w.kind) for w in windows] == [(day, "spike")]


def test_drops_are_reported_only_when_asked() -> None:
    y = weekly()
    y[150:152] -= 50
    assert [w.kind for w in detect(y).windows] == ["dip"]
    assert detect(y, params=DetectorParams(detect_drops=False)).windows == []


def test_accepted_points_are_not_flagged_and_teach_the_baseline() -> None:
    y = weekly()
    y[100:103] += 60.0
    accepted = np.zeros(N, dtype=bool)
    accepted[100:103] = True
    assert detect(y, accepted=accepted).windows == []


def test_needs_min_history_and_tolerates_missing_points() -> None:
    y = weekly()
    y[:40] = np.nan
    y[60] = np.nan
    y[45] += 80  # only 5 points of history: not judged
    y[90] += 80
    d = detect(y)
    assert [w.start for w in d.windows] == [90]


def test_same_input_same_output() -> None:
    y = weekly()
    y[70] += 50
    a, b = detect(y), detect(y.copy())
    assert a.windows == b.windows
    np.testing.assert_array_equal(a.expected, b.expected)


def test_five_minute_series_with_a_daily_cycle(tmp_path: Path) -> None:
    points = 288 * 8
    k = np.arange(points)
    cpu = 40 + 20 * np.sin(2 * np.pi * k / 288) + np.random.default_rng(3).normal(0, 1.0, points)
    cpu[288 * 6 + 100 : 288 * 6 + 112] += 35  # an hour of runaway CPU on day 7
    path = tmp_path / "cpu.csv"
    t0 = datetime(2026, 3, 1, tzinfo=UTC)
    lines = ["timestamp,cpu"] + [
        f"{(t0 + timedelta(minutes=5 * int(m))).isoformat()},{v:.4f}"
        for m, v in zip(k, cpu, strict=True)
    ]
    path.write_text("\n".join(lines) + "\n")
    found, rendered = detect_csv(path, value_column="cpu")
    assert len(found) == 1
    assert found[0].start.startswith("2026-03-07T08:")
    assert found[0].kind == "spike"
    assert "spike" in rendered


def test_bad_input_is_refused_with_the_reason() -> None:
    with pytest.raises(DetectorError, match="one-dimensional"):
        detect(np.zeros((3, 3)))
    with pytest.raises(DetectorError, match="window"):
        DetectorParams(window=1)
    with pytest.raises(DetectorError, match="length"):
        detect(np.zeros(20), special=np.zeros(3, dtype=bool))
