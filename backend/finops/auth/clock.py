"""The time the identity code reads: injectable, so expiry and lockout are tested without
waiting (the API takes it from ``app.state.clock``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)
