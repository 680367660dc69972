"""Run a :class:`Plan`: its SELECT through the SQL console's guard (``finops.db.readonly``: the
console role, a read-only transaction, timeout, row cap, the asker's scope) → an
:class:`Answer` with the numbers as Decimal, a small table, the SQL it ran and a paragraph."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from psycopg import sql

from finops.assistant import queries
from finops.assistant.parser import Plan
from finops.assistant.periods import Period, halves
from finops.db.readonly import QueryResult, run_readonly
from finops.warehouse.scope import Scope

CANT = "I can't answer that"
MEASURE_WORDS = {
    "billed_cost": "billed cost",
    "effective_cost": "amortized (effective) cost",
    "list_cost": "list cost",
}


@dataclass
class Answer:
    question: str
    refused: bool
    explanation: str
    value: Decimal | None = None
    columns: list[str] = field(default_factory=list)
    rows: list[tuple[object, ...]] = field(default_factory=list)
    sql: list[str] = field(default_factory=list)
    plan: dict[str, object] | None = None
    provider: str = "offline"


@dataclass(frozen=True)
class Runner:
    url: str
    scope: Scope
    timeout_s: float
    row_limit: int

    def run(self, query: sql.Composable, ran: list[str]) -> QueryResult:
        text = query.as_string(None)
        ran.append(text)
        return run_readonly(
            self.url, text, scope=self.scope, timeout_s=self.timeout_s, row_limit=self.row_limit
        )


def refusal(question: str, reason: str, *, provider: str = "offline") -> Answer:
    return Answer(
        question=question, refused=True, explanation=f"{CANT}: {reason}.", provider=provider
    )


def _money(value: object) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _where_words(plan: Plan) -> str:
    parts = [f"{c.replace('tag:', 'tag ').replace('_', ' ')} = {v}" for c, v in plan.filters]
    return f" where {', '.join(parts)}" if parts else ""


def execute(question: str, plan: Plan, runner: Runner, *, as_of: date) -> Answer:
    ran: list[str] = []
    measure = MEASURE_WORDS.get(plan.measure, plan.measure)
    answer = Answer(question=question, refused=False, explanation="", plan=plan.to_json(), sql=ran)
    if plan.intent == "total":
        assert plan.period is not None
        result = runner.run(queries.total_sql(plan, plan.period), ran)
        answer.value = _money(result.rows[0][0])
        answer.explanation = (
            f"The {measure}{_where_words(plan)} over {plan.period.text()} is "
            f"{answer.value:,.2f}, summed from the costs view."
        )
    elif plan.intent == "breakdown":
        assert plan.period is not None
        result = runner.run(queries.breakdown_sql(plan, plan.period), ran)
        answer.columns = [str(plan.dim), plan.measure]
        answer.rows = [(r[0], _money(r[1])) for r in result.rows]
        answer.value = _money(result.rows[0][2]) if result.rows else Decimal(0)
        top = f"the top {plan.top} of " if plan.top else ""
        answer.explanation = (
            f"{plan.measure.replace('_', ' ').capitalize()} by {plan.dim}{_where_words(plan)} "
            f"over {plan.period.text()}: {top}{len(answer.rows)} rows shown, largest first "
            f"(the whole period totals {answer.value:,.2f})."
        )
    elif plan.intent == "change":
        _change(plan, runner, ran, answer, as_of=as_of)
    elif plan.intent == "movers":
        _movers(plan, runner, ran, answer)
    else:
        _intel(plan, runner, ran, answer)
    return answer


def _change(plan: Plan, runner: Runner, ran: list[str], answer: Answer, *, as_of: date) -> None:
    amounts = []
    for period in queries.change_periods(as_of):
        amounts.append(
            (period, _money(runner.run(queries.total_sql(plan, period), ran).rows[0][0]))
        )
    (first, a), (second, b) = amounts
    answer.columns = ["month", plan.measure]
    answer.rows = [(first.start.isoformat()[:7], a), (second.start.isoformat()[:7], b)]
    answer.value = b - a
    pct = f" ({(b - a) / a * 100:+.1f} %)" if a else ""
    answer.explanation = (
        f"Month over month{_where_words(plan)}: {second.name} (the latest complete month) "
        f"{b:,.2f} against {first.name} {a:,.2f}, a change of {answer.value:+,.2f}{pct}."
    )


def _movers(plan: Plan, runner: Runner, ran: list[str], answer: Answer) -> None:
    period = plan.period
    assert period is not None
    first, second = halves(period)
    result = runner.run(queries.movers_sql(plan, period), ran)
    answer.columns = [str(plan.dim), "change"]
    answer.rows = [(r[0], _money(r[1])) for r in result.rows]
    answer.explanation = (
        f"The {len(answer.rows)} {plan.dim} with the most {plan.direction} {plan.measure} over "
        f"{period.text()}: the amount of {second.start} .. {second.end} minus that of "
        f"{first.start} .. {first.end} (the window's two halves), only those that "
        f"{'rose' if plan.direction == 'rising' else 'fell'}."
    )


def _intel(plan: Plan, runner: Runner, ran: list[str], answer: Answer) -> None:
    if plan.intent in ("anomaly_count", "top_anomalies"):
        assert plan.period is not None
        result = runner.run(queries.anomalies_sql(plan), ran)
        if plan.intent == "anomaly_count":
            count, impact = result.rows[0]
            answer.value = Decimal(int(str(count)))
            answer.explanation = (
                f"{count} anomaly incidents overlap {plan.period.text()}, with "
                f"a total impact of {_money(impact):,.2f}."
            )
        else:
            answer.columns = ["scope", "impact", "first_day", "last_day", "kind", "cause"]
            answer.rows = [(r[0], _money(r[1]), *r[2:]) for r in result.rows]
            answer.explanation = (
                f"The {len(answer.rows)} anomaly incidents with the largest "
                f"impact overlapping {plan.period.text()}, with their top "
                "root cause."
            )
    elif plan.intent == "savings":
        result = runner.run(queries.savings_sql(plan), ran)
        if plan.dim is None:
            answer.value = _money(result.rows[0][0])
            answer.explanation = (
                f"The {result.rows[0][1]} open findings estimate savings of "
                f"{answer.value:,.2f} a month."
            )
        else:
            answer.columns = [plan.dim, "monthly_savings"]
            answer.rows = [(r[0], _money(r[1])) for r in result.rows]
            answer.explanation = (
                f"Estimated monthly savings of the open findings by {plan.dim}, largest first."
            )
    else:
        _forecast(plan, runner, ran, answer)


def _forecast(plan: Plan, runner: Runner, ran: list[str], answer: Answer) -> None:
    run_date = runner.run(sql.SQL(queries.LATEST_FORECAST), ran).rows[0][0]
    if not isinstance(run_date, date):
        answer.refused = True
        answer.explanation = f"{CANT}: no forecast of the whole bill has been computed."
        return
    actual, rest = runner.run(queries.forecast_sql(str(plan.horizon), run_date), ran).rows[0]
    answer.value = _money(actual) + _money(rest)
    answer.columns = ["actual_to_date", "forecast_rest"]
    answer.rows = [(_money(actual), _money(rest))]
    answer.explanation = (
        f"The {plan.horizon}-end projection of the whole bill is {answer.value:,.2f}: "
        f"{_money(actual):,.2f} billed up to {run_date} plus {_money(rest):,.2f} forecast for "
        f"the rest of the {plan.horizon} (the forecast of {run_date})."
    )


__all__ = ["CANT", "Answer", "Period", "Runner", "execute", "refusal"]
