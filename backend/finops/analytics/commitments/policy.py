"""Thresholds of the commitments job (the under-used commitment rules read them)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from finops.errors import ConfigurationError


@dataclass(frozen=True, slots=True)
class CommitmentPolicy:
    lookback_days: int = 30
    min_utilization: Decimal = Decimal("0.90")
    recommendation_lookback_days: int = 30

    def __post_init__(self) -> None:
        if self.lookback_days < 1 or self.recommendation_lookback_days < 1:
            raise ConfigurationError("lookback_days: must be at least 1")
        if not Decimal(0) < self.min_utilization <= 1:
            raise ConfigurationError(
                f"min_utilization: must be in (0, 1], got {self.min_utilization}"
            )
