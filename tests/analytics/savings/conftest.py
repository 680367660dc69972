"""Fixtures: a fresh warehouse, and the moto server and recording clients of the remediation
tests (the savings tracker measures actions carried out through the real core)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from finops.config import Settings
from finops.db.engine import get_engine
from tests.remediation.conftest import aws, clients, moto_endpoint

__all__ = ["aws", "clients", "moto_endpoint"]


@pytest.fixture
def engine(fresh_settings: Settings) -> Engine:
    return get_engine(fresh_settings)
