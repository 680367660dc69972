"""The assistant's status questions: budgets (over or under, how much is left), Savings Plan
utilization and commitment coverage, and "why did X rise": each one SELECT (or a few) over the
public views, composed with psycopg's ``sql`` module (values as literals, never question text)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from psycopg import sql

from finops.assistant.parser import Plan
from finops.assistant.periods import Period, month_start
from finops.assistant.queries import _where

BUDGETS = (
    "SELECT name, coalesce(actual, 0) AS actual, amount, forecast, run_date FROM finops.budgets "
    "WHERE period = 'monthly'{only} ORDER BY name"
)
SP_UTILIZATION = (
    "SELECT coalesce(sum(effective_cost) FILTER (WHERE x_line_item_type = "
    "'SavingsPlanCoveredUsage'), 0) AS used_cost, coalesce(sum(billed_cost) FILTER "
    "(WHERE x_line_item_type = 'SavingsPlanRecurringFee'), 0) AS committed_cost "
    "FROM finops.costs WHERE commitment_discount_type = 'Savings Plan' AND {w}"
)
COVERAGE = (
    "SELECT coalesce(sum(list_cost) FILTER (WHERE x_line_item_type IN ('DiscountedUsage', "
    "'SavingsPlanCoveredUsage')), 0) AS covered_list_cost, coalesce(sum(list_cost), 0) AS "
    "eligible_list_cost FROM finops.costs WHERE (x_usage_type LIKE '%BoxUsage:%' OR "
    "x_usage_type LIKE '%InstanceUsage:%') AND x_line_item_type IN ('Usage', 'DiscountedUsage', "
    "'SavingsPlanCoveredUsage') AND {w}"
)
DRIVERS = (
    "SELECT label, change FROM (SELECT {prefix} || coalesce(nullif({col}, ''), '(none)') AS label, "
    "sum(CASE WHEN charge_period_start >= {mid} THEN {m} ELSE -{m} END) AS change "
    "FROM finops.costs WHERE {w} GROUP BY 1) g WHERE change {cmp} 0 "
    "ORDER BY change {dir}, label LIMIT {n}"
)
WINDOW_ANOMALIES = (
    "SELECT scope::text AS scope, impact, top_cause::text AS cause FROM finops.anomalies "
    "WHERE first_day < {end} AND last_day >= {start} ORDER BY impact DESC, scope::text LIMIT 3"
)
DRIVER_COLUMNS = (("account ", "sub_account_name"), ("usage type ", "x_usage_type"))


def budgets_sql(plan: Plan) -> sql.Composable:
    names = [value for column, value in plan.filters if column == "budget"]
    only = sql.SQL(" AND name = {}").format(sql.Literal(names[0])) if names else sql.SQL("")
    return sql.SQL(BUDGETS).format(only=only)


def utilization_sql(plan: Plan) -> sql.Composable:
    assert plan.period is not None
    template = SP_UTILIZATION if plan.intent == "commitment_utilization" else COVERAGE
    return sql.SQL(template).format(w=_where(plan, plan.period))


def percent(part: Decimal, whole: Decimal) -> Decimal:
    """``part`` as a percentage of ``whole`` to two decimals (as PostgreSQL's round does)."""
    return (part * 100 / whole).quantize(Decimal("0.01"))


def previous(period: Period) -> Period:
    """The period just before: the month before a calendar month, else as many days before."""
    if period.start.day == 1 and period.end == month_start(period.start, 1):
        start = month_start(period.start, -1)
        return Period(start, period.start, start.strftime("%B %Y"))
    days = period.end - period.start
    return Period(period.start - days, period.start, f"the {days.days} days before")


def drivers_sql(plan: Plan, column: tuple[str, str]) -> sql.Composable:
    assert plan.period is not None and plan.top is not None
    before = previous(plan.period)
    rising = plan.direction == "rising"
    return sql.SQL(DRIVERS).format(
        prefix=sql.Literal(column[0]),
        col=sql.Identifier(column[1]),
        mid=sql.Literal(plan.period.start),
        m=sql.Identifier(plan.measure),
        w=_where(plan, Period(before.start, plan.period.end, plan.period.name)),
        cmp=sql.SQL(">" if rising else "<"),
        dir=sql.SQL("DESC" if rising else "ASC"),
        n=sql.Literal(plan.top),
    )


def window_anomalies_sql(plan: Plan) -> sql.Composable:
    assert plan.period is not None
    return sql.SQL(WINDOW_ANOMALIES).format(
        start=sql.Literal(plan.period.start), end=sql.Literal(plan.period.end)
    )


def day_before(period: Period) -> str:
    return (period.end - timedelta(days=1)).isoformat()
