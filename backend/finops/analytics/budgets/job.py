"""The budget check: actual and forecast cost of each budget's current period, alerts that fire
once per threshold crossing, and their notifications."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import structlog
from sqlalchemy import Connection, text

from finops.analytics.budgets.model import Budget, BudgetError, Threshold, load_budgets
from finops.analytics.cube import CostCube, load_cube, tag_dimension
from finops.analytics.forecasting.job import period_bounds, scope_key
from finops.analytics.forecasting.models import ForecastError, forecast_points, moving_average
from finops.config import Settings, get_settings
from finops.db.engine import get_engine
from finops.insights.latest import summary_lines
from finops.notify.delivery import Delivery, DeliveryRun, Message, NotifySettings, deliver
from finops.warehouse.audit import audit
from finops.warehouse.money import CENT, money

log = structlog.get_logger(__name__)

HISTORY_DAYS = 120


@dataclass(slots=True)
class BudgetStatus:
    budget: Budget
    period_start: date
    period_end: date
    actual: Decimal
    forecast: Decimal
    forecast_model: str
    new_alerts: list[Threshold] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)

    def percent(self, kind: str) -> Decimal:
        value = self.actual if kind == "actual" else self.forecast
        return (100 * value / self.budget.amount).quantize(CENT, ROUND_HALF_UP)


def _cube_scope(scope: dict[str, str]) -> dict[str, str]:
    return {(tag_dimension(k[4:]) if k.startswith("tag:") else k): v for k, v in scope.items()}


def _stored_forecast(
    conn: Connection, budget: Budget, *, run_date: date, end: date
) -> Decimal | None:
    """The sum of the cost_forecast job's daily forecast to ``end``, when it ran that day."""
    keys = set(budget.scope)
    if not keys:
        kind = "total"
    elif keys in ({"account"}, {"service"}):
        kind = next(iter(keys))
    else:
        return None
    row = conn.execute(
        text(
            "SELECT sum(p.yhat), count(*) FROM finops.forecast_runs r "
            "JOIN finops.forecast_points p ON p.forecast_run_id = r.id "
            "WHERE r.scope_key = :key AND r.run_date = :run_date AND r.cost_metric = :metric "
            "AND p.day <= :end"
        ),
        {
            "key": scope_key(kind, budget.scope),
            "run_date": run_date,
            "metric": budget.cost_metric,
            "end": end,
        },
    ).one()
    if row[1] != (end - run_date).days:
        return None
    return Decimal(row[0]).quantize(CENT)


def evaluate_budget(
    conn: Connection, cube: CostCube, budget: Budget, *, run_date: date
) -> BudgetStatus:
    start, end = period_bounds(run_date, budget.period)
    rows = cube.select(_cube_scope(budget.scope))
    first = max(0, (start - cube.days[0]).days)
    last = (run_date - cube.days[0]).days
    actual = cube.exact_total(rows, first, last).quantize(CENT, ROUND_HALF_UP)
    remaining = (end - run_date).days
    model = "actual"
    rest = Decimal(0)
    if remaining > 0:
        stored = _stored_forecast(conn, budget, run_date=run_date, end=end)
        if stored is not None:
            rest, model = stored, "cost_forecast"
        else:
            _, matrix = cube.series([], rows)
            series = matrix[0][: last + 1]
            nonzero = np.nonzero(series)[0]
            series = series[nonzero[0] :] if nonzero.size else series
            days = cube.days[last + 1 - series.size : last + 1]
            try:
                points = forecast_points(moving_average, series, days, remaining)
                rest, model = money(float(np.sum(points))), "moving_average"
            except ForecastError:
                elapsed = max(1, (run_date - start).days + 1)
                rest, model = (actual / elapsed * remaining).quantize(CENT), "run_rate"
    return BudgetStatus(budget, start, end, actual, actual + rest, model)


def _message(status: BudgetStatus, threshold: Threshold) -> tuple[str, list[str]]:
    b = status.budget
    label = "actual" if threshold.kind == "actual" else "forecast"
    title = (
        f"Budget {b.name}: {label} cost reached {status.percent(threshold.kind)}% "
        f"of {b.amount} {b.currency}"
    )
    lines = [
        f"*Period:* {status.period_start} to {status.period_end} ({b.period})",
        f"*Scope:* {b.scope or 'all accounts'}",
        f"*Threshold:* {threshold.percent}% of {label}",
        f"*Actual to date:* {status.actual} {b.currency}",
        f"*Forecast for the period:* {status.forecast} {b.currency} ({status.forecast_model})",
    ]
    return title, lines


def _notify(
    conn: Connection,
    status: BudgetStatus,
    threshold: Threshold,
    settings: NotifySettings,
    run: DeliveryRun,
) -> list[Delivery]:
    b = status.budget
    key = f"budget:{b.id}:{status.period_start}:{threshold.kind}:{threshold.percent}"
    title, lines = _message(status, threshold)
    message = Message(key, title, lines + summary_lines(conn, b.scope))
    return [
        deliver(conn, message, channel=channel, target=target, settings=settings, run=run)
        for channel in ("webhook", "email")
        for target in b.channels.get(channel, [])
    ]


def _checkable(budgets: list[Budget], notify: NotifySettings) -> tuple[list[Budget], list[str]]:
    """The budgets within the limits of ``Budget.validate`` (scope keys, thresholds, targets),
    so that no stored budget makes the run's work unbounded; the others are skipped, named."""
    kept: list[Budget] = []
    skipped: list[str] = []
    for b in budgets:
        try:
            b.validate(webhook_allow=notify.webhook_allow)
        except BudgetError as exc:
            log.warning("budgets.skipped", budget_id=b.id, error=str(exc)[:300])
            skipped.append(b.name[:200])
            continue
        kept.append(b)
    return kept, skipped


def _record(conn: Connection, status: BudgetStatus, *, run_date: date, run_id: str) -> None:
    b = status.budget
    conn.execute(
        text(
            """
            INSERT INTO finops.budget_evaluations
              (budget_id, period_start, period_end, run_date, actual, forecast, forecast_model,
               run_id)
            VALUES (:id, :start, :end, :run_date, :actual, :forecast, :model, :run_id)
            ON CONFLICT (budget_id, period_start, run_date) DO UPDATE SET
              actual = excluded.actual, forecast = excluded.forecast,
              forecast_model = excluded.forecast_model, run_id = excluded.run_id
            """
        ),
        {
            "id": b.id,
            "start": status.period_start,
            "end": status.period_end,
            "run_date": run_date,
            "actual": status.actual,
            "forecast": status.forecast,
            "model": status.forecast_model,
            "run_id": run_id,
        },
    )
    crossed = [t for t in b.thresholds if status.percent(t.kind) >= t.percent]
    # an alert first recorded on this run date whose crossing no longer holds (the data was
    # restated) is withdrawn; one that still holds is kept as it is, so a rerun or a restart
    # over the same data finds it already recorded and neither counts nor sends it again
    conn.execute(
        text(
            "DELETE FROM finops.budget_alerts WHERE budget_id = :id AND period_start = :start "
            "AND crossed_on = :run_date AND (threshold_kind, threshold_percent) NOT IN ("
            "SELECT * FROM unnest(CAST(:kinds AS text[]), CAST(:percents AS numeric[])))"
        ),
        {
            "id": b.id,
            "start": status.period_start,
            "run_date": run_date,
            "kinds": [t.kind for t in crossed],
            "percents": [t.percent for t in crossed],
        },
    )
    for t in crossed:
        inserted = conn.execute(
            text(
                """
                INSERT INTO finops.budget_alerts
                  (budget_id, period_start, threshold_kind, threshold_percent, crossed_on,
                   amount, actual, forecast, run_id)
                VALUES (:id, :start, :kind, :pct, :run_date, :amount, :actual, :forecast,
                        :run_id)
                ON CONFLICT (budget_id, period_start, threshold_kind, threshold_percent)
                DO NOTHING RETURNING id
                """
            ),
            {
                "id": b.id,
                "start": status.period_start,
                "kind": t.kind,
                "pct": t.percent,
                "run_date": run_date,
                "amount": b.amount,
                "actual": status.actual,
                "forecast": status.forecast,
                "run_id": run_id,
            },
        ).first()
        if inserted is not None:
            status.new_alerts.append(t)


@dataclass(frozen=True, slots=True)
class BudgetRun:
    run_id: str
    run_date: date
    statuses: list[BudgetStatus]


def run_budget_check(
    *,
    run_date: date,
    settings: Settings | None = None,
    notify: NotifySettings | None = None,
    run_id: str | None = None,
) -> BudgetRun:
    """Evaluate every budget for the period containing ``run_date``; alert on new crossings."""
    run_id = run_id or uuid.uuid4().hex
    notify = notify or NotifySettings.from_settings(settings)
    engine = get_engine(settings or get_settings())
    statuses: list[BudgetStatus] = []
    with engine.begin() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('finops.budgets'))"))
        budgets, skipped = _checkable(load_budgets(conn), notify)
        by_metric: dict[str, list[Budget]] = {}
        for b in budgets:
            by_metric.setdefault(b.cost_metric, []).append(b)
        for metric, group in sorted(by_metric.items()):
            starts = [period_bounds(run_date, b.period)[0] for b in group]
            start = min([*starts, run_date - timedelta(days=HISTORY_DAYS)])
            tag_keys = sorted({k[4:] for b in group for k in b.scope if k.startswith("tag:")})
            cube = load_cube(
                conn,
                start=start,
                end=run_date + timedelta(days=1),
                metric=metric,
                tag_keys=tag_keys,
            )
            for b in group:
                status = evaluate_budget(conn, cube, b, run_date=run_date)
                _record(conn, status, run_date=run_date, run_id=run_id)
                statuses.append(status)
        audit(
            conn,
            action="budgets.checked",
            subject=run_date.isoformat(),
            run_id=run_id,
            details={
                "budgets": len(statuses),
                "new_alerts": sum(len(s.new_alerts) for s in statuses),
                "skipped": skipped,
            },
        )
    # deliveries after the commit: an alert is recorded even when every channel is down
    deliveries = DeliveryRun.start(notify)
    with engine.begin() as conn:
        for status in statuses:
            for t in status.new_alerts:
                status.deliveries.extend(_notify(conn, status, t, notify, deliveries))
    log.info(
        "budgets.checked",
        run_id=run_id,
        run_date=run_date.isoformat(),
        budgets=len(statuses),
        new_alerts=sum(len(s.new_alerts) for s in statuses),
    )
    return BudgetRun(run_id, run_date, statuses)
