"""Score anomaly detectors on the generator's ground truth (``ground_truth.json``).

Each detector runs over the whole range through the same scopes, root cause and
deduplication; every decision about a day uses only the days before it (the platform detector
and the rolling z-score are online; the STL baseline is offline, which can only help it).

- Positives: ``cost_spike``, ``level_shift`` and ``cost_drift`` situations, except a level shift
  whose ``details.cause`` is ``capacity_added`` (a documented legitimate step: neither a hit nor
  a false alert, reported separately).
- An incident *matches* a situation when its days overlap the situation's (open-ended
  situations: their first ``match_days`` days) and it is about the situation: its scope or one of
  its root-cause entries (share ≥ 0.3) is a planted resource, or its scope and top root-cause
  entry together name the planted account and service.
- Root cause is right when the top entry (or the incident's resource scope) is the planted
  resource (resource-scoped situations), or scope + top entry name the planted account and
  service (account × service situations; a resource names its own account and service).
- Alerts: incidents whose cause is ``usage_change`` (``new_resources`` incidents are recorded
  but not alerted, see docs/analytics.md); precision counts alerts.
- Detection delay: days from the situation's start to the day the detector could first alert
  (a window's first day; for a drift, the day the drift check fired).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from finops.analytics.anomalies.analysis import (
    AnalysisParams,
    Incident,
    SeriesDetector,
    find_incidents,
)
from finops.analytics.anomalies.baselines import rolling_zscore, stl_residual
from finops.analytics.cube import CostCube, scopes_with_tags
from finops.errors import FinOpsError

POSITIVE_KINDS = ("cost_spike", "level_shift", "cost_drift")


@dataclass(frozen=True, slots=True)
class Planted:
    kind: str
    start: date
    end: date | None
    account: str
    service_code: str | None
    resources: frozenset[str]
    scope: str
    ignored: bool


def load_planted(path: Path) -> list[Planted]:
    try:
        document = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise FinOpsError(f"cannot read ground truth {path}: {exc}") from exc
    out: list[Planted] = []
    for s in document.get("situations", []):
        if s["kind"] not in POSITIVE_KINDS:
            continue
        details: dict[str, Any] = s.get("details") or {}
        resources = set(details.get("resource_ids") or [])
        if s.get("resource_id"):
            resources.add(s["resource_id"])
        out.append(
            Planted(
                kind=s["kind"],
                start=date.fromisoformat(s["start"]),
                end=date.fromisoformat(s["end"]) if s.get("end") else None,
                account=s["account_id"],
                service_code=s.get("service"),
                resources=frozenset(resources),
                scope=str(details.get("scope", "")),
                ignored=details.get("cause") == "capacity_added",
            )
        )
    return out


@dataclass(slots=True)
class Resolver:
    """Names in the bill for the ground truth's ids: a resource's account and service."""

    resource_account: dict[str, str]
    resource_service: dict[str, str]

    @classmethod
    def from_cube(cls, cube: CostCube) -> Resolver:
        account: dict[str, str] = {}
        service: dict[str, str] = {}
        res, acc, svc = cube.codes["resource"], cube.codes["account"], cube.codes["service"]
        seen: set[int] = set()
        for i in range(res.size):
            code = int(res[i])
            if code == 0 or code in seen:
                continue
            seen.add(code)
            name = cube.vocab["resource"][code]
            account[name] = cube.vocab["account"][int(acc[i])]
            service[name] = cube.vocab["service"][int(svc[i])]
        return cls(account, service)

    def resources_matching(self, planted: Planted) -> set[str]:
        """Billed resource ids of the planted ones (NAT gateways and snapshots are billed
        under an ARN that ends in the id)."""
        out: set[str] = set()
        for billed in self.resource_account:
            for rid in planted.resources:
                if billed == rid or billed.endswith("/" + rid) or billed.endswith(":" + rid):
                    out.add(billed)
        return out

    def service_of(self, planted: Planted) -> str | None:
        services = {self.resource_service[r] for r in self.resources_matching(planted)}
        return next(iter(services)) if len(services) == 1 else None


def _window(p: Planted, match_days: int) -> tuple[date, date]:
    if p.end is not None:
        return p.start, p.end
    return p.start, p.start + timedelta(days=match_days)


def _pins(incident: Incident, resolver: Resolver) -> tuple[str | None, str | None, str | None]:
    """(account, service, resource) named by the incident's scope and its top entry."""
    account = incident.scope.get("account")
    service = incident.scope.get("service")
    resource = incident.scope.get("resource")
    if resource is not None:  # a resource names its account and service
        account = account or resolver.resource_account.get(resource)
        service = service or resolver.resource_service.get(resource)
    top = incident.top_cause
    if top is not None:
        if top.dimension == "account":
            account = account or top.value
        elif top.dimension == "service":
            service = service or top.value
        elif top.dimension == "resource":
            resource = top.value
            account = account or resolver.resource_account.get(top.value)
            service = service or resolver.resource_service.get(top.value)
    return account, service, resource


def is_about(incident: Incident, p: Planted, resolver: Resolver) -> bool:
    billed = resolver.resources_matching(p)
    if incident.scope.get("resource") in billed:
        return True
    if any(
        c.dimension == "resource" and c.value in billed and c.share >= 0.3
        for c in incident.root_cause
    ):
        return True
    account, service, _ = _pins(incident, resolver)
    return account == p.account and service is not None and service == resolver.service_of(p)


def root_cause_right(incident: Incident, p: Planted, resolver: Resolver) -> bool:
    billed = resolver.resources_matching(p)
    account, service, resource = _pins(incident, resolver)
    if p.scope == "resource":
        return resource in billed
    return account == p.account and service == resolver.service_of(p)


def _overlaps(incident: Incident, start: date, end: date) -> bool:
    return incident.first_day <= end and start <= incident.last_day


def detection_day(incident: Incident) -> date:
    return incident.last_day if incident.kind == "drift" else incident.first_day


@dataclass(slots=True)
class DetectorScore:
    name: str
    incidents: int
    alerts: int
    true_alerts: int
    false_alerts: int
    detected: int
    positives: int
    root_cause_right: int
    delays: list[int]
    false_alerts_per_scope_90d: float
    capacity_step_flagged: bool
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.true_alerts / self.alerts if self.alerts else 0.0

    @property
    def recall(self) -> float:
        return self.detected / self.positives if self.positives else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def root_cause_accuracy(self) -> float:
        return self.root_cause_right / self.detected if self.detected else 0.0

    @property
    def median_delay(self) -> float | None:
        return float(np.median(self.delays)) if self.delays else None


def score(
    name: str,
    incidents: Sequence[Incident],
    planted: Sequence[Planted],
    resolver: Resolver,
    *,
    scopes: int,
    days: int,
    match_days: int = 60,
) -> DetectorScore:
    positives = [p for p in planted if not p.ignored]
    ignored = [p for p in planted if p.ignored]
    alerts = [i for i in incidents if i.cause == "usage_change"]

    def matches(i: Incident, p: Planted) -> bool:
        return _overlaps(i, *_window(p, match_days)) and is_about(i, p, resolver)

    true_alerts = [i for i in alerts if any(matches(i, p) for p in positives)]
    neutral = [i for i in alerts if i not in true_alerts and any(matches(i, p) for p in ignored)]
    false_alerts = [i for i in alerts if i not in true_alerts and i not in neutral]
    detected = 0
    rc_right = 0
    delays: list[int] = []
    misses: list[str] = []
    for p in positives:
        hits = sorted((i for i in alerts if matches(i, p)), key=detection_day)
        if not hits:
            misses.append(f"{p.kind} {p.account} {p.service_code} {p.start}")
            continue
        detected += 1
        first = hits[0]
        delays.append((detection_day(first) - p.start).days)
        if root_cause_right(first, p, resolver):
            rc_right += 1
    capacity = any(matches(i, p) for i in incidents for p in ignored)
    return DetectorScore(
        name=name,
        incidents=len(incidents),
        alerts=len(alerts),
        true_alerts=len(true_alerts),
        false_alerts=len(false_alerts),
        detected=detected,
        positives=len(positives),
        root_cause_right=rc_right,
        delays=delays,
        false_alerts_per_scope_90d=len(false_alerts) / max(scopes, 1) / max(days / 90.0, 1e-9),
        capacity_step_flagged=capacity,
        misses=misses,
    )


def count_scopes(cube: CostCube, params: AnalysisParams) -> int:
    total = 0
    for _, dims in scopes_with_tags(params.tag_keys):
        keys, _ = cube.series(dims)
        total += sum(1 for k in keys if not dims or all(k))
    return total


DETECTORS: dict[str, SeriesDetector | None] = {
    "platform": None,
    "rolling z-score (28 d, z>3)": lambda y, s, a: rolling_zscore(y, s, a),
    "STL residual (robust, z>3.5)": lambda y, s, a: stl_residual(y, s, a),
}


def evaluate_anomalies(
    cube: CostCube, ground_truth: Path, *, params: AnalysisParams | None = None
) -> list[DetectorScore]:
    """Every detector in :data:`DETECTORS` scored on the same cube."""
    params = params or AnalysisParams()
    planted = load_planted(ground_truth)
    resolver = Resolver.from_cube(cube)
    scopes = count_scopes(cube, params)
    out = []
    for name, detector in DETECTORS.items():
        incidents = find_incidents(cube, params=params, detector=detector)
        out.append(score(name, incidents, planted, resolver, scopes=scopes, days=len(cube.days)))
    return out
