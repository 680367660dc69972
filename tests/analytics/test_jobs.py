"""Anomaly and forecast jobs on a warehouse with known answers: results, reruns, feedback."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import text

from finops.analytics.anomalies.job import run_anomaly_detection
from finops.analytics.anomalies.store import set_status
from finops.analytics.forecasting.backtest import ForecastParams
from finops.analytics.forecasting.job import run_forecasts
from finops.db.engine import get_engine
from finops.jobs.anomalies import report, run_anomalies
from finops.jobs.ledger import JobSkipped
from finops.jobs.run_date import latest_charge_day
from tests.analytics.conftest import ACCOUNT_B, SPIKE_RESOURCE, KnownEstate

FAST = ForecastParams(
    models=("seasonal_naive", "moving_average", "ets"), folds=2, min_history=28, backtest_horizon=14
)


def _anomalies(estate: KnownEstate) -> list[tuple[object, ...]]:
    with get_engine(estate.settings).connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                text(
                    "SELECT fingerprint, scope_kind, scope, kind, status, first_day, last_day, "
                    "actual, expected, impact, severity, root_cause, related_scopes "
                    "FROM anomalies ORDER BY fingerprint"
                )
            )
        ]


def test_spike_is_one_incident_with_its_root_cause_and_reruns_are_identical(
    known_estate: KnownEstate,
) -> None:
    run_date = known_estate.end
    assert latest_charge_day(known_estate.settings) == run_date
    run = run_anomaly_detection(run_date=run_date, report_days=30, settings=known_estate.settings)
    assert len(run.incidents) == 1  # resource, account, service, total… deduplicated
    incident = run.incidents[0]
    assert incident.first_day == incident.last_day == known_estate.spike_day
    assert incident.kind == "spike" and incident.cause == "usage_change"
    assert incident.impact > 0
    assert abs(incident.impact - known_estate.spike_extra) < Decimal("2.00")
    top = incident.top_cause
    assert top is not None
    assert (top.dimension, top.value) == ("resource", SPIKE_RESOURCE) or (
        incident.scope.get("resource") == SPIKE_RESOURCE
    )
    assert incident.scope.get("account", ACCOUNT_B) == ACCOUNT_B
    assert incident.related_scopes  # the other scopes that saw it
    stored = _anomalies(known_estate)
    assert len(stored) == 1 and stored[0][4] == "open"

    again = run_anomaly_detection(run_date=run_date, report_days=30, settings=known_estate.settings)
    assert [i.fingerprint for i in again.incidents] == [incident.fingerprint]
    assert _anomalies(known_estate) == stored  # identical rows, same fingerprint


def test_feedback_survives_reruns_and_false_positives_are_not_flagged_again(
    known_estate: KnownEstate,
) -> None:
    settings = known_estate.settings
    run = run_anomaly_detection(run_date=known_estate.end, report_days=30, settings=settings)
    fingerprint = run.incidents[0].fingerprint
    with get_engine(settings).begin() as conn:
        assert set_status(conn, fingerprint=fingerprint, status="false_positive", note="batch")
    rerun = run_anomaly_detection(run_date=known_estate.end, report_days=30, settings=settings)
    assert all(i.scope != run.incidents[0].scope for i in rerun.incidents)
    rows = _anomalies(known_estate)
    assert [(r[0], r[4]) for r in rows] == [(fingerprint, "false_positive")]


def test_days_before_the_spike_report_nothing(known_estate: KnownEstate) -> None:
    before = known_estate.spike_day - timedelta(days=1)
    run = run_anomalies(run_date=before, report_days=30, settings=known_estate.settings)
    assert not isinstance(run, JobSkipped)
    rendered = report(run)
    assert run.incidents == []
    assert "first" in rendered


def test_forecasts_are_stored_with_projections_and_reruns_replace_them(
    known_estate: KnownEstate,
) -> None:
    settings = known_estate.settings
    run_date = known_estate.end - timedelta(days=8)  # after the spike
    run = run_forecasts(run_date=run_date, scope_kinds=("total",), params=FAST, settings=settings)
    assert [f.scope_kind for f in run.forecasts] == ["total"]
    forecast = run.forecasts[0]
    with get_engine(settings).connect() as conn:
        points = conn.execute(
            text("SELECT count(*), min(horizon_day), max(horizon_day) FROM forecasts")
        ).one()
        actual_next = conn.execute(
            text(
                "SELECT sum(billed_cost) FROM costs WHERE charge_period_start > :d "
                "AND charge_period_start <= :e"
            ),
            {"d": str(run_date), "e": str(known_estate.end)},
        ).scalar_one()
        stored = conn.execute(
            text(
                "SELECT sum(yhat), sum(lower95), sum(upper95) FROM forecasts WHERE horizon_day <= 8"
            )
        ).one()
    assert tuple(points) == (180, 1, 180)
    assert stored[1] <= actual_next <= stored[2]
    assert abs(stored[0] - actual_next) / actual_next < Decimal("0.05")
    assert forecast.month.to_date <= forecast.month.projection
    assert forecast.month.lower80 <= forecast.month.projection <= forecast.month.upper80
    run_forecasts(run_date=run_date, scope_kinds=("total",), params=FAST, settings=settings)
    with get_engine(settings).connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM forecast_runs")).scalar_one() == 1


def test_forecasts_project_the_periods_after_the_last_charge_day(
    known_estate: KnownEstate,
) -> None:
    """A run on a closed month's last day projects the next month (never the closed one) and
    the quarter holding the first forecast day; a run date past the data starts the forecast
    the day after the last charge day."""
    settings = known_estate.settings
    feb_end = date(2026, 2, 28)
    run = run_forecasts(run_date=feb_end, scope_kinds=("total",), params=FAST, settings=settings)
    forecast = run.forecasts[0]
    assert forecast.result.days[0] == date(2026, 3, 1)
    march = [
        Decimal(str(v))
        for v, d in zip(forecast.result.mean, forecast.result.days, strict=True)
        if d.month == 3
    ]
    assert forecast.month.period == (date(2026, 3, 1), date(2026, 3, 31))
    assert forecast.month.to_date == 0
    assert abs(forecast.month.projection - sum(march)) <= Decimal("0.01")
    with get_engine(settings).connect() as conn:
        q1_to_date = conn.execute(
            text("SELECT sum(billed_cost) FROM costs WHERE charge_period_start < '2026-03-01'")
        ).scalar_one()
        stored = conn.execute(
            text("SELECT month_to_date, quarter_to_date FROM forecast_runs WHERE run_date = :d"),
            {"d": feb_end},
        ).one()
    assert forecast.quarter.period == (date(2026, 1, 1), date(2026, 3, 31))
    assert abs(forecast.quarter.to_date - q1_to_date) <= Decimal("0.01")
    assert stored == (0, forecast.quarter.to_date)

    late = run_forecasts(
        run_date=known_estate.end + timedelta(days=12),
        scope_kinds=("total",),
        params=FAST,
        settings=settings,
    )
    assert late.run_date == known_estate.end
    assert late.forecasts[0].result.days[0] == known_estate.end + timedelta(days=1)
    assert late.forecasts[0].month.period == (date(2026, 3, 1), date(2026, 3, 31))
    assert late.forecasts[0].month.to_date > 0
