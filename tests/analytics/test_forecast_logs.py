"""A forecast run logs no spurious errors: no "Importing plotly failed" error record from
Prophet's import, no divide-by-zero RuntimeWarning from a model fitted to a flat series.

Run as ``finops run forecasts`` in its own process, so Prophet is imported afresh (as in a
worker or the demo) whatever other tests imported before."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
from sqlalchemy import text

from finops.analytics.forecasting.models import MODELS, forecast_points
from finops.config import Settings
from finops.db.engine import get_engine, server_url
from finops.ingest.billing import ingest_billing
from tests.analytics.conftest import START, build_export

HISTORY_DAYS = 120  # enough for every backtest fold of the default forecast parameters


def test_forecast_run_logs_no_error_and_no_runtime_warning(
    fresh_settings: Settings, tmp_path: Path
) -> None:
    export, _ = build_export(days=HISTORY_DAYS)
    ingest_billing(str(export.write(tmp_path / "cur2")), settings=fresh_settings)
    end = START + timedelta(days=HISTORY_DAYS - 1)
    env = dict(
        os.environ,
        FINOPS_DATABASE_URL=server_url(fresh_settings),
        FINOPS_LOG_JSON="true",
        FINOPS_LOG_LEVEL="INFO",
    )
    run = subprocess.run(
        [sys.executable, "-m", "finops", "run", "forecasts", "--date", str(end)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    output = run.stdout + run.stderr
    records = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert any(r.get("event") == "forecasts.computed" for r in records), output[-3000:]
    errors = [r for r in records if r.get("level") in ("error", "critical")]
    assert errors == []
    assert "RuntimeWarning" not in output, output[-3000:]
    assert "plotly" not in output
    # the RDS account is a fee on the first of each month only: once the month-start effect
    # is taken out its daily series is all zeros, the case that made ETS divide by zero
    with get_engine(fresh_settings).connect() as conn:
        scopes = conn.execute(
            text("SELECT count(DISTINCT scope) FROM forecasts WHERE run_date = :d"),
            {"d": end},
        ).scalar_one()
        fee_month = conn.execute(
            text(
                "SELECT round(sum(yhat), 2) FROM forecasts WHERE run_date = :d "
                "AND scope_kind = 'service' AND scope->>'service' LIKE '%Relational%' "
                "AND horizon_day <= 30"
            ),
            {"d": end},
        ).scalar_one()
    assert scopes == 1 + 2 + 3  # total, two accounts, three services
    assert fee_month == Decimal("150.00")  # the next month's fee, nothing on the other days


def test_statistical_models_forecast_a_flat_series_as_flat() -> None:
    """ETS and ARIMA on an all-zero or constant week forecast it unchanged (no fit needed)."""
    days = [date(2026, 1, 5) + timedelta(days=k) for k in range(56)]
    for level in (0.0, 42.5):
        y = np.full(56, level)
        for name in ("ets", "arima"):
            out = forecast_points(MODELS[name], y, days, 10, raw=True)
            assert np.array_equal(out, np.full(10, level)), (name, level, out)
