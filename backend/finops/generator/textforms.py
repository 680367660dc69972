"""Text forms shared by the writers: ISO timestamps and UUID-shaped identifiers."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime


def iso_seconds(seconds: int) -> str:
    """``2026-10-01T00:00:00Z`` for a Unix time in seconds."""
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def uuid_form(hex_digits: str) -> str:
    """The first 32 hex digits of ``hex_digits`` grouped 8-4-4-4-12 like a UUID."""
    h = hex_digits
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def text_uuid(text: str) -> str:
    """A UUID-shaped identifier derived from ``text`` (the same text, the same identifier)."""
    return uuid_form(hashlib.sha256(text.encode()).hexdigest())
