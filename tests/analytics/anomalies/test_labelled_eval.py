"""Event-level scoring of ``finops eval anomalies --dataset`` on a hand-made labelled set."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

from finops.analytics.anomalies.model import AnomalyWindow, FloatArray
from finops.analytics.evaluation.labelled import (
    DATASET_DETECTORS,
    evaluate_dataset,
    label_windows,
    load_dataset,
    read_labelled_csv,
    score_series,
)
from finops.errors import FinOpsError
from finops.orchestration.evaluation import eval_dataset


def write(path: Path, values: list[str], labels: list[int], *, skip: int | None = None) -> None:
    lines = ["TimeStamp,Value,Label"]
    for k, (v, lab) in enumerate(zip(values, labels, strict=True)):
        if k != skip:
            lines.append(f'"2018-07-{1 + k // 24:02d} {k % 24:02d}:00:00",{v},{lab}')
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")


def above_50(values: FloatArray, step: timedelta) -> list[AnomalyWindow]:
    """Runs of points above 50: a detector simple enough to count its alerts by hand."""
    flags = np.nan_to_num(values) > 50
    out: list[AnomalyWindow] = []
    for k in np.nonzero(flags)[0].tolist():
        if out and out[-1].end == k - 1:
            last = out.pop()
            out.append(AnomalyWindow(last.start, k, "spike", 0.0, 0.0, 0.0, 0.0, 0.0))
        else:
            out.append(AnomalyWindow(k, k, "spike", 0.0, 0.0, 0.0, 0.0, 0.0))
    return out


@pytest.fixture()
def dataset(tmp_path: Path) -> Path:
    root = tmp_path / "set"
    # two windows, both hit; one alert (point 9) outside any window
    write(
        root / "a" / "a.csv",
        ["1", "1", "90", "95", "1", "1", "1", "80", "1", "99"],
        [0, 0, 1, 1, 0, 0, 0, 1, 0, 0],
    )
    # no labels, one week of hours: two alerts, both false alarms
    quiet = ["1"] * 168
    quiet[10], quiet[11], quiet[50] = "60", "100", "70"
    write(root / "b.csv", quiet, [0] * 168)
    # a window no alert reaches; the row at 8 is missing and the value at 2 is empty
    write(
        root / "c.csv",
        ["1", "2", "", "1", "3", "4", "3", "1", "1", "1"],
        [0, 0, 0, 0, 1, 1, 1, 0, 0, 0],
        skip=8,
    )
    return root


def test_windows_hits_and_false_alarms_are_counted_by_event(dataset: Path) -> None:
    series = load_dataset(dataset)
    assert [s.name for s in series] == ["a/a.csv", "b.csv", "c.csv"]
    (score,) = evaluate_dataset(series, {"above 50": above_50})
    by_name = {s.name: s for s in score.series}
    assert (by_name["a/a.csv"].windows, by_name["a/a.csv"].hit) == (2, 2)
    assert (by_name["a/a.csv"].alerts, by_name["a/a.csv"].false_alarms) == (3, 1)
    assert (by_name["b.csv"].alerts, by_name["b.csv"].false_alarms) == (2, 2)
    assert by_name["b.csv"].weeks == pytest.approx(1.0)
    assert (by_name["c.csv"].windows, by_name["c.csv"].hit, by_name["c.csv"].alerts) == (1, 0, 0)
    assert (score.windows, score.hit, score.false_alarms) == (3, 2, 3)
    assert score.precision == pytest.approx(2 / 5)
    assert score.recall == pytest.approx(2 / 3)
    assert score.f1 == pytest.approx(0.5)
    assert score.unlabelled_false_per_week == pytest.approx(2.0)
    assert score.worst_unlabelled_per_week == pytest.approx(2.0)


def test_series_glob_keeps_the_matching_series_only(dataset: Path) -> None:
    assert [s.name for s in load_dataset(dataset, series_glob=("a/*",))] == ["a/a.csv"]
    chosen = load_dataset(dataset, series_glob=("b.csv", "c.*"))
    assert [s.name for s in chosen] == ["b.csv", "c.csv"]
    scores, _ = eval_dataset(dataset, series_glob=("a/*",))
    assert [(s.windows, s.series[0].name) for s in scores] == [(2, "a/a.csv")] * 4
    with pytest.raises(FinOpsError, match=r"--series-glob z\* d/\*: no CSV file under"):
        load_dataset(dataset, series_glob=("z*", "d/*"))


def test_an_alert_over_two_windows_hits_both_and_one_window_counts_once() -> None:
    windows = [(2, 3), (6, 7)]
    assert score_series("s", [(3, 6)], windows, 1.0).hit == 2
    twice = score_series("s", [(2, 2), (3, 3), (9, 9)], windows, 1.0)
    assert (twice.hit, twice.alerts, twice.false_alarms) == (1, 3, 1)


def test_labels_and_gaps_on_the_grid(dataset: Path) -> None:
    c = read_labelled_csv(dataset / "c.csv")
    assert c.step == timedelta(hours=1)
    assert c.values.size == 10  # the missing row is a gap on the grid
    assert np.isnan(c.values[2]) and np.isnan(c.values[8])
    assert label_windows(c.labels) == [(4, 6)]
    assert label_windows(np.array([True, True, False, True])) == [(0, 1), (3, 3)]


def test_the_report_has_every_detector_and_bad_input_names_the_fault(
    dataset: Path, tmp_path: Path
) -> None:
    scores, report = eval_dataset(dataset)
    assert [s.windows for s in scores] == [3, 3, 3, 3]
    assert "rolling z-score" in report and "STL residual" in report
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.csv").write_text("time,value\n2018-01-01,1\n")
    with pytest.raises(FinOpsError, match="no column"):
        load_dataset(bad)
    with pytest.raises(FinOpsError, match="not a directory"):
        load_dataset(tmp_path / "missing")


def test_false_alarms_on_a_real_unlabelled_series() -> None:
    """outbound-16 of the cloud-monitoring dataset: 30 days of hourly latency, nothing labelled."""
    path = Path(__file__).parents[2] / "data" / "cloud-monitoring" / "outbound-16.csv"
    (series,) = [read_labelled_csv(path)]
    assert (series.values.size, series.step, int(series.labels.sum())) == (
        720,
        timedelta(hours=1),
        0,
    )
    scores = evaluate_dataset([series], DATASET_DETECTORS)
    false = {s.detector.split(" (")[0]: s.false_alarms for s in scores}
    assert false == {
        "platform: telemetry detector": 2,  # 0.47 a week, at the setting of 1 a week
        "platform: cost detector": 6,
        "rolling z-score": 5,
        "STL residual": 20,
    }
    assert scores[0].unlabelled_false_per_week == pytest.approx(2 / (720 / 168))


def test_the_command_prints_the_table_and_names_a_bad_directory(
    dataset: Path, tmp_path: Path
) -> None:
    env = {**os.environ, "FINOPS_HOME": str(tmp_path / "home"), "FINOPS_LOG_LEVEL": "WARNING"}

    def finops(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "finops", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    done = finops("eval", "anomalies", "--dataset", str(dataset))
    assert done.returncode == 0, done.stderr
    rows = [line for line in done.stdout.splitlines() if line.startswith("| ")][1:]
    assert len(rows) == 4
    assert rows[0].split("|")[5].strip() == "0/3"  # windows hit by the telemetry detector
    bad = finops("eval", "anomalies", "--dataset", str(tmp_path / "missing"))
    assert bad.returncode != 0
    assert "not a directory" in bad.stdout + bad.stderr
