"""Usage anomalies: the telemetry detector on one resource metric (CPU, network, request
counts, ...) and the cost anomaly an incident explains.

Pure functions of the series and the parameters (no database, no clock); ``usage_job`` reads
the warehouse and stores what they return.

The detector (``detect_telemetry``) flags where a series leaves its expected range and accepts a
persistent move as the new normal after a while (a level shift). A usage incident needs its
whole extent (an instance pinned at 100% for 30 hours is one incident of 30 hours), so each
detector window is measured against the series' own daily profile (the median of the same time
of day on up to seven earlier days, outside earlier incidents): a window counts when its most
deviant point is at least ``min_ratio`` away from the profile, and it lasts while the series
stays at least half that deviation away in the same direction (gaps up to an hour bridged). A
window that is no departure from the profile (the return to normal after a level shift) is no
incident.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np

from finops.analytics.anomalies.model import AnomalyWindow, FloatArray
from finops.analytics.anomalies.telemetry import TelemetryParams, detect_telemetry

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class UsageParams:
    """Settings of :func:`find_usage_windows` (see docs/analytics.md, "Usage anomalies")."""

    detector: TelemetryParams = field(default_factory=lambda: TelemetryParams(group_hours=0.0))
    """Ungrouped: an incident is measured from the run of one direction that starts it."""
    min_ratio: float = 1.5
    """A window's most deviant point must be this factor above (or below) the daily profile."""
    profile_days: int = 7
    """Earlier days whose same time of day make the daily profile."""
    pinned_percent: float = 95.0
    """A rise of a percent metric whose median over the incident is at least this is 'pinned'."""
    collapse_share: float = 0.1
    """A fall to at most this share of the profile is a 'collapse'."""
    max_incidents: int = 20
    """Incidents kept per series and run (each costs one more pass of the detector)."""


@dataclass(frozen=True, slots=True)
class UsageWindow:
    """One incident on a series: points ``[start, end]`` (inclusive indices)."""

    start: int
    end: int
    direction: str  # up | down
    pattern: str  # pinned | surge | collapse | drop
    peak_value: float
    expected_value: float
    peak_score: float


@dataclass(frozen=True, slots=True)
class CostAnomalyRef:
    """What the join needs of a cost anomaly incident."""

    fingerprint: str
    scope_kind: str
    scope: Mapping[str, str]
    first_day: date
    last_day: date
    impact: float
    related: Sequence[Mapping[str, object]] = ()


def _offset(y: FloatArray) -> float:
    """The offset of the log scale ratios are taken on: a quarter of the median positive value
    (at least 1 for counts, so one request more is no doubling)."""
    known = y[~np.isnan(y)]
    positive = known[known > 0]
    c = 0.25 * float(np.median(positive)) if positive.size else 1.0
    if known.size and np.all(known == np.round(known)):
        c = max(c, 1.0)
    return max(c, 1e-9)


def _profile(y: FloatArray, hidden: np.ndarray, per_day: int, days: int) -> FloatArray:
    """Per point: the median of the same time of day on up to ``days`` earlier days, leaving
    out points inside earlier incidents (NaN without any)."""
    n = y.size
    masked = np.where(hidden, np.nan, y)
    lags = np.full((days, n), np.nan)
    for k in range(1, days + 1):
        shift = k * per_day
        if shift < n:
            lags[k - 1, shift:] = masked[: n - shift]
    known = ~np.isnan(lags).all(axis=0)
    out = np.full(n, np.nan)
    out[known] = np.nanmedian(lags[:, known], axis=0)
    return out


def find_usage_windows(
    values: FloatArray,
    *,
    step: timedelta,
    percent: bool = False,
    params: UsageParams | None = None,
) -> list[UsageWindow]:
    """The incidents of one series sampled every ``step`` (NaN: no point), oldest first."""
    params = params or UsageParams()
    y = np.asarray(values, dtype=np.float64)
    per_day = max(1, round(DAY / step))
    gap = max(1, round(HOUR / step))
    c = _offset(y)
    hidden = np.zeros(y.size, dtype=bool)
    found: list[UsageWindow] = []
    end_of_last = -1
    for _ in range(params.max_incidents):
        # an incident's points are gaps to the next pass: they neither set the baseline nor
        # inflate the calibrated threshold the later points are judged by
        detection = detect_telemetry(np.where(hidden, np.nan, y), step=step, params=params.detector)
        reference = _profile(y, hidden, per_day, params.profile_days)
        reference = np.where(np.isnan(reference), detection.expected, reference)
        incident = None
        for window in sorted(detection.windows, key=lambda w: w.start):
            if window.start > end_of_last:
                incident = _measure(
                    y, reference, window, c=c, gap=gap, percent=percent, params=params
                )
                if incident is not None:
                    break
        if incident is None:
            break
        found.append(incident)
        hidden[incident.start : incident.end + 1] = True
        end_of_last = incident.end
    return found


def _measure(
    y: FloatArray,
    reference: FloatArray,
    window: AnomalyWindow,
    *,
    c: float,
    gap: int,
    percent: bool,
    params: UsageParams,
) -> UsageWindow | None:
    """The incident a detector window starts, or None when it is no departure from the
    profile."""
    sign = 1.0 if window.actual >= window.expected else -1.0
    ratio = np.log(y + c) - np.log(reference + c)
    span = np.arange(window.start, window.end + 1)
    deviation = sign * ratio[span]
    if np.all(np.isnan(deviation)):
        return None
    peak = float(np.nanmax(deviation))
    if peak < np.log(params.min_ratio):
        return None
    end, quiet = window.end, 0
    for i in range(window.end + 1, y.size):
        if np.isnan(y[i]):
            continue
        if sign * ratio[i] >= 0.5 * peak:
            end, quiet = i, 0
        else:
            quiet += 1
            if quiet > gap:
                break
    points = np.arange(window.start, end + 1)
    inside = y[points][~np.isnan(y[points])]
    expected = float(np.nanmedian(reference[points]))
    if sign > 0:
        pinned = percent and float(np.median(inside)) >= params.pinned_percent
        pattern, extreme = ("pinned" if pinned else "surge"), float(np.max(inside))
    else:
        extreme = float(np.min(inside))
        collapsed = extreme <= params.collapse_share * expected
        pattern = "collapse" if collapsed else "drop"
    return UsageWindow(
        start=window.start,
        end=end,
        direction="up" if sign > 0 else "down",
        pattern=pattern,
        peak_value=extreme,
        expected_value=expected,
        peak_score=float(window.peak_score),
    )


def usage_fingerprint(series_key: Sequence[str], started_at: datetime, direction: str) -> str:
    """Stable id of a usage incident: its series, start and direction."""
    body = json.dumps([list(series_key), started_at.isoformat(), direction])
    return hashlib.sha256(body.encode()).hexdigest()[:24]


def explained_anomaly(
    *,
    first_day: date,
    last_day: date,
    resource_ids: set[str],
    account_id: str,
    services: set[str],
    anomalies: Sequence[CostAnomalyRef],
) -> str | None:
    """The fingerprint of the cost anomaly a usage incident on ``[first_day, last_day]``
    explains: one overlapping it in time whose scope (or a related scope that saw the same
    incident) is the resource itself, else the resource's account and service; the largest
    impact among equals. None when there is none."""
    best: tuple[int, float, str] | None = None
    for anomaly in anomalies:
        level = _match_level(anomaly, first_day, last_day, resource_ids, account_id, services)
        if level == 0:
            continue
        key = (level, abs(anomaly.impact), anomaly.fingerprint)
        if best is None or (key[0], key[1]) > (best[0], best[1]):
            best = key
    return None if best is None else best[2]


def _match_level(
    anomaly: CostAnomalyRef,
    first_day: date,
    last_day: date,
    resource_ids: set[str],
    account_id: str,
    services: set[str],
) -> int:
    """2: the anomaly is on the resource; 1: on its account and service; 0: unrelated."""
    spans = [(anomaly.scope, anomaly.first_day, anomaly.last_day)]
    spans += [
        (
            {str(k): str(v) for k, v in dict(r["scope"]).items()},  # type: ignore[call-overload]
            date.fromisoformat(str(r["first_day"])),
            date.fromisoformat(str(r["last_day"])),
        )
        for r in anomaly.related
    ]
    level = 0
    for scope, lo, hi in spans:
        if lo > last_day or hi < first_day:
            continue
        if set(scope) == {"resource"} and scope["resource"] in resource_ids:
            return 2
        if set(scope) == {"account", "service"} and scope["account"] == account_id:
            level = max(level, 1 if scope["service"] in services else 0)
    return level
