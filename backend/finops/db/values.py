"""Query result values as JSON carries them (the SQL console's CLI output and API answers)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from uuid import UUID


def plain_value(value: object) -> object:
    """A result value as JSON takes it: decimals as exact text (money keeps its precision),
    days and times in ISO 8601; JSON columns (``tags``), numbers, text and NULL as they are."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, UUID):
        return str(value)
    return value
