"""From a cost cube to incidents: detect per scope, explain by child dimensions, deduplicate.

Pure functions of the cube and the parameters (no database, no clock), shared by the warehouse
job and the evaluation.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from finops.analytics.anomalies.detector import AnomalyWindow, DetectorParams, detect
from finops.analytics.cube import (
    DEFAULT_TAG_KEYS,
    SPECIFICITY,
    CostCube,
    FloatArray,
    scopes_with_tags,
)
from finops.warehouse.cost_rows import BASE_DIMENSIONS
from finops.warehouse.money import CENT, money

ScopeKey = tuple[str, tuple[tuple[str, str], ...]]  # (scope kind, ((dimension, value), ...))


@dataclass(frozen=True, slots=True)
class AnalysisParams:
    detector: DetectorParams = field(
        default_factory=lambda: DetectorParams(detect_drops=False, skip_first_point=True)
    )
    tag_keys: tuple[str, ...] = DEFAULT_TAG_KEYS
    dominant_share: float = 0.8
    """A root-cause entry explaining at least this share of the deviation is 'dominant'; the
    most specific dominant entry is ranked first."""
    baseline_weeks: int = 4
    """Root cause: a child's expected value is the median of the same weekday over N weeks."""
    start_slack: int = 2
    """Deduplication: windows of one event start within this many days of each other ..."""
    drift_start_slack: int = 14
    """... drifts, whose start is only known roughly, within this many."""
    severity_high: tuple[float, float] = (500.0, 100.0)  # impact dollars, impact percent
    severity_medium: tuple[float, float] = (100.0, 50.0)


@dataclass(frozen=True, slots=True)
class Contributor:
    dimension: str
    value: str
    actual: float
    expected: float
    delta: float
    share: float

    def as_json(self) -> dict[str, object]:
        return {
            "dimension": self.dimension,
            "value": self.value,
            "actual": round(self.actual, 4),
            "expected": round(self.expected, 4),
            "delta": round(self.delta, 4),
            "share": round(self.share, 4),
        }


@dataclass(slots=True)
class Candidate:
    scope_kind: str
    scope: dict[str, str]
    window: AnomalyWindow
    root_cause: list[Contributor]
    new_resource_share: float

    @property
    def sign(self) -> int:
        return 1 if self.window.impact >= 0 else -1

    def dominant(self) -> set[tuple[str, str]]:
        """What the deviation is made of: the resources explaining ≥ 30% of it, its account or
        usage type (from the scope or explaining ≥ 50%)."""
        resources = {
            (c.dimension, c.value)
            for c in self.root_cause
            if c.dimension == "resource" and c.share >= 0.3
        }
        if "resource" in self.scope:
            resources.add(("resource", self.scope["resource"]))
        # a service or region alone is shared by unrelated incidents: not enough to merge
        items = {(k, v) for k, v in self.scope.items() if k not in ("service", "region")}
        items.update(
            (c.dimension, c.value)
            for c in self.root_cause
            if c.share >= 0.5 and c.dimension in ("account", "usage_type")
        )
        if len(self.scope) > 1:
            items.add(("scope", json.dumps(sorted(self.scope.items()))))
        return resources | items


@dataclass(slots=True)
class Incident:
    fingerprint: str
    scope_kind: str
    scope: dict[str, str]
    kind: str
    first_day: date
    last_day: date
    actual: Decimal
    expected: Decimal
    lower: Decimal
    upper: Decimal
    impact: Decimal
    impact_pct: Decimal | None
    severity: str
    cause: str
    """``usage_change`` (existing resources cost more) or ``new_resources`` (resources without
    cost in the baseline explain most of the deviation: launches, not runaway usage)."""
    peak_score: float | None
    root_cause: list[Contributor]
    related_scopes: list[dict[str, object]]

    @property
    def top_cause(self) -> Contributor | None:
        return self.root_cause[0] if self.root_cause else None


def fingerprint(scope_kind: str, scope: Mapping[str, str], first_day: date, sign: int) -> str:
    """Stable id of an incident: scope, first day and direction (not the kind, which can change
    from spike to level shift as days arrive)."""
    body = json.dumps([scope_kind, sorted(scope.items()), first_day.isoformat(), sign])
    return hashlib.sha256(body.encode()).hexdigest()[:24]


def special_days(days: Sequence[date]) -> np.ndarray:
    """The first day of every month: where monthly fees, tax and credits land."""
    return np.asarray([d.day == 1 for d in days], dtype=bool)


SeriesDetector = Callable[[FloatArray, np.ndarray, np.ndarray], list[AnomalyWindow]]
"""(series, special-day mask, accepted mask) -> anomalous windows; lets the evaluation run its
baselines through the same scopes, root cause and deduplication."""


def detect_candidates(
    cube: CostCube,
    *,
    params: AnalysisParams,
    report_from: int = 0,
    accepted: Mapping[ScopeKey, set[int]] | None = None,
    detector: SeriesDetector | None = None,
) -> list[Candidate]:
    """Run the detector on every series of every scope; keep windows ending at or after
    ``report_from`` (a day index)."""
    accepted = accepted or {}
    special = special_days(cube.days)
    out: list[Candidate] = []
    for scope_kind, dims in scopes_with_tags(params.tag_keys):
        keys, matrix = cube.series(dims)
        for key, values in zip(keys, matrix, strict=True):
            if dims and not all(key):
                continue  # rows without this dimension (untagged, no region) are no scope
            scope = dict(zip(dims, key, strict=True))
            series = _from_first_cost(values)
            mask = np.zeros(series.size, dtype=bool)
            for day in accepted.get((scope_kind, tuple(sorted(scope.items()))), set()):
                if 0 <= day < mask.size:
                    mask[day] = True
            if detector is None:
                windows = detect(
                    series, params=params.detector, special=special, accepted=mask
                ).windows
            else:
                windows = detector(series, special, mask)
            shifts = [w.start for w in windows if w.kind == "level_shift"]
            for window in windows:
                if window.end < report_from:
                    continue
                # the baseline of the children starts at this series' latest earlier level
                # shift: the level it moved to is the normal the window departs from
                since = max((s for s in shifts if s < window.start), default=0)
                cause, new_share = root_cause(cube, scope, window, params=params, since=since)
                out.append(Candidate(scope_kind, scope, window, cause, new_share))
    return out


def _from_first_cost(values: FloatArray) -> FloatArray:
    """Days before a series' first cost are missing (NaN), not zero: history starts there."""
    series = values.astype(np.float64).copy()
    nonzero = np.nonzero(values != 0)[0]
    series[: nonzero[0] if nonzero.size else series.size] = np.nan
    return series


def root_cause(
    cube: CostCube,
    scope: Mapping[str, str],
    window: AnomalyWindow,
    *,
    params: AnalysisParams,
    since: int = 0,
) -> tuple[list[Contributor], float]:
    """Child dimensions ranked by how much of the deviation they explain.

    Each child's expected value on an anomalous day is the median of its cost on the same
    weekday of the previous ``baseline_weeks`` weeks before the window starts, counting only
    weeks from day index ``since`` on (the scope's latest level shift) when there are any.
    """
    rows = cube.select(scope)
    new_share = 0.0
    days = np.arange(window.start, window.end + 1)
    entries: list[Contributor] = []
    for dim in BASE_DIMENSIONS:
        if dim in scope or dim not in cube.codes:
            continue
        keys, matrix = cube.series([dim], rows)
        if not keys:
            continue
        actual = matrix[:, days].sum(axis=1)
        expected = np.zeros(len(keys))
        for d in days:
            lags = _baseline_lags(int(d), window.start, params.baseline_weeks)
            lags = [lag for lag in lags if lag >= since] or lags
            if lags:
                expected += np.median(matrix[:, lags], axis=1)
        delta = actual - expected
        total = float(delta.sum())
        if abs(total) < 1e-9:
            continue
        share = delta / total
        if dim == "resource":
            new_share = float(np.sum(share[(expected == 0) & (actual > 0)]))
        for i in np.argsort(-share, kind="stable")[:3]:
            if share[i] <= 0 or not keys[i][0]:
                continue
            entries.append(
                Contributor(
                    dimension=dim,
                    value=keys[i][0],
                    actual=float(actual[i]),
                    expected=float(expected[i]),
                    delta=float(delta[i]),
                    share=float(share[i]),
                )
            )
    dominant = [e for e in entries if e.share >= params.dominant_share]
    rest = [e for e in entries if e.share < params.dominant_share]
    dominant.sort(key=lambda e: (-SPECIFICITY.get(e.dimension, 0), -e.share))
    rest.sort(key=lambda e: (-e.share, -SPECIFICITY.get(e.dimension, 0)))
    return dominant + rest, new_share


def _baseline_lags(day: int, start: int, weeks: int) -> list[int]:
    """The same weekday in the ``weeks`` weeks before ``start``."""
    lags: list[int] = []
    lag = day - 7
    while len(lags) < weeks and lag >= 0:
        if lag < start:
            lags.append(lag)
        lag -= 7
    return lags


def _overlap(a: AnomalyWindow, b: AnomalyWindow, gap: int = 1) -> bool:
    return a.start <= b.end + gap and b.start <= a.end + gap


def group_candidates(
    candidates: Sequence[Candidate], params: AnalysisParams | None = None
) -> list[list[Candidate]]:
    """Union of candidates that start together (drifts: overlap), move the same way at the same
    pace (a slow drift never absorbs a one-day spike) and share a dominant resource, account or
    usage type."""
    params = params or AnalysisParams()
    parent = list(range(len(candidates)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    dominant = [c.dominant() for c in candidates]
    order = sorted(range(len(candidates)), key=lambda i: candidates[i].window.start)
    for pos, i in enumerate(order):
        for j in order[pos + 1 :]:
            if candidates[j].window.start > candidates[i].window.end + 1:
                break
            a, b = candidates[i], candidates[j]
            drifts = (a.window.kind == "drift", b.window.kind == "drift")
            # one event starts on the same day in every scope that sees it (give or take the
            # detector's sensitivity); two events that merely overlap are two incidents
            slack = params.drift_start_slack if all(drifts) else params.start_slack
            same_event = (
                drifts[0] == drifts[1]
                and _overlap(a.window, b.window)
                and abs(a.window.start - b.window.start) <= slack
            )
            if a.sign == b.sign and same_event and dominant[i] & dominant[j]:
                parent[find(j)] = find(i)
    groups: dict[int, list[Candidate]] = {}
    for i in range(len(candidates)):
        groups.setdefault(find(i), []).append(candidates[i])
    return list(groups.values())


def _severity(impact: float, pct: float | None, params: AnalysisParams) -> str:
    magnitude, percent = abs(impact), abs(pct) if pct is not None else float("inf")
    if magnitude >= params.severity_high[0] or (
        percent >= params.severity_high[1] and magnitude >= params.severity_medium[0]
    ):
        return "high"
    if magnitude >= params.severity_medium[0] or percent >= params.severity_medium[1]:
        return "medium"
    return "low"


_KIND_PRIORITY = {"level_shift": 3, "drift": 2, "spike": 1, "dip": 1}


def to_incident(group: Sequence[Candidate], cube: CostCube, *, params: AnalysisParams) -> Incident:
    """One incident per group, represented by the member that started first and, among those,
    whose deviation is largest relative to its expected value (the narrowest scope where the
    anomaly stands out)."""

    def rank(c: Candidate) -> tuple[int, float, int, str]:
        pct = abs(c.window.impact_pct)
        return (c.window.start, -min(pct, 1e9), -len(c.scope), c.scope_kind)

    rep = sorted(group, key=rank)[0]
    w = rep.window
    first_day, last_day = cube.days[w.start], cube.days[w.end]
    actual = cube.exact_total(cube.select(rep.scope), w.start, w.end).quantize(CENT, ROUND_HALF_UP)
    expected = money(w.expected)
    impact = actual - expected
    pct = (impact / expected * 100).quantize(CENT, ROUND_HALF_UP) if expected > 0 else None
    kind = max(
        (c.window.kind for c in group if c is rep or c.window.kind == rep.window.kind),
        key=lambda k: _KIND_PRIORITY[k],
    )
    related = [
        {
            "scope_kind": c.scope_kind,
            "scope": c.scope,
            "first_day": cube.days[c.window.start].isoformat(),
            "last_day": cube.days[c.window.end].isoformat(),
            "kind": c.window.kind,
            "impact": float(money(c.window.impact)),
        }
        for c in sorted(
            group, key=lambda c: (c.scope_kind, sorted(c.scope.items()), c.window.start)
        )
        if c is not rep
    ]
    peak = None if np.isnan(w.peak_score) else round(float(w.peak_score), 3)
    return Incident(
        fingerprint=fingerprint(rep.scope_kind, rep.scope, first_day, rep.sign),
        scope_kind=rep.scope_kind,
        scope=dict(rep.scope),
        kind=kind,
        first_day=first_day,
        last_day=last_day,
        actual=actual,
        expected=expected,
        lower=money(w.lower),
        upper=money(w.upper),
        impact=impact,
        impact_pct=pct,
        severity=_severity(float(impact), float(pct) if pct is not None else None, params),
        cause="new_resources"
        if rep.new_resource_share >= params.dominant_share
        else "usage_change",
        peak_score=peak,
        root_cause=rep.root_cause,
        related_scopes=related,
    )


def find_incidents(
    cube: CostCube,
    *,
    params: AnalysisParams | None = None,
    report_from: int = 0,
    accepted: Mapping[ScopeKey, set[int]] | None = None,
    detector: SeriesDetector | None = None,
) -> list[Incident]:
    """Detect, explain and deduplicate: the incidents of the cube, oldest first."""
    params = params or AnalysisParams()
    candidates = detect_candidates(
        cube, params=params, report_from=report_from, accepted=accepted, detector=detector
    )
    incidents = [to_incident(g, cube, params=params) for g in group_candidates(candidates, params)]
    incidents.sort(key=lambda i: (i.first_day, i.scope_kind, sorted(i.scope.items())))
    return incidents
