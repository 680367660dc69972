"""One small generated estate for the assistant's tests: three accounts billed 2026-08-01 ..
2026-10-15 (seed 7), with its usage and inventory, the waste, anomaly and forecast jobs run as of
its last day, and two monthly budgets checked. Loaded once per package; the tests only read it
(the questions they ask are logged in ``assistant_queries``, which no expectation reads)."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

import pytest

from finops.analytics.forecasting.backtest import ForecastParams
from finops.config import Settings
from tests.conftest import create_database

START = date(2026, 8, 1)
END = date(2026, 10, 16)  # exclusive
AS_OF = date(2026, 10, 15)
BUDGETS = (  # (name, amount, scope): one surely over this month, one surely under
    ("compute", "1", ("service=Amazon Elastic Compute Cloud",)),
    ("platform", "100000000", ()),
)


@pytest.fixture(scope="package")
def assistant_settings(
    pg_server: object, admin_url: str, finops_home: Path, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    from finops.analytics.anomalies.job import run_anomaly_detection
    from finops.analytics.budgets.job import run_budget_check
    from finops.analytics.forecasting.job import run_forecasts
    from finops.analytics.manage import create_budget
    from finops.db.engine import get_engine
    from finops.db.migrate import upgrade
    from finops.generator import GenerateOptions, generate
    from finops.ingest.billing import ingest_billing
    from finops.jobs.inventory import run_inventory_ingest
    from finops.jobs.usage import run_usage_ingest
    from finops.jobs.waste import run_waste

    out = tmp_path_factory.mktemp("assistant-estate")
    generate(
        GenerateOptions(
            out_dir=out,
            accounts=3,
            start=START,
            end=END,
            seed=7,
            utilization_days=3,
            restatement=False,
        )
    )
    name = f"t_ask_{uuid.uuid4().hex[:10]}"
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
    run_waste(run_date=AS_OF, settings=settings)
    run_anomaly_detection(run_date=AS_OF, report_days=60, settings=settings)
    run_forecasts(
        run_date=AS_OF,
        scope_kinds=("total",),
        params=ForecastParams(
            models=("seasonal_naive", "moving_average"),
            folds=2,
            min_history=28,
            backtest_horizon=14,
        ),
        settings=settings,
    )
    for name, amount, scope in BUDGETS:
        create_budget(name=name, amount=amount, period="monthly", scope=scope, settings=settings)
    run_budget_check(run_date=AS_OF, settings=settings)
    return settings
