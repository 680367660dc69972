"""Liveness and readiness (``/healthz``, ``/readyz``)."""

from __future__ import annotations

from pydantic import BaseModel


class HealthPublic(BaseModel):
    status: str


class ReadinessPublic(BaseModel):
    status: str
    database: str
    schema_revision: str | None
