"""One small generated estate (two billing periods, three days of 5-minute metrics, daily
Config snapshots) loaded into its own warehouse, with the optimization and allocation jobs run as
of its last day; shared read-only by the API tests of this package, through a client logged
in as an admin (session cookie and CSRF header, as the dashboard sends them). A second, smaller
warehouse holds the cost-intelligence export with the anomaly and forecast jobs run on it (the
tests that change statuses or budgets there put them back)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from finops.analytics.forecasting.backtest import ForecastParams
from finops.config import Settings
from tests.conftest import create_database
from tests.factories.cost_intelligence import END as INTEL_END
from tests.factories.cost_intelligence import IntelExport, intel_export
from tests.factories.identity import BASE_URL, log_in_admin

ESTATE_START = date(2026, 9, 1)
ESTATE_END = date(2026, 11, 1)  # exclusive
AS_OF = date(2026, 10, 31)
UTILIZATION_DAYS = 3  # the rules need 30 hours of data; three days keep the load short


@pytest.fixture(scope="package")
def estate_settings(
    pg_server: object, admin_url: str, finops_home: Path, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    from finops.db.engine import get_engine
    from finops.db.migrate import upgrade
    from finops.generator import GenerateOptions, generate
    from finops.ingest.billing import ingest_billing
    from finops.jobs.allocation import run_allocation
    from finops.jobs.commitments import run_commitments
    from finops.jobs.inventory import run_inventory_ingest
    from finops.jobs.kpis import run_kpis
    from finops.jobs.usage import run_usage_ingest
    from finops.jobs.waste import run_waste

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
    run_waste(run_date=date(2026, 10, 20), settings=settings)
    run_waste(run_date=AS_OF, settings=settings)
    run_commitments(run_date=AS_OF, settings=settings)
    # one run: it writes the chargeback of every billing period up to AS_OF
    run_allocation(run_date=AS_OF, settings=settings)
    run_kpis(run_date=AS_OF, settings=settings)
    return settings


@pytest.fixture(scope="package")
def client(estate_settings: Settings) -> Iterator[TestClient]:
    from finops.api.main import create_app

    app = create_app(settings=estate_settings, frontend_dist=None)
    with TestClient(app, base_url=BASE_URL) as test_client:
        yield log_in_admin(test_client, estate_settings)


@dataclass(frozen=True)
class IntelEstate:
    settings: Settings
    planted: IntelExport
    forecast_dates: tuple[date, date]  # services forecast on the first only, the rest on both


FAST_FORECASTS = ForecastParams(
    models=("seasonal_naive", "moving_average", "ets"), folds=2, min_history=28, backtest_horizon=14
)


@pytest.fixture(scope="package")
def intel_estate(
    pg_server: object, admin_url: str, finops_home: Path, tmp_path_factory: pytest.TempPathFactory
) -> IntelEstate:
    """The cost-intelligence export (two planted spikes) in its own warehouse, the anomaly job
    run as of its last day, the forecast job a week before (every scope kind) and on its last
    day (total and accounts only, so services' latest forecast is the older one)."""
    from finops.analytics.anomalies.job import run_anomaly_detection
    from finops.analytics.forecasting.job import run_forecasts
    from finops.db.engine import get_engine
    from finops.db.migrate import upgrade
    from finops.ingest.billing import ingest_billing

    planted = intel_export()
    name = f"t_intel_{uuid.uuid4().hex[:10]}"
    create_database(admin_url, name)
    settings = Settings(
        home=finops_home,
        database_url=pg_server.url(name),  # type: ignore[attr-defined]
        environment="test",
    )
    upgrade(get_engine(settings))
    ingest_billing(str(planted.export.write(tmp_path_factory.mktemp("intel"))), settings=settings)
    run_anomaly_detection(run_date=INTEL_END, report_days=14, settings=settings)
    week_before = INTEL_END - timedelta(days=7)
    run_forecasts(
        run_date=week_before,
        scope_kinds=("total", "account", "service"),
        params=FAST_FORECASTS,
        settings=settings,
    )
    run_forecasts(
        run_date=INTEL_END,
        scope_kinds=("total", "account"),
        params=FAST_FORECASTS,
        settings=settings,
    )
    return IntelEstate(settings, planted, (week_before, INTEL_END))


@pytest.fixture(scope="package")
def intel_client(intel_estate: IntelEstate) -> Iterator[TestClient]:
    from finops.api.main import create_app

    app = create_app(settings=intel_estate.settings, frontend_dist=None)
    with TestClient(app, base_url=BASE_URL) as test_client:
        yield log_in_admin(test_client, intel_estate.settings)
