"""``finops run forecasts`` says why a scope has no forecast instead of printing an empty
table (issue 12): every scope needs 56 days of history plus the 30-day backtest horizon."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from finops.config import Settings
from finops.ingest.billing import ingest_billing
from finops.jobs.forecasts import report, run_forecasts_job
from finops.jobs.ledger import JobSkipped
from tests.factories.cur2 import Cur2Export


def test_short_history_is_explained(fresh_settings: Settings, tmp_path: Path) -> None:
    export = Cur2Export()
    for day in range(1, 11):
        export.add_usage(
            day=datetime(2026, 3, day), account="555555555555", service="AmazonEC2", cost="2.00"
        )
    ingest_billing(str(export.write(tmp_path)), settings=fresh_settings)
    run = run_forecasts_job(run_date=date(2026, 3, 10), settings=fresh_settings)
    assert not isinstance(run, JobSkipped)
    text = report(run)
    assert run.forecasts == [] and len(run.skipped) == 3  # the total, the account, the service
    assert "3 scope(s) have no forecast as of 2026-03-10" in text
    assert "at least 86 days of cost history (56 days" in text
    assert "30-day backtest horizon" in text
    assert "- total all: need at least 86 days of history for a backtested forecast, got 10" in text
    assert "- account account=555555555555: need at least 86 days" in text
