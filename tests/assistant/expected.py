"""The question set's answers, computed with plain SQL over the public views (and, for the
forecast, the forecast rows of the ``forecasts`` view), independently of the assistant."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import psycopg

from tests.assistant import questions as q

TEAM_KEYS = ("team", "user:team", "user_team")


def _where(filters: tuple[tuple[str, str], ...], start: date, end: date) -> tuple[str, list]:
    clauses = ["charge_period_start >= %s", "charge_period_start < %s"]
    params: list[object] = [start, end]
    for column, value in filters:
        if column == "tag:team":
            clauses.append(
                "EXISTS (SELECT 1 FROM jsonb_each_text(tags) t "
                "WHERE t.key = ANY(%s) AND t.value = %s)"
            )
            params += [list(TEAM_KEYS), value]
        else:
            clauses.append(f"{column} = %s")
            params.append(value)
    return " AND ".join(clauses), params


def _label(dim: str) -> str:
    if dim == "tag:team":
        return "(SELECT min(t.value) FROM jsonb_each_text(tags) t WHERE t.key = ANY(%s))"
    if dim == "day":
        return "to_char(charge_period_start, 'YYYY-MM-DD')"
    if dim == "month":
        return "to_char(charge_period_start, 'YYYY-MM')"
    if dim == "x_usage_type":  # lines with no usage type carry ''
        return "nullif(x_usage_type, '')"
    return dim


def _grouped(conn, dim, measure, filters, start, end) -> dict[str, Decimal]:
    where, params = _where(filters, start, end)
    label = _label(dim)
    label_params: list[object] = [list(TEAM_KEYS)] if dim == "tag:team" else []
    rows = conn.execute(
        f"SELECT coalesce({label}, '(none)') AS label, sum({measure}) FROM finops.costs "
        f"WHERE {where} GROUP BY 1",
        [*label_params, *params],
    ).fetchall()
    return {str(r[0]): r[1] for r in rows}


def expected(conn: psycopg.Connection, spec: object) -> tuple[Decimal | None, list[tuple]]:
    """(value, rows) for one question's expectation."""
    if isinstance(spec, q.Total):
        where, params = _where(spec.filters, spec.start, spec.end)
        value = conn.execute(
            f"SELECT coalesce(sum({spec.measure}), 0) FROM finops.costs WHERE {where}", params
        ).fetchone()[0]
        return value, []
    if isinstance(spec, q.Breakdown):
        groups = _grouped(conn, spec.dim, spec.measure, spec.filters, spec.start, spec.end)
        if spec.dim in ("day", "month"):
            rows = sorted(groups.items())
        else:
            rows = sorted(groups.items(), key=lambda kv: (-kv[1], kv[0]))
        rows = rows[: spec.top] if spec.top else rows
        return sum((v for _, v in groups.items()), Decimal(0)), rows
    if isinstance(spec, q.Change):
        amounts = []
        for start, end in (spec.first, spec.second):
            where, params = _where(spec.filters, start, end)
            amounts.append(
                conn.execute(
                    f"SELECT coalesce(sum({spec.measure}), 0) FROM finops.costs WHERE {where}",
                    params,
                ).fetchone()[0]
            )
        rows = [
            (spec.first[0].isoformat()[:7], amounts[0]),
            (spec.second[0].isoformat()[:7], amounts[1]),
        ]
        return amounts[1] - amounts[0], rows
    if isinstance(spec, q.Movers):
        before = _grouped(conn, spec.dim, spec.measure, spec.filters, *spec.first)
        after = _grouped(conn, spec.dim, spec.measure, spec.filters, *spec.second)
        changes = {
            k: after.get(k, Decimal(0)) - before.get(k, Decimal(0)) for k in {*before, *after}
        }
        if spec.direction == "rising":
            rows = sorted(
                ((k, v) for k, v in changes.items() if v > 0), key=lambda kv: (-kv[1], kv[0])
            )
        else:
            rows = sorted(
                ((k, v) for k, v in changes.items() if v < 0), key=lambda kv: (kv[1], kv[0])
            )
        return None, rows[: spec.top]
    if isinstance(spec, q.AnomalyCount):
        count, _impact = conn.execute(
            "SELECT count(*), coalesce(sum(impact), 0) FROM finops.anomalies "
            "WHERE first_day < %s AND last_day >= %s",
            [spec.end, spec.start],
        ).fetchone()
        return Decimal(count), []
    if isinstance(spec, q.TopAnomalies):
        rows = conn.execute(
            "SELECT scope::text, impact FROM finops.anomalies "
            "WHERE first_day < %s AND last_day >= %s ORDER BY impact DESC, scope::text LIMIT %s",
            [spec.end, spec.start, spec.top],
        ).fetchall()
        return None, [tuple(r) for r in rows]
    if isinstance(spec, q.Savings):
        if spec.dim is None:
            value = conn.execute(
                "SELECT coalesce(sum(estimated_monthly_savings), 0) FROM finops.findings "
                "WHERE status IN ('new', 'open')"
            ).fetchone()[0]
            return value, []
        rows = conn.execute(
            f"SELECT coalesce({spec.dim}, '(none)'), sum(estimated_monthly_savings) "
            "FROM finops.findings WHERE status IN ('new', 'open') GROUP BY 1 "
            "ORDER BY 2 DESC, 1" + (" LIMIT %s" if spec.top else ""),
            [spec.top] if spec.top else [],
        ).fetchall()
        return None, [tuple(r) for r in rows]
    if isinstance(spec, q.Forecast):
        run_date = conn.execute(
            "SELECT max(run_date) FROM finops.forecasts WHERE scope_kind = 'total' "
            "AND cost_metric = 'billed_cost'"
        ).fetchone()[0]
        if spec.horizon == "month":
            start = run_date.replace(day=1)
            end = (start + timedelta(days=32)).replace(day=1)
        else:
            start = date(run_date.year, 3 * ((run_date.month - 1) // 3) + 1, 1)
            end = (start + timedelta(days=95)).replace(day=1)
        actual = conn.execute(
            "SELECT coalesce(sum(billed_cost), 0) FROM finops.costs "
            "WHERE charge_period_start >= %s AND charge_period_start <= %s",
            [start, run_date],
        ).fetchone()[0]
        future = conn.execute(
            "SELECT coalesce(sum(yhat), 0) FROM finops.forecasts WHERE scope_kind = 'total' "
            "AND cost_metric = 'billed_cost' AND run_date = %s AND day > %s AND day < %s",
            [run_date, run_date, end],
        ).fetchone()[0]
        return actual + future, []
    return _status_expected(conn, spec)


def _total(conn: psycopg.Connection, filters, start: date, end: date) -> Decimal:
    where, params = _where(filters, start, end)
    return conn.execute(
        f"SELECT coalesce(sum(billed_cost), 0) FROM finops.costs WHERE {where}", params
    ).fetchone()[0]


def _cents(amount: Decimal) -> Decimal:
    """The budget check reports spend in cents."""
    return amount.quantize(Decimal("0.01"), ROUND_HALF_UP)


def _pct(part: Decimal, whole: Decimal) -> Decimal:
    return (part * 100 / whole).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _status_expected(conn: psycopg.Connection, spec: object) -> tuple[Decimal | None, list]:
    if isinstance(spec, q.BudgetStatus):
        rows = [
            (name, _cents(_total(conn, f, spec.start, spec.end))) for name, _a, f in spec.budgets
        ]
        amounts = {name: Decimal(amount) for name, amount, _f in spec.budgets}
        over = sum(1 for name, actual in rows if actual > amounts[name])
        return Decimal(over), sorted(rows)
    if isinstance(spec, q.BudgetLeft):
        actual = _cents(_total(conn, spec.filters, spec.start, spec.end))
        return Decimal(spec.amount) - actual, []
    if isinstance(spec, q.SpUtilization):
        fee, used = conn.execute(
            "SELECT sum(billed_cost) FILTER (WHERE x_line_item_type = 'SavingsPlanRecurringFee'),"
            " sum(effective_cost) FILTER (WHERE x_line_item_type = 'SavingsPlanCoveredUsage') "
            "FROM finops.costs WHERE commitment_discount_type = 'Savings Plan' "
            "AND charge_period_start >= %s AND charge_period_start < %s",
            [spec.start, spec.end],
        ).fetchone()
        return _pct(used, fee), []
    if isinstance(spec, q.Coverage):
        covered, on_demand = conn.execute(
            "SELECT sum(list_cost) FILTER (WHERE x_line_item_type <> 'Usage'), "
            "sum(list_cost) FILTER (WHERE x_line_item_type = 'Usage') FROM finops.costs "
            "WHERE (x_usage_type LIKE '%%BoxUsage:%%' OR x_usage_type LIKE '%%InstanceUsage:%%') "
            "AND x_line_item_type IN ('Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage') "
            "AND charge_period_start >= %s AND charge_period_start < %s",
            [spec.start, spec.end],
        ).fetchone()
        return _pct(covered, covered + on_demand), []
    if isinstance(spec, q.Why):
        change = _total(conn, spec.filters, *spec.second) - _total(conn, spec.filters, *spec.first)
        rows: list[tuple] = []
        for prefix, dim in (("account ", "sub_account_name"), ("usage type ", "x_usage_type")):
            movers = expected(
                conn,
                q.Movers(dim, spec.first, spec.second, spec.direction, spec.top, spec.filters),
            )[1]
            rows += [(prefix + str(label), amount) for label, amount in movers]
        return change, rows
    raise AssertionError(f"no expectation for {spec!r}")
