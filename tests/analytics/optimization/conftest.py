"""Fixtures: one generated estate (3 billing periods, 14 days of 5-minute metrics, daily Config
snapshots) loaded once into its own warehouse database — billing, usage and inventory — and
shared read-mostly by the tests of this package."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from finops.config import Settings
from tests.conftest import create_database

ESTATE_START = date(2026, 8, 1)
ESTATE_END = date(2026, 11, 1)
AS_OF = date(2026, 10, 31)


@pytest.fixture(scope="session")
def estate_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from finops.generator import GenerateOptions, generate

    out = tmp_path_factory.mktemp("optimization-estate")
    generate(GenerateOptions(out_dir=out, start=ESTATE_START, end=ESTATE_END, utilization_days=14))
    return out


@pytest.fixture(scope="session")
def ground_truth(estate_dir: Path) -> dict[str, Any]:
    from finops.analytics.optimization.evaluation import load_ground_truth

    return load_ground_truth(estate_dir / "ground_truth.json")


@pytest.fixture(scope="session")
def estate_settings(
    pg_server: object, admin_url: str, finops_home: Path, estate_dir: Path
) -> Settings:
    """A warehouse holding the generated estate: billing, utilization and inventory."""
    from finops.db.engine import get_engine
    from finops.db.migrate import upgrade
    from finops.ingest.billing import ingest_billing
    from finops.jobs.inventory import run_inventory_ingest
    from finops.jobs.usage import run_usage_ingest

    name = f"t_opt_{uuid.uuid4().hex[:10]}"
    create_database(admin_url, name)
    settings = Settings(
        home=finops_home,
        database_url=pg_server.url(name),  # type: ignore[attr-defined]
        environment="test",
    )
    upgrade(get_engine(settings))
    ingest_billing(str(estate_dir / "cur2"), settings=settings)
    run_usage_ingest(str(estate_dir / "cloudwatch"), settings=settings)
    run_inventory_ingest(str(estate_dir / "config"), settings=settings)
    return settings


def situations(ground_truth: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {
        str(s["resource_id"]): s
        for s in ground_truth["situations"]
        if s["kind"] == kind and s.get("resource_id")
    }
