"""Thresholds of every optimization rule, with their defaults and where they come from.

Each policy validates itself and names the parameter at fault (``ConfigurationError``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from finops.errors import ConfigurationError

HOURS_PER_MONTH = Decimal(730)  # AWS convention for monthly figures
LOOKBACK_CHOICES = (14, 32, 93)  # Compute Optimizer lookback periods
CPU_PERCENTILES = (90.0, 95.0, 99.5)  # Compute Optimizer CPU thresholds
HEADROOM_CHOICES = (0.0, 0.1, 0.2, 0.3)


def _require(ok: bool, parameter: str, message: str) -> None:
    if not ok:
        raise ConfigurationError(f"{parameter}: {message}")


@dataclass(frozen=True, slots=True)
class RightsizingPolicy:
    """Compute Optimizer's EC2 method: P99.5 of the 5-minute maxima over 14 days, 20% headroom."""

    lookback_days: int = 14
    min_hours: float = 30.0
    cpu_percentile: float = 99.5
    cpu_headroom: float = 0.20
    memory_headroom: float = 0.20
    network_headroom: float = 0.20
    cross_family: bool = True
    burstable_targets: bool = False
    min_monthly_savings: Decimal = Decimal("1")

    def __post_init__(self) -> None:
        _require(
            self.lookback_days in LOOKBACK_CHOICES,
            "lookback_days",
            f"must be one of {LOOKBACK_CHOICES}, got {self.lookback_days}",
        )
        _require(
            self.cpu_percentile in CPU_PERCENTILES,
            "cpu_percentile",
            f"must be one of {CPU_PERCENTILES}, got {self.cpu_percentile}",
        )
        for name in ("cpu_headroom", "memory_headroom", "network_headroom"):
            value = getattr(self, name)
            _require(0 <= value < 1, name, f"must be in [0, 1), got {value}")
        _require(self.min_hours > 0, "min_hours", f"must be positive, got {self.min_hours}")


@dataclass(frozen=True, slots=True)
class WastePolicy:
    """Idle and waste thresholds (sources in docs/analytics.md)."""

    idle_lookback_days: int = 14
    idle_min_hours: float = 30.0
    idle_instance_max_cpu_percent: float = 5.0
    idle_instance_max_network_mbps: float = 2.0
    idle_rds_max_connections: float = 0.0
    idle_lb_max_requests: float = 100.0
    unattached_volume_min_days: int = 7
    old_snapshot_min_age_days: int = 365
    eip_min_idle_days: int = 1
    previous_generation: bool = True
    gp2_to_gp3: bool = True
    gp3_discount_when_unpriced: Decimal = Decimal("0.20")

    def __post_init__(self) -> None:
        _require(
            self.idle_lookback_days >= 1,
            "idle_lookback_days",
            f"must be at least 1, got {self.idle_lookback_days}",
        )
        _require(
            0 <= self.idle_instance_max_cpu_percent <= 100,
            "idle_instance_max_cpu_percent",
            f"must be a percentage, got {self.idle_instance_max_cpu_percent}",
        )
        for name in (
            "idle_instance_max_network_mbps",
            "idle_rds_max_connections",
            "idle_lb_max_requests",
            "unattached_volume_min_days",
            "old_snapshot_min_age_days",
            "eip_min_idle_days",
        ):
            _require(
                getattr(self, name) >= 0, name, f"must not be negative, got {getattr(self, name)}"
            )


@dataclass(frozen=True, slots=True)
class TagPolicy:
    """Required tag keys and, per key, the allowed values (absent key: any non-empty value)."""

    required: tuple[str, ...] = ("team", "environment", "cost-center", "application")
    allowed: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _require(bool(self.required), "required", "a tag policy needs at least one key")
        for key in self.allowed:
            _require(key in self.required, f"allowed[{key}]", "is not a required key")

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> TagPolicy:
        required = data.get("required")
        if not isinstance(required, list) or not all(isinstance(k, str) for k in required):
            raise ConfigurationError("tag policy: 'required' must be a list of tag keys")
        allowed_raw = data.get("allowed", {})
        if not isinstance(allowed_raw, dict):
            raise ConfigurationError("tag policy: 'allowed' must map tag keys to value lists")
        allowed = {str(k): tuple(str(v) for v in values) for k, values in allowed_raw.items()}
        return cls(required=tuple(required), allowed=allowed)


def policy_parameters(policy: object) -> dict[str, Any]:
    """A JSON-ready record of a policy, stored with every run."""
    values: dict[str, Any] = asdict(policy)  # type: ignore[call-overload]
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in values.items()}
