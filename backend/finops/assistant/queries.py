"""A :class:`~finops.assistant.parser.Plan` as one SELECT over the public views, composed with
psycopg's ``sql`` module (identifiers from fixed tables, values as literals: never text from the
question pasted into SQL)."""

from __future__ import annotations

from datetime import date, timedelta

from psycopg import sql

from finops.assistant.parser import Plan
from finops.assistant.periods import Period, halves, month_start, quarter_start
from finops.assistant.vocabulary import TEAM_KEYS

MEASURES = {"billed_cost", "effective_cost", "list_cost"}
COST_COLUMNS = {
    "service_name",
    "sub_account_name",
    "region_id",
    "service_category",
    "resource_id",
    "pricing_category",
}
FINDING_COLUMNS = {"account_id", "service", "finding_type"}


def _team_value() -> sql.Composable:
    return sql.SQL(
        "(SELECT min(t.value) FROM jsonb_each_text(tags) t WHERE t.key = ANY({}))"
    ).format(sql.Literal(list(TEAM_KEYS)))


def _label(dim: str) -> sql.Composable:
    if dim == "tag:team":
        return _team_value()
    if dim == "day":
        return sql.SQL("to_char(charge_period_start, 'YYYY-MM-DD')")
    if dim == "month":
        return sql.SQL("to_char(charge_period_start, 'YYYY-MM')")
    if dim not in COST_COLUMNS:
        raise ValueError(f"unknown dimension {dim}")
    return sql.Identifier(dim)


def _where(plan: Plan, period: Period) -> sql.Composable:
    clauses: list[sql.Composable] = [
        sql.SQL("charge_period_start >= {}").format(sql.Literal(period.start)),
        sql.SQL("charge_period_start < {}").format(sql.Literal(period.end)),
    ]
    for column, value in plan.filters:
        if column == "tag:team":
            clauses.append(
                sql.SQL(
                    "EXISTS (SELECT 1 FROM jsonb_each_text(tags) t WHERE t.key = ANY({}) "
                    "AND t.value = {})"
                ).format(sql.Literal(list(TEAM_KEYS)), sql.Literal(value))
            )
        elif column in COST_COLUMNS:
            clauses.append(sql.SQL("{} = {}").format(sql.Identifier(column), sql.Literal(value)))
        else:
            raise ValueError(f"unknown filter {column}")
    return sql.SQL(" AND ").join(clauses)


def _measure(plan: Plan) -> sql.Composable:
    if plan.measure not in MEASURES:
        raise ValueError(f"unknown measure {plan.measure}")
    return sql.Identifier(plan.measure)


def total_sql(plan: Plan, period: Period) -> sql.Composable:
    return sql.SQL("SELECT coalesce(sum({m}), 0) AS amount FROM finops.costs WHERE {w}").format(
        m=_measure(plan), w=_where(plan, period)
    )


def breakdown_sql(plan: Plan, period: Period) -> sql.Composable:
    assert plan.dim is not None
    chronological = plan.dim in ("day", "month")
    order = sql.SQL("label" if chronological else "amount DESC, label")
    limit = sql.SQL(" LIMIT {}").format(sql.Literal(plan.top)) if plan.top else sql.SQL("")
    return sql.SQL(
        "SELECT label, amount, sum(amount) OVER () AS total FROM (SELECT coalesce({l}, '(none)') "
        "AS label, sum({m}) AS amount FROM finops.costs WHERE {w} GROUP BY 1) g "
        "ORDER BY {o}{lim}"
    ).format(l=_label(plan.dim), m=_measure(plan), w=_where(plan, period), o=order, lim=limit)


def movers_sql(plan: Plan, period: Period) -> sql.Composable:
    assert plan.dim is not None and plan.top is not None
    first, second = halves(period)
    rising = plan.direction == "rising"
    return sql.SQL(
        "SELECT label, change FROM (SELECT coalesce({l}, '(none)') AS label, "
        "sum(CASE WHEN charge_period_start >= {mid} THEN {m} ELSE -{m} END) AS change "
        "FROM finops.costs WHERE {w} GROUP BY 1) g WHERE change {cmp} 0 "
        "ORDER BY change {dir}, label LIMIT {n}"
    ).format(
        l=_label(plan.dim),
        mid=sql.Literal(second.start),
        m=_measure(plan),
        w=_where(plan, Period(first.start, second.end, period.name)),
        cmp=sql.SQL(">" if rising else "<"),
        dir=sql.SQL("DESC" if rising else "ASC"),
        n=sql.Literal(plan.top),
    )


def change_periods(as_of: date) -> tuple[Period, Period]:
    """MoM: the latest complete month (the one before ``as_of``'s, unless ``as_of`` is a month's
    last day) against the month before it."""
    latest = month_start(as_of + timedelta(days=1), -1)
    before = month_start(latest, -1)
    return (
        Period(before, latest, before.strftime("%B %Y")),
        Period(latest, month_start(latest, 1), latest.strftime("%B %Y")),
    )


ANOMALIES = (
    "SELECT count(*) AS incidents, coalesce(sum(impact), 0) AS impact FROM finops.anomalies "
    "WHERE first_day < {end} AND last_day >= {start}"
)
TOP_ANOMALIES = (
    "SELECT scope::text AS scope, impact, first_day, last_day, kind, top_cause::text AS cause "
    "FROM finops.anomalies WHERE first_day < {end} AND last_day >= {start} "
    "ORDER BY impact DESC, scope::text LIMIT {n}"
)


def anomalies_sql(plan: Plan) -> sql.Composable:
    assert plan.period is not None
    template = TOP_ANOMALIES if plan.intent == "top_anomalies" else ANOMALIES
    return sql.SQL(template).format(
        start=sql.Literal(plan.period.start),
        end=sql.Literal(plan.period.end),
        n=sql.Literal(plan.top),
    )


def savings_sql(plan: Plan) -> sql.Composable:
    open_ = sql.SQL("FROM finops.findings WHERE status IN ('new', 'open')")
    if plan.dim is None:
        return sql.SQL(
            "SELECT coalesce(sum(estimated_monthly_savings), 0) AS monthly_savings, count(*) "
            "AS findings {}"
        ).format(open_)
    if plan.dim not in FINDING_COLUMNS:
        raise ValueError(f"unknown findings dimension {plan.dim}")
    limit = sql.SQL(" LIMIT {}").format(sql.Literal(plan.top)) if plan.top else sql.SQL("")
    return sql.SQL(
        "SELECT coalesce({d}, '(none)') AS label, sum(estimated_monthly_savings) AS "
        "monthly_savings {f} GROUP BY 1 ORDER BY 2 DESC, 1{lim}"
    ).format(d=sql.Identifier(plan.dim), f=open_, lim=limit)


LATEST_FORECAST = (
    "SELECT max(run_date) FROM finops.forecasts WHERE scope_kind = 'total' "
    "AND cost_metric = 'billed_cost'"
)


def forecast_sql(horizon: str, run_date: date) -> sql.Composable:
    start = month_start(run_date) if horizon == "month" else quarter_start(run_date)
    end = month_start(start, 1 if horizon == "month" else 3)
    return sql.SQL(
        "SELECT (SELECT coalesce(sum(billed_cost), 0) FROM finops.costs "
        "WHERE charge_period_start >= {s} AND charge_period_start <= {r}) AS actual, "
        "(SELECT coalesce(sum(yhat), 0) FROM finops.forecasts WHERE scope_kind = 'total' "
        "AND cost_metric = 'billed_cost' AND run_date = {r} AND day > {r} AND day < {e}) "
        "AS forecast_rest"
    ).format(s=sql.Literal(start), r=sql.Literal(run_date), e=sql.Literal(end))
