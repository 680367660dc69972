"""Run a status plan (``finops.assistant.status``) → an :class:`Answer`: budgets, commitment
utilization and coverage, and the drivers of a rise or fall."""

from __future__ import annotations

from decimal import Decimal

from finops.assistant import queries, status
from finops.assistant.answer import CANT, Answer, Runner, _money, _where_words
from finops.assistant.parser import Plan

INTENTS = frozenset(
    {"budget_status", "budget_left", "commitment_utilization", "commitment_coverage", "why"}
)


def execute_status(question: str, plan: Plan, runner: Runner) -> Answer:
    ran: list[str] = []
    answer = Answer(question=question, refused=False, explanation="", plan=plan.to_json(), sql=ran)
    if plan.intent.startswith("budget"):
        _budgets(plan, runner, ran, answer)
    elif plan.intent == "why":
        _why(plan, runner, ran, answer)
    else:
        _commitments(plan, runner, ran, answer)
    if answer.refused:
        answer.value, answer.rows, answer.columns = None, [], []
    return answer


def _refuse(answer: Answer, reason: str) -> None:
    answer.refused = True
    answer.explanation = f"{CANT}: {reason}."


def _budgets(plan: Plan, runner: Runner, ran: list[str], answer: Answer) -> None:
    rows = runner.run(status.budgets_sql(plan), ran).rows
    if not rows:
        _refuse(answer, "no monthly budget you may see has been evaluated")
        return
    as_of = max(str(r[4]) for r in rows)
    if plan.intent == "budget_left":
        name, actual, amount = rows[0][0], _money(rows[0][1]), _money(rows[0][2])
        answer.value = amount - actual
        answer.columns = ["budget", "actual", "amount", "left"]
        answer.rows = [(name, actual, amount, answer.value)]
        state = "left" if answer.value >= 0 else "over"
        answer.explanation = (
            f"The {name} budget of {amount:,.2f} this month has {abs(answer.value):,.2f} {state}: "
            f"{actual:,.2f} spent up to {as_of} (the budget check's latest evaluation)."
        )
        return
    answer.columns = ["budget", "actual", "amount", "forecast"]
    answer.rows = [
        (r[0], _money(r[1]), _money(r[2]), None if r[3] is None else _money(r[3])) for r in rows
    ]
    over = [str(r[0]) for r in answer.rows if _money(r[1]) > _money(r[2])]
    answer.value = Decimal(len(over))
    named = f": {', '.join(over)}" if over else ""
    answer.explanation = (
        f"{len(over)} of the {len(rows)} monthly budgets are over budget this month{named} "
        f"(actual spend up to {as_of} against each budget's amount; the forecast is the "
        "month-end projection)."
    )


def _commitments(plan: Plan, runner: Runner, ran: list[str], answer: Answer) -> None:
    assert plan.period is not None
    part, whole = (_money(v) for v in runner.run(status.utilization_sql(plan), ran).rows[0])
    if whole == 0:
        what = "Savings Plan fees" if plan.intent == "commitment_utilization" else "eligible usage"
        _refuse(answer, f"there are no {what} in {plan.period.text()}")
        return
    answer.value = status.percent(part, whole)
    if plan.intent == "commitment_utilization":
        answer.columns = ["committed_cost", "used_cost", "utilization_pct"]
        answer.explanation = (
            f"Savings Plan utilization over {plan.period.text()}{_where_words(plan)} is "
            f"{answer.value} %: {part:,.2f} of the {whole:,.2f} committed was used (the "
            "commitments' recurring fees against the amortized cost of the usage they covered)."
        )
        answer.rows = [(whole, part, answer.value)]  # committed, used, %
    else:
        answer.columns = ["covered_list_cost", "eligible_list_cost", "coverage_pct"]
        answer.explanation = (
            f"Commitment coverage over {plan.period.text()}{_where_words(plan)} is "
            f"{answer.value} %: {part:,.2f} of the {whole:,.2f} on-demand-equivalent cost of "
            "eligible usage (EC2 and RDS instance hours) was covered by a Savings Plan or "
            "Reserved Instance."
        )
        answer.rows = [(part, whole, answer.value)]


def _why(plan: Plan, runner: Runner, ran: list[str], answer: Answer) -> None:
    assert plan.period is not None
    before = status.previous(plan.period)
    totals = [
        _money(runner.run(queries.total_sql(plan, p), ran).rows[0][0])
        for p in (before, plan.period)
    ]
    answer.value = totals[1] - totals[0]
    answer.columns = ["driver", "change"]
    for column in status.DRIVER_COLUMNS:
        result = runner.run(status.drivers_sql(plan, column), ran)
        answer.rows += [(r[0], _money(r[1])) for r in result.rows]
    anomalies = runner.run(status.window_anomalies_sql(plan), ran).rows
    moved = "rose" if answer.value > 0 else "fell"
    told = (
        "; anomalies in the window, largest first: "
        + "; ".join(f"{a[0]} (impact {_money(a[1]):,.2f}, cause {a[2]})" for a in anomalies)
        if anomalies
        else "; no anomaly was detected in the window"
    )
    answer.explanation = (
        f"The {plan.measure.replace('_', ' ')}{_where_words(plan)} {moved} by "
        f"{abs(answer.value):,.2f} from {before.text()} ({totals[0]:,.2f}) to "
        f"{plan.period.text()} ({totals[1]:,.2f}). The accounts and usage types whose cost "
        f"{'rose' if plan.direction == 'rising' else 'fell'} the most are listed{told}."
    )


__all__ = ["INTENTS", "execute_status"]
