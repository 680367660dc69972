"""Daily cost forecasts (``forecast_runs`` and ``forecast_points``, written by
``finops run forecasts``): the latest run of every scope with its 80% and 95% intervals, the
model the backtest chose and its accuracy, and the month-end and quarter-end projections."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy import ColumnElement, Connection, case, select

from finops.analytics.forecasting.job import (
    HORIZONS,
    SCOPE_DIMENSIONS,
    projection_period,
    scope_key,
)
from finops.api.deps import ConnectionDep
from finops.api.intel_views import daily_cost_by, warehouse_currency
from finops.api.params import Day, one_of_pattern
from finops.api.rows import from_row, text_map
from finops.api.schemas.forecasts import (
    DailyCostPublic,
    ForecastPointPublic,
    ForecastPublic,
    ForecastsPublic,
    ProjectionPublic,
)
from finops.errors import InvalidParameterError
from finops.warehouse.metrics import DAILY_ROW_METRICS as METRICS
from finops.warehouse.tables import forecast_points, forecast_runs

router = APIRouter(prefix="/forecasts", tags=["forecasts"])


class ForecastScopeKind(StrEnum):
    """The scopes the forecast job covers (``forecasting/job.py``)."""

    total = "total"
    account = "account"
    service = "service"


KIND_ORDER = {kind.value: n for n, kind in enumerate(ForecastScopeKind)}


def _scope_where(
    scope_kind: ForecastScopeKind | None, scope: str | None
) -> list[ColumnElement[bool]]:
    if scope is None:
        return [] if scope_kind is None else [forecast_runs.c.scope_kind == scope_kind.value]
    dims = SCOPE_DIMENSIONS[scope_kind.value] if scope_kind is not None else ()
    if scope_kind is None or len(dims) != 1:
        raise InvalidParameterError(
            "scope names an account or a service: give scope_kind=account or "
            f"scope_kind=service with it (got scope_kind={scope_kind})",
            param="scope",
        )
    return [forecast_runs.c.scope_key == scope_key(scope_kind.value, {dims[0]: scope})]


def _metric(conn: Connection, requested: str | None) -> str | None:
    """The requested cost metric, else that of the newest forecast run (None: no forecasts)."""
    if requested is not None:
        if requested not in METRICS:
            raise InvalidParameterError(
                f"cost_metric {requested!r} is not one of {', '.join(METRICS)}",
                param="cost_metric",
            )
        return requested
    newest: str | None = conn.execute(
        select(forecast_runs.c.cost_metric)
        .order_by(forecast_runs.c.run_date.desc(), forecast_runs.c.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    return newest


def _latest_runs(
    conn: Connection, where: list[ColumnElement[bool]], metric: str, as_of: date | None = None
) -> list[Any]:
    """The latest run date's forecast of every scope (on or before ``as_of`` when given), total
    first, then accounts, services."""
    if as_of is not None:
        where = [*where, forecast_runs.c.run_date <= as_of]
    latest = (
        select(forecast_runs)
        .where(forecast_runs.c.cost_metric == metric, *where)
        .distinct(forecast_runs.c.scope_key)
        .order_by(forecast_runs.c.scope_key, forecast_runs.c.run_date.desc())
        .subquery()
    )
    kind_rank = case(KIND_ORDER, value=latest.c.scope_kind, else_=len(KIND_ORDER))
    return list(conn.execute(select(latest).order_by(kind_rank, latest.c.scope_key)).all())


def _points(conn: Connection, run_ids: list[int], horizon: int) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = defaultdict(list)
    rows = conn.execute(
        select(forecast_points)
        .where(
            forecast_points.c.forecast_run_id.in_(run_ids),
            forecast_points.c.horizon_day <= horizon,
        )
        .order_by(forecast_points.c.forecast_run_id, forecast_points.c.day)
    )
    for row in rows:
        out[row.forecast_run_id].append(row)
    return out


def _actuals(
    conn: Connection, runs: list[Any], *, history_days: int, horizon: int, metric: str
) -> dict[str, dict[date, Decimal]]:
    """Daily actual cost per scope key from ``history_days`` before each run date to the end of
    its horizon (where the warehouse has data): one query per scope kind."""
    out: dict[str, dict[date, Decimal]] = {}
    for kind in sorted({r.scope_kind for r in runs}):
        dims = SCOPE_DIMENSIONS.get(kind)
        if dims is None or len(dims) > 1:
            continue
        of_kind = [r for r in runs if r.scope_kind == kind]
        start = min(r.run_date for r in of_kind) - timedelta(days=history_days - 1)
        end = max(r.run_date for r in of_kind) + timedelta(days=horizon + 1)
        by_value = daily_cost_by(
            conn, dimension=dims[0] if dims else None, start=start, end=end, metric=metric
        )
        for value, daily in by_value.items():
            out[scope_key(kind, {dims[0]: value} if dims else {})] = daily
    return out


def _projection(row: Any, period: str, prefix: str, to_date: str) -> ProjectionPublic:
    start, end = projection_period(row.run_date, period)
    return ProjectionPublic(
        period_start=start,
        period_end=end,
        to_date=getattr(row, to_date),
        projection=getattr(row, f"{prefix}_projection"),
        lower80=getattr(row, f"{prefix}_lower80"),
        upper80=getattr(row, f"{prefix}_upper80"),
    )


def _forecast(
    run: Any, points: list[Any], daily: dict[date, Decimal], *, first: date, last: date
) -> ForecastPublic:
    """One scope's forecast run with its points and its actual daily cost on [first, last]."""
    return from_row(
        ForecastPublic,
        run,
        scope=text_map(run.scope),
        weights={str(k): float(v) for k, v in (run.weights or {}).items()},
        month_end=_projection(run, "monthly", "month_end", "month_to_date"),
        quarter_end=_projection(run, "quarterly", "quarter_end", "quarter_to_date"),
        points=[from_row(ForecastPointPublic, p) for p in points],
        actuals=[
            DailyCostPublic(day=d, cost=c) for d, c in sorted(daily.items()) if first <= d <= last
        ],
    )


@router.get("", response_model=ForecastsPublic)
def read_forecasts(
    conn: ConnectionDep,
    scope_kind: Annotated[
        ForecastScopeKind | None, Query(description="one scope kind (default: every kind)")
    ] = None,
    scope: Annotated[
        str | None,
        Query(min_length=1, max_length=256, description="the account id or service name"),
    ] = None,
    horizon: Annotated[
        int, Query(ge=1, le=max(HORIZONS), description="days of forecast after the run date")
    ] = 30,
    history_days: Annotated[
        int, Query(ge=0, le=365, description="days of actual cost up to the run date")
    ] = 28,
    cost_metric: Annotated[
        str | None,
        Query(
            max_length=64,
            description="the cost the forecasts measure (default: that of the newest run)",
            json_schema_extra={"pattern": one_of_pattern(METRICS)},
        ),
    ] = None,
    as_of: Annotated[
        Day | None,
        Query(
            description="the latest forecast made on or before this day (e.g. a closed "
            "month's last day); default: the latest"
        ),
    ] = None,
) -> ForecastsPublic:
    """The latest forecast of every scope: daily points with 80% and 95% intervals, the model
    chosen by the rolling-origin backtest with its MASE and sMAPE, the month-end and
    quarter-end projections, and the actual daily cost around the run date."""
    metric = _metric(conn, cost_metric)
    runs = (
        [] if metric is None else _latest_runs(conn, _scope_where(scope_kind, scope), metric, as_of)
    )
    points = _points(conn, [r.id for r in runs], horizon)
    actuals = (
        {}
        if metric is None
        else _actuals(conn, runs, history_days=history_days, horizon=horizon, metric=metric)
    )
    data = [
        _forecast(
            r,
            points.get(r.id, []),
            actuals.get(r.scope_key, {}),
            first=r.run_date - timedelta(days=history_days - 1),
            last=r.run_date + timedelta(days=horizon),
        )
        for r in runs
    ]
    return ForecastsPublic(
        data=data, count=len(data), currency=warehouse_currency(conn), horizon=horizon
    )
