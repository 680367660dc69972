"""Cost anomaly incidents, their root cause, daily baseline and lifecycle, and the usage
anomalies that explain them (``/anomalies``)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from finops.api.schemas.common import Money, Percent


class AnomalyStatus(StrEnum):
    """An incident's lifecycle (``anomalies/store.py``): feedback survives reruns."""

    open = "open"
    acknowledged = "acknowledged"
    resolved = "resolved"
    false_positive = "false_positive"


class AnomalySeverity(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"


class AnomalyKind(StrEnum):
    spike = "spike"
    dip = "dip"
    level_shift = "level_shift"
    drift = "drift"


class RootCauseEntryPublic(BaseModel):
    """One child of the incident's scope (an account, service, region, usage type or resource)
    and how much of the deviation it explains over the incident's days."""

    dimension: str
    value: str
    actual: Money
    expected: Money
    delta: Money
    share: float = Field(description="fraction of the scope's deviation (1.0 = all of it)")


class AnomalyPublic(BaseModel):
    fingerprint: str
    scope_kind: str
    scope: dict[str, str]
    kind: AnomalyKind
    cause: str
    status: AnomalyStatus
    status_note: str | None
    first_day: date
    last_day: date
    expected: Money
    lower_bound: Money
    upper_bound: Money
    actual: Money
    impact: Money
    impact_pct: Percent | None
    severity: AnomalySeverity
    peak_score: float | None
    top_cause: RootCauseEntryPublic | None
    cost_metric: str
    detected_on: date
    last_run_date: date


class AnomaliesPublic(BaseModel):
    data: list[AnomalyPublic]
    count: int
    currency: str


class RelatedScopePublic(BaseModel):
    """Another scope that saw the same incident (deduplicated into this one)."""

    scope_kind: str
    scope: dict[str, str]
    first_day: date
    last_day: date
    kind: str
    impact: Money


class AnomalyDayPublic(BaseModel):
    """The scope's cost on one day against the detector's baseline (``None`` on days the
    detector could not judge yet: too little history, or a month start it is still learning)."""

    day: date
    actual: Money
    expected: Money | None
    lower: Money | None
    upper: Money | None
    anomalous: bool
    in_incident: bool


class UsageDirection(StrEnum):
    up = "up"
    down = "down"


class UsagePattern(StrEnum):
    """How a usage incident moved: a percent metric held near 100 (``pinned``), another rise
    (``surge``), a fall to a tenth of normal or less (``collapse``), another fall (``drop``)."""

    pinned = "pinned"
    surge = "surge"
    collapse = "collapse"
    drop = "drop"


class UsagePointPublic(BaseModel):
    """The metric's hourly average (the sparkline around an incident)."""

    ts: datetime
    value: float


class UsageIncidentPublic(BaseModel):
    """A usage anomaly on one resource metric (``finops run usage-anomalies``): when it started
    and ended (exclusive), its direction and pattern, its extreme value against the metric's
    usual value at those times, the detector's peak score, and the fingerprint of the cost
    anomaly it explains (``None``: no cost anomaly of the resource, or of its account and
    service, overlaps it)."""

    fingerprint: str
    account_id: str
    region_id: str
    resource_id: str
    resource_type: str | None
    namespace: str
    metric_name: str
    stat: str
    unit: str | None
    direction: UsageDirection
    pattern: UsagePattern
    started_at: datetime
    ended_at: datetime
    peak_value: float
    expected_value: float
    peak_score: float
    cost_anomaly: str | None
    detected_on: date
    last_run_date: date


class UsageIncidentsPublic(BaseModel):
    data: list[UsageIncidentPublic]
    count: int


class UsageIncidentDetailPublic(UsageIncidentPublic):
    series: list[UsagePointPublic] = Field(
        description="hourly averages from a day before to a day after the incident (while the "
        "raw points are kept)"
    )


class AnomalyDetailPublic(AnomalyPublic):
    currency: str
    root_cause: list[RootCauseEntryPublic]
    related_scopes: list[RelatedScopePublic]
    series: list[AnomalyDayPublic]
    usage_incidents: list[UsageIncidentDetailPublic] = Field(
        description="usage anomalies this incident is joined to: what the resource did"
    )


class AnomalyStatusUpdate(BaseModel):
    status: AnomalyStatus
    note: str | None = Field(default=None, max_length=2000)
