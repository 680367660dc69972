"""Daily cost forecasts with their intervals and projections (``/forecasts``)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from finops.api.schemas.common import Money


class ForecastPointPublic(BaseModel):
    day: date
    horizon_day: int
    yhat: Money
    lower80: Money
    upper80: Money
    lower95: Money
    upper95: Money


class DailyCostPublic(BaseModel):
    day: date
    cost: Money


class ProjectionPublic(BaseModel):
    """The month or quarter holding the first forecast day (the day after the run date, the
    last charge day): actual cost from its start to the run date plus the forecast to its end."""

    period_start: date
    period_end: date
    to_date: Money
    projection: Money
    lower80: Money
    upper80: Money


class ForecastPublic(BaseModel):
    scope_kind: str
    scope: dict[str, str]
    scope_key: str
    run_date: date
    cost_metric: str
    model: str
    weights: dict[str, float]
    history_days: int
    horizon_days: int
    backtest_folds: int
    backtest_mase: float
    backtest_smape: float
    month_end: ProjectionPublic
    quarter_end: ProjectionPublic
    points: list[ForecastPointPublic]
    actuals: list[DailyCostPublic]


class ForecastsPublic(BaseModel):
    data: list[ForecastPublic]
    count: int
    currency: str
    horizon: int
