"""The numbers a summary states, read from the warehouse for one scope and period (the SQL in
``facts.sql``): spend against the same days of the period before and its main movers by service
and account, the anomalies in the period, each budget of the scope against its forecast (as the
budget check computes it), the open findings' savings and the savings realized.

Amounts are the billed cost (the bill's, like the budgets') in the bill's currency: a scope
billed in several currencies is summarized in the one with the most spend, the others named."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from importlib import resources
from typing import Any

from sqlalchemy import Connection, text

from finops.analytics.budgets.job import HISTORY_DAYS, evaluate_budget
from finops.analytics.budgets.model import Budget, load_budgets
from finops.analytics.cube import load_cube, tag_dimension
from finops.analytics.forecasting.job import period_bounds
from finops.insights.scopes import InsightScope, Period
from finops.warehouse.money import cents

_SQL = resources.files("finops.insights").joinpath("facts.sql").read_text()
QUERIES = {
    m.group(1): m.group(2).strip()
    for m in re.finditer(r"-- name: (\w+)\n(.*?)(?=\n-- name: |\Z)", _SQL, re.S)
}
TOP = 3
"""Movers, anomalies and findings named in a summary (each list's largest)."""
DEFAULT_CURRENCY = "USD"


@dataclass(frozen=True, slots=True)
class Mover:
    dimension: str  # service | account
    name: str
    current: Decimal
    previous: Decimal

    @property
    def delta(self) -> Decimal:
        return self.current - self.previous


@dataclass(frozen=True, slots=True)
class AnomalyFact:
    scope: dict[str, str]
    first_day: date
    last_day: date
    impact: Decimal
    severity: str


@dataclass(frozen=True, slots=True)
class BudgetFact:
    name: str
    period: str
    amount: Decimal
    currency: str
    actual: Decimal
    forecast: Decimal
    percent: Decimal


@dataclass(frozen=True, slots=True)
class FindingFact:
    finding_type: str
    resource_id: str
    account_id: str
    monthly_savings: Decimal


@dataclass(slots=True)
class Facts:
    scope: InsightScope
    period: Period
    currency: str
    current: Decimal
    previous: Decimal
    other_currencies: list[str] = field(default_factory=list)
    movers: list[Mover] = field(default_factory=list)
    anomalies: list[AnomalyFact] = field(default_factory=list)
    anomaly_count: int = 0
    budgets: list[BudgetFact] = field(default_factory=list)
    findings: list[FindingFact] = field(default_factory=list)
    finding_count: int = 0
    open_savings: Decimal = Decimal(0)
    realized_savings: Decimal = Decimal(0)
    realized_count: int = 0

    def to_json(self) -> dict[str, Any]:
        """The facts as JSON (amounts as exact decimal strings)."""

        def plain(value: Any) -> Any:
            if isinstance(value, Decimal):
                return str(value)
            if isinstance(value, date):
                return value.isoformat()
            if isinstance(value, list):
                return [plain(v) for v in value]
            if isinstance(value, dict):
                return {k: plain(v) for k, v in value.items()}
            if hasattr(value, "__slots__"):
                return {k: plain(getattr(value, k)) for k in value.__slots__}
            return value

        out: dict[str, Any] = plain(
            {k: getattr(self, k) for k in self.__slots__ if k not in ("scope", "period")}
        )
        out["scope"] = self.scope.scope
        out["period"] = plain(self.period)
        out["change"] = str(self.current - self.previous)
        out["movers"] = [{**plain(m), "delta": str(m.delta)} for m in self.movers]
        return out


def _params(scope: InsightScope) -> dict[str, Any]:
    tag = scope.tag
    return {
        "account": scope.account,
        "tag_key": None if tag is None else tag[0],
        "tag_value": None if tag is None else tag[1],
    }


def _spend(conn: Connection, scope: InsightScope, period: Period) -> Facts:
    bounds = {
        "cur_start": period.start,
        "cur_end": period.through,
        "prev_start": period.previous_start,
        "prev_end": period.previous_end,
    }
    query = "spend_tag" if scope.tag is not None else "spend"
    rows = conn.execute(text(QUERIES[query]), {**bounds, **_params(scope)}).all()
    by_currency: dict[str, Decimal] = defaultdict(Decimal)
    for _, _, currency, current, previous in rows:
        by_currency[currency] += abs(current) + abs(previous)
    ranked = sorted(by_currency, key=lambda c: (-by_currency[c], c))
    currency = ranked[0] if ranked else DEFAULT_CURRENCY
    movers: dict[tuple[str, str], list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    total = [Decimal(0), Decimal(0)]
    for service, account, row_currency, current, previous in rows:
        if row_currency != currency:
            continue
        total[0] += current
        total[1] += previous
        for dimension, name in (("service", service), ("account", account)):
            if dimension == "account" and scope.account is not None:
                continue
            pair = movers[(dimension, name or "(none)")]
            pair[0] += current
            pair[1] += previous
    ranked_movers = sorted(
        (Mover(d, n, cents(c), cents(p)) for (d, n), (c, p) in movers.items()),
        key=lambda m: (-abs(m.delta), m.dimension, m.name),
    )
    return Facts(
        scope=scope,
        period=period,
        currency=currency,
        current=cents(total[0]),
        previous=cents(total[1]),
        other_currencies=ranked[1:],
        movers=[m for m in ranked_movers if m.delta != 0][:TOP],
    )


def _anomalies(conn: Connection, facts: Facts) -> None:
    rows = conn.execute(
        text(QUERIES["anomalies"]),
        {
            "scope": json.dumps(facts.scope.scope),
            "start": facts.period.start,
            "end": facts.period.through,
            "as_of": facts.period.through,
        },
    ).all()
    facts.anomaly_count = len(rows)
    facts.anomalies = [
        AnomalyFact(
            dict(r.scope),
            r.first_day,
            min(r.last_day, facts.period.through),
            cents(r.impact),
            r.severity,
        )
        for r in rows[:TOP]
    ]


def _budget_scope(budget: Budget) -> dict[str, str]:
    return {
        (tag_dimension(k[4:]) if k.startswith("tag:") else k): v for k, v in budget.scope.items()
    }


def _budgets(conn: Connection, facts: Facts) -> None:
    as_of = facts.period.through
    wanted = {
        (tag_dimension(k[4:]) if k.startswith("tag:") else k): v
        for k, v in facts.scope.scope.items()
    }
    for budget in load_budgets(conn):
        if _budget_scope(budget) != wanted:
            continue
        start = min(period_bounds(as_of, budget.period)[0], as_of - timedelta(days=HISTORY_DAYS))
        tag_keys = sorted(k[4:] for k in budget.scope if k.startswith("tag:"))
        cube = load_cube(
            conn,
            start=start,
            end=as_of + timedelta(days=1),
            metric=budget.cost_metric,
            tag_keys=tag_keys,
        )
        status = evaluate_budget(conn, cube, budget, run_date=as_of)
        facts.budgets.append(
            BudgetFact(
                name=budget.name,
                period=budget.period,
                amount=budget.amount,
                currency=budget.currency,
                actual=status.actual,
                forecast=status.forecast,
                percent=status.percent("forecast"),
            )
        )


def _savings(conn: Connection, facts: Facts) -> None:
    params = {"as_of": facts.period.through, **_params(facts.scope)}
    rows = [
        r
        for r in conn.execute(text(QUERIES["findings"]), params).all()
        if r.currency == facts.currency
    ]
    facts.finding_count = len(rows)
    facts.open_savings = cents(sum((r.estimated_monthly_savings for r in rows), Decimal(0)))
    facts.findings = [
        FindingFact(
            r.finding_type, r.resource_id or "", r.account_id, cents(r.estimated_monthly_savings)
        )
        for r in rows[:TOP]
    ]
    realized, count = conn.execute(text(QUERIES["realized"]), params).one()
    facts.realized_savings = cents(Decimal(realized))
    facts.realized_count = int(count)


def gather(conn: Connection, *, scope: InsightScope, period: Period) -> Facts:
    """Every number of the summary of ``scope`` for ``period``."""
    facts = _spend(conn, scope, period)
    _anomalies(conn, facts)
    _budgets(conn, facts)
    _savings(conn, facts)
    return facts


def scopes(conn: Connection, *, start: date, end: date, tag_keys: list[str]) -> list[InsightScope]:
    """The whole bill, every account and every watched tag value with cost in [start, end]."""
    from finops.insights.scopes import TOTAL, account_scope, tag_scope

    accounts = conn.execute(text(QUERIES["accounts"]), {"start": start, "end": end}).scalars()
    keys = [tag_dimension(k)[4:] for k in tag_keys]
    tags = conn.execute(
        text(QUERIES["tag_values"]), {"start": start, "end": end, "keys": keys}
    ).all()
    return [TOTAL, *(account_scope(a) for a in accounts), *(tag_scope(k, v) for k, v in tags)]
