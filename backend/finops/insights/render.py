"""The summary's text from its facts, by template: the same facts give the same words.

Amounts are written with two decimals, thousands separated by commas, and the currency code
after them (``1,234.56 USD``); percentages with two decimals. :func:`number_tokens` reads the
numbers back out of a text, which is how a rephrased text is checked against the template."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from finops.insights.facts import Facts
from finops.warehouse.money import CENT

NUMBER = re.compile(r"(?<![A-Za-z0-9_.])\d[\d,]*(?:\.\d+)?(?![A-Za-z_])")
"""A number as the texts write it (``1,234.56``, ``12.50``, ``2026``); a digit inside a word
(``EC2``, ``S3``) is not one."""


def number_tokens(text: str) -> list[str]:
    """The numbers of ``text``, in order, without thousands separators (and a trailing period
    of a sentence)."""
    return [m.group(0).replace(",", "").rstrip(".") for m in NUMBER.finditer(text)]


def amount(value: Decimal, currency: str) -> str:
    return f"{value.quantize(CENT, ROUND_HALF_UP):,.2f} {currency}"


def _percent(part: Decimal, whole: Decimal) -> str | None:
    if whole == 0:
        return None
    return f"{(100 * part / abs(whole)).quantize(CENT, ROUND_HALF_UP):,.2f}%"


def title(facts: Facts) -> str:
    p = facts.period
    what = "Weekly" if p.kind == "week" else "Monthly"
    when = f"week of {p.start}" if p.kind == "week" else f"{p.start:%B %Y}"
    return f"{what} spend summary for {facts.scope.label}, {when}"


def _headline(facts: Facts) -> str:
    p, c = facts.period, facts.currency
    change = facts.current - facts.previous
    where = "this week" if p.kind == "week" else "this month"
    line = f"Spend {where} ({p.start} to {p.through}, {p.days} days) was {amount(facts.current, c)}"
    if change == 0:
        return line + f", the same as the same days before ({amount(facts.previous, c)})."
    way = "up" if change > 0 else "down"
    pct = _percent(change.copy_abs(), facts.previous)
    by = f"{amount(change.copy_abs(), c)}" + (f", {pct}" if pct else "")
    line += (
        f", {way} {by} on the same days of the {p.kind} before "
        f"({p.previous_start} to {p.previous_end}: {amount(facts.previous, c)})."
    )
    if facts.other_currencies:
        line += f" Cost billed in {', '.join(facts.other_currencies)} is not included."
    return line


def _movers(facts: Facts) -> list[str]:
    if not facts.movers:
        return ["No service or account changed its spend."]
    c = facts.currency
    return [
        f"- {m.dimension} {m.name}: {'up' if m.delta > 0 else 'down'} "
        f"{amount(m.delta.copy_abs(), c)} ({amount(m.previous, c)} to {amount(m.current, c)})"
        for m in facts.movers
    ]


def _anomalies(facts: Facts) -> list[str]:
    if not facts.anomaly_count:
        return ["No cost anomaly was detected in the period."]
    c = facts.currency
    lines = [f"{facts.anomaly_count} cost anomalies in the period; the largest:"]
    for a in facts.anomalies:
        where = ", ".join(f"{k} {v}" for k, v in sorted(a.scope.items())) or "the whole bill"
        lines.append(
            f"- {where}, {a.first_day} to {a.last_day}: {amount(a.impact.copy_abs(), c)} "
            f"{'above' if a.impact >= 0 else 'below'} the expected ({a.severity})"
        )
    return lines


def _budgets(facts: Facts) -> list[str]:
    if not facts.budgets:
        return ["No budget is set for this scope."]
    return [
        f"- {b.name} ({b.period}, {amount(b.amount, b.currency)}): "
        f"{amount(b.actual, b.currency)} spent, forecast {amount(b.forecast, b.currency)} "
        f"({b.percent}% of the budget)"
        for b in facts.budgets
    ]


def _savings(facts: Facts) -> list[str]:
    c = facts.currency
    lines = []
    if facts.finding_count:
        lines.append(
            f"{facts.finding_count} open findings could save {amount(facts.open_savings, c)} "
            "a month; the largest:"
        )
        lines += [
            f"- {f.finding_type} {f.resource_id} (account {f.account_id}): "
            f"{amount(f.monthly_savings, c)} a month"
            for f in facts.findings
        ]
    else:
        lines.append("No open savings opportunity.")
    if facts.realized_count:
        lines.append(
            f"Realized savings of {facts.realized_count} measured changes: "
            f"{amount(facts.realized_savings, c)} a month."
        )
    else:
        lines.append("No realized savings measured yet.")
    return lines


def body(facts: Facts) -> str:
    """The summary in markdown: the headline, then a section per topic."""
    sections = [
        _headline(facts),
        "**Main movers**\n\n" + "\n".join(_movers(facts)),
        "**Anomalies**\n\n" + "\n".join(_anomalies(facts)),
        "**Forecast versus budget**\n\n" + "\n".join(_budgets(facts)),
        "**Savings**\n\n" + "\n".join(_savings(facts)),
    ]
    return "\n\n".join(sections) + "\n"
