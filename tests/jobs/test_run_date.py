"""The one place run dates are resolved: a given date, else the latest charge day in the
warehouse (never the clock); a scheduled ingest's day from its data interval."""

from __future__ import annotations

import importlib
import inspect
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from finops.config import Settings
from finops.errors import ConfigurationError, FinOpsError
from finops.ingest.billing import ingest_billing
from finops.jobs.ledger import JOB_INPUTS
from finops.jobs.run_date import interval_day, parse_run_date, resolve_run_date
from finops.jobs.scheduled import ANALYTICS_JOBS
from tests.factories.cur2 import Cur2Export


def test_a_run_date_is_parsed_from_text_and_a_bad_one_names_its_parameter() -> None:
    assert parse_run_date("2026-06-03") == date(2026, 6, 3)
    assert parse_run_date(" 2026-06-03 ") == date(2026, 6, 3)
    assert parse_run_date(date(2026, 1, 31)) == date(2026, 1, 31)
    assert parse_run_date("") is None
    assert parse_run_date(None) is None
    with pytest.raises(ConfigurationError, match=r"as_of '06/03/2026' is not a day"):
        parse_run_date("06/03/2026", parameter="as_of")


def test_a_scheduled_ingest_runs_for_the_last_full_day_of_its_interval() -> None:
    midnight = datetime(2026, 9, 30, tzinfo=UTC)
    assert interval_day(data_interval_end=midnight, logical_date=None) == date(2026, 9, 29)
    assert interval_day(data_interval_end=None, logical_date=midnight) == date(2026, 9, 29)
    assert interval_day(
        data_interval_end=datetime(2026, 9, 30, 7, 30, tzinfo=UTC), logical_date=midnight
    ) == date(2026, 9, 29)
    with pytest.raises(ConfigurationError, match="neither a data interval nor a logical date"):
        interval_day(data_interval_end=None, logical_date=None)


def test_without_a_date_the_latest_charge_day_is_the_run_date(
    fresh_settings: Settings, tmp_path: Path
) -> None:
    with pytest.raises(FinOpsError, match="no billing data yet"):
        resolve_run_date(settings=fresh_settings)
    export = Cur2Export()
    for day in (3, 9, 17):
        export.add_usage(
            day=datetime(2026, 2, day), account="111111111111", service="AmazonS3", cost="1.25"
        )
    ingest_billing(str(export.write(tmp_path / "bill")), settings=fresh_settings)
    assert resolve_run_date(settings=fresh_settings) == date(2026, 2, 17)
    assert resolve_run_date(requested="2026-02-10", settings=fresh_settings) == date(2026, 2, 10)


def test_every_analytics_job_is_a_keyword_only_function_of_its_run_date() -> None:
    assert list(ANALYTICS_JOBS) == [
        "waste",
        "rightsizing",
        "commitments",
        "allocation",
        "savings",
        "kpis",
        "anomalies",
        "usage_anomalies",
        "forecasts",
        "insights",
        "budgets",
    ]
    assert set(ANALYTICS_JOBS) == set(JOB_INPUTS)  # every ledgered job, and only those
    for name, job in ANALYTICS_JOBS.items():
        module = importlib.import_module(f"finops.jobs.{name}")
        assert name == module.JOB
        parameters = inspect.signature(getattr(module, job.function)).parameters
        assert parameters["run_date"].kind is inspect.Parameter.KEYWORD_ONLY
        assert parameters["run_date"].default is inspect.Parameter.empty, name
        for shared in ("settings", "force", "run_id", *job.options):
            assert parameters[shared].kind is inspect.Parameter.KEYWORD_ONLY, (name, shared)
        assert callable(module.summary)
