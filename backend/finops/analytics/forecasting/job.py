"""The forecast job: for one run date, forecast every scope's daily cost and store it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import structlog
from sqlalchemy import Connection, delete, text
from sqlalchemy.dialects.postgresql import insert

from finops.analytics.cube import CostCube, load_cube
from finops.analytics.forecasting.backtest import ForecastParams, ForecastResult, forecast_series
from finops.analytics.forecasting.models import ForecastError
from finops.config import Settings, get_settings
from finops.db.engine import get_engine
from finops.warehouse.audit import audit
from finops.warehouse.cost_rows import last_charge_day
from finops.warehouse.metrics import FORECAST_METRIC
from finops.warehouse.money import money
from finops.warehouse.tables import forecast_points, forecast_runs

log = structlog.get_logger(__name__)

HORIZONS = (30, 90, 180)
SCOPE_DIMENSIONS = {"total": (), "account": ("account",), "service": ("service",)}


def period_bounds(day: date, period: str) -> tuple[date, date]:
    """[start, end] (inclusive) of the month, quarter or year containing ``day``."""
    if period == "monthly":
        start = day.replace(day=1)
        months = 1
    elif period == "quarterly":
        start = day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1)
        months = 3
    elif period == "annual":
        start = day.replace(month=1, day=1)
        months = 12
    else:
        raise ForecastError(f"period {period!r} is not monthly, quarterly or annual")
    month = start.month - 1 + months
    end = date(start.year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return start, end


def projection_period(run_date: date, period: str) -> tuple[date, date]:
    """The month or quarter a forecast made on ``run_date`` (its last day of data) projects:
    the one holding the first forecast day, ``run_date + 1`` — so a run on a closed month's
    last day projects the next month, never the month that already closed."""
    return period_bounds(run_date + timedelta(days=1), period)


@dataclass(frozen=True, slots=True)
class Projection:
    period: tuple[date, date]
    to_date: Decimal
    projection: Decimal
    lower80: Decimal
    upper80: Decimal


def project(
    actual: np.ndarray, days: list[date], result: ForecastResult, *, run_date: date, period: str
) -> Projection:
    """Actual cost from the period start to ``run_date`` plus the forecast to the period end,
    for the period holding the first forecast day (``projection_period``).

    The interval adds the daily 80% bounds (errors of neighbouring days move together in
    cost data, so this is closer to the truth than assuming independence, and errs wide)."""
    start, end = projection_period(run_date, period)
    to_date = float(sum(v for v, d in zip(actual, days, strict=True) if start <= d <= run_date))
    future = [k for k, d in enumerate(result.days) if d <= end]
    mean = float(np.sum(result.mean[future]))
    lower = float(np.sum(result.lower80[future]))
    upper = float(np.sum(result.upper80[future]))
    return Projection(
        (start, end),
        money(to_date),
        money(to_date + mean),
        money(to_date + lower),
        money(to_date + upper),
    )


@dataclass(frozen=True, slots=True)
class ScopeForecast:
    scope_kind: str
    scope: dict[str, str]
    result: ForecastResult
    month: Projection
    quarter: Projection
    backtest_by_model: dict[str, float]


def forecast_cube(
    cube: CostCube,
    *,
    run_date: date,
    scope_kinds: tuple[str, ...] = ("total", "account"),
    horizon: int = max(HORIZONS),
    params: ForecastParams | None = None,
) -> tuple[list[ScopeForecast], list[tuple[str, dict[str, str], str]]]:
    """Forecasts of every scope (and the scopes skipped, with why)."""
    params = params or ForecastParams()
    out: list[ScopeForecast] = []
    skipped: list[tuple[str, dict[str, str], str]] = []
    for kind in scope_kinds:
        dims = SCOPE_DIMENSIONS[kind]
        keys, matrix = cube.series(dims)
        for key, values in zip(keys, matrix, strict=True):
            if dims and not all(key):
                continue
            scope = dict(zip(dims, key, strict=True))
            nonzero = np.nonzero(values)[0]
            if not nonzero.size:
                continue
            y = values[nonzero[0] :]
            days = cube.days[nonzero[0] :]
            try:
                result = forecast_series(y, days, horizon, params=params)
            except ForecastError as exc:
                skipped.append((kind, scope, str(exc)))
                continue
            out.append(
                ScopeForecast(
                    scope_kind=kind,
                    scope=scope,
                    result=result,
                    month=project(y, days, result, run_date=run_date, period="monthly"),
                    quarter=project(y, days, result, run_date=run_date, period="quarterly"),
                    backtest_by_model={},
                )
            )
    return out, skipped


def scope_key(kind: str, scope: dict[str, str]) -> str:
    return kind + ":" + ",".join(f"{k}={v}" for k, v in sorted(scope.items()))


def _run_row(
    f: ScopeForecast, *, run_date: date, metric: str, run_id: str, history: int, folds: int
) -> dict[str, Any]:
    c = f.result.choice
    return {
        "scope_kind": f.scope_kind,
        "scope": f.scope,
        "scope_key": scope_key(f.scope_kind, f.scope),
        "run_date": run_date,
        "cost_metric": metric,
        "model": c.label,
        "weights": {k: round(v, 6) for k, v in sorted(c.weights.items())},
        "history_days": history,
        "horizon_days": len(f.result.days),
        "backtest_folds": folds,
        "backtest_mase": round(c.mase, 6),
        "backtest_smape": round(c.smape, 6),
        "backtest_by_model": f.backtest_by_model,
        "month_to_date": f.month.to_date,
        "month_end_projection": f.month.projection,
        "month_end_lower80": f.month.lower80,
        "month_end_upper80": f.month.upper80,
        "quarter_to_date": f.quarter.to_date,
        "quarter_end_projection": f.quarter.projection,
        "quarter_end_lower80": f.quarter.lower80,
        "quarter_end_upper80": f.quarter.upper80,
        "run_id": run_id,
    }


@dataclass(frozen=True, slots=True)
class ForecastRun:
    run_id: str
    run_date: date
    forecasts: list[ScopeForecast]
    skipped: list[tuple[str, dict[str, str], str]]


def run_forecasts(
    *,
    run_date: date,
    scope_kinds: tuple[str, ...] = ("total", "account", "service"),
    history_days: int = 365,
    metric: str = FORECAST_METRIC,
    params: ForecastParams | None = None,
    settings: Settings | None = None,
    run_id: str | None = None,
) -> ForecastRun:
    """Forecast 180 days after the last charge day on or before ``run_date`` for every scope;
    replace that day's forecasts. A run date past the data (a scheduled run before the bill
    arrived) forecasts from the day after the last charge day, never from an empty stretch."""
    params = params or ForecastParams()
    run_id = run_id or uuid.uuid4().hex
    engine = get_engine(settings or get_settings())
    with engine.connect() as conn:
        run_date = last_charge_day(conn, on_or_before=run_date)
        start = run_date - timedelta(days=history_days - 1)
        cube = load_cube(conn, start=start, end=run_date + timedelta(days=1), metric=metric)
    found, skipped = forecast_cube(cube, run_date=run_date, scope_kinds=scope_kinds, params=params)
    with engine.begin() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('finops.forecasts'))"))
        _replace(
            conn,
            found,
            run_date=run_date,
            metric=metric,
            run_id=run_id,
            params=params,
            history=len(cube.days),
        )
        audit(
            conn,
            action="forecasts.computed",
            subject=run_date.isoformat(),
            run_id=run_id,
            details={"scopes": len(found), "skipped": len(skipped), "metric": metric},
        )
    log.info(
        "forecasts.computed",
        run_id=run_id,
        run_date=run_date.isoformat(),
        scopes=len(found),
        skipped=len(skipped),
    )
    return ForecastRun(run_id, run_date, found, skipped)


def _replace(
    conn: Connection,
    found: list[ScopeForecast],
    *,
    run_date: date,
    metric: str,
    run_id: str,
    params: ForecastParams,
    history: int,
) -> None:
    conn.execute(
        delete(forecast_runs).where(
            forecast_runs.c.run_date == run_date, forecast_runs.c.cost_metric == metric
        )
    )
    for f in found:
        row = _run_row(
            f, run_date=run_date, metric=metric, run_id=run_id, history=history, folds=params.folds
        )
        run_pk = conn.execute(
            insert(forecast_runs).values(row).returning(forecast_runs.c.id)
        ).scalar_one()
        r = f.result
        points = [
            {
                "forecast_run_id": run_pk,
                "day": day,
                "horizon_day": k + 1,
                "yhat": money(r.mean[k]),
                "lower80": money(r.lower80[k]),
                "upper80": money(r.upper80[k]),
                "lower95": money(r.lower95[k]),
                "upper95": money(r.upper95[k]),
            }
            for k, day in enumerate(r.days)
        ]
        conn.execute(insert(forecast_points), points)
