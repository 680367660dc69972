"""One small generated estate (two billing periods, three days of 5-minute metrics, daily
Config snapshots) loaded into its own warehouse, with the optimization and allocation jobs run as
of its last day; shared read-only by the API tests of this package."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from finops.config import Settings
from tests.conftest import create_database

ESTATE_START = date(2026, 9, 1)
ESTATE_END = date(2026, 11, 1)  # exclusive
AS_OF = date(2026, 10, 31)
UTILIZATION_DAYS = 3  # the rules need 30 hours of data; three days keep the load short


@pytest.fixture(scope="package")
def estate_settings(
    pg_server: object, admin_url: str, finops_home: Path, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    from finops.analytics.optimization.cli import run_allocation, run_kpis, run_waste
    from finops.db.engine import get_engine
    from finops.db.migrate import upgrade
    from finops.generator import GenerateOptions, generate
    from finops.ingest.billing import ingest_billing
    from finops.ingest.usage.cli import run_inventory_ingest, run_usage_ingest

    out = tmp_path_factory.mktemp("api-estate")
    generate(
        GenerateOptions(
            out_dir=out, start=ESTATE_START, end=ESTATE_END, utilization_days=UTILIZATION_DAYS
        )
    )
    name = f"t_api_{uuid.uuid4().hex[:10]}"
    create_database(admin_url, name)
    settings = Settings(
        home=finops_home,
        database_url=pg_server.url(name),  # type: ignore[attr-defined]
        environment="test",
    )
    upgrade(get_engine(settings))
    ingest_billing(str(out / "cur2"), settings=settings)
    run_usage_ingest(str(out / "cloudwatch"), settings=settings)
    run_inventory_ingest(str(out / "config"), settings=settings)
    # two runs of the waste job, so findings carry every lifecycle status
    run_waste(as_of=date(2026, 10, 20), settings=settings)
    run_waste(as_of=AS_OF, settings=settings)
    run_allocation(as_of=date(2026, 9, 30), settings=settings)
    run_allocation(as_of=AS_OF, settings=settings)
    run_kpis(as_of=AS_OF, settings=settings)
    return settings


@pytest.fixture(scope="package")
def client(estate_settings: Settings) -> Iterator[TestClient]:
    from finops.api.main import create_app

    with TestClient(create_app(settings=estate_settings, frontend_dist=None)) as test_client:
        yield test_client
