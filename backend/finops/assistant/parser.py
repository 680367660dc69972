"""The offline semantic parser: a question → a :class:`Plan` (intent and slots) or a refusal.

It consumes the phrases it understands (period, measure, filters, top N, direction, dimension,
intent words) and refuses any question with a word left over that it does not know, so an
unfamiliar request is answered "I can't answer that" rather than with a wrong number."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from finops.assistant.periods import NUMBERS, Period, find_period
from finops.assistant.vocabulary import DIMENSIONS, SERVICE_ALIASES, Vocabulary

FILLER_WORDS = """
    a an the what what's whats did do does we our us is are was were have has how much many
    so far total show me give list of in on for to over past by per with which who most
    expensive spend spent spending cost costs costed amount been any there sum up break down
    breakdown into each all and as at it its that this these those from be will would please
    tell my i see amazon aws get value biggest largest top change changed changes
    opportunities potential could can save savings month monthly impact usage
"""
FILLER = frozenset(FILLER_WORDS.split())
REFUSE_WORDS = re.compile(
    r"\b(delete|drop|update|insert|truncate|alter|grant|password\w*|hash\w*|users?|"
    r"engineer\w*|weather|joke|launched|who)\b"
)
_N = r"(\d+|" + "|".join(NUMBERS) + r")"
TOP = re.compile(rf"\b(?:top|biggest|largest|first)\s+{_N}\b|\b{_N} most\b|\bwhich {_N}\b")
RISING = re.compile(r"\b(rising|rise|risen|grew|grow|growing|increas\w*)\b")
FALLING = re.compile(r"\b(falling|fall|fell|decreas\w*|dropped|declin\w*|shrank)\b")
MOM = re.compile(r"\bmom\b|\bmonth[- ]over[- ]month\b")
WHY = re.compile(r"\bwhy\b|\bwhat (?:drove|caused)\b")
UP = re.compile(
    r"\b(ris(?:e|en|ing)|rose|grew|grow\w*|jump\w*|spik\w+|increas\w*|go(?:ne)? up|went up)\b"
)
DOWN = re.compile(
    r"\b(fall\w*|fell|drop\w*|decreas\w*|declin\w*|shrank|go(?:ne)? down|went down)\b"
)
BUDGET = re.compile(r"\bbudgets?\b")
BUDGET_LEFT = re.compile(r"\b(?:left|remain\w*)\b")
BUDGET_WORDS = re.compile(r"\b(?:over|under|on track|within|status|exceed\w*|blown)\b")
UTILIZATION = re.compile(
    r"\bsavings? plans? utili[sz]ation\b|\butili[sz]ation of (?:the |our )?savings? plans?\b"
)
COVERAGE = re.compile(
    r"\bcommitment (?:discount )?coverage\b|\bcoverage (?:of|by) (?:our |the )?commitments\b"
)
FORECAST = re.compile(
    r"\bforecast\w*\b|\bwill we spend\b|\bwill\b|\bgoing to\b|\bproject(ed|ion)\b|"
    r"\bend of the (month|quarter)\b|\b(month|quarter)[- ]end\b"
)


@dataclass(frozen=True)
class Plan:
    intent: str  # total | breakdown | change | movers | anomaly_count | top_anomalies |
    #               savings | forecast
    measure: str = "billed_cost"
    dim: str | None = None
    filters: tuple[tuple[str, str], ...] = ()
    period: Period | None = None
    top: int | None = None
    direction: str | None = None
    horizon: str | None = None
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "intent": self.intent,
            "measure": self.measure,
            "dim": self.dim,
            "filters": [list(f) for f in self.filters],
            "period": [self.period.start.isoformat(), self.period.end.isoformat()]
            if self.period
            else None,
            "top": self.top,
            "direction": self.direction,
            "horizon": self.horizon,
        }


class Refusal(Exception):
    """The parser does not understand the question well enough to answer it exactly."""


def _take(pattern: str, text: str) -> tuple[re.Match[str] | None, str]:
    found = re.search(pattern, text)
    if not found:
        return None, text
    return found, text[: found.start()] + " " + text[found.end() :]


def _number(raw: str) -> int | None:
    return int(raw) if raw.isdigit() else NUMBERS.get(raw)


def _filters(text: str, vocab: Vocabulary) -> tuple[list[tuple[str, str]], str]:
    filters: list[tuple[str, str]] = []
    for name in sorted(vocab.services, key=len, reverse=True):
        found, text = _take(r"(?<![\w-])" + re.escape(name.lower()) + r"(?![\w-])", text)
        if found:
            filters.append(("service_name", name))
    for alias, name in SERVICE_ALIASES.items():
        found, text = _take(r"(?<![\w-])(?:amazon |aws )?" + re.escape(alias) + r"(?![\w-])", text)
        if found:
            if name not in vocab.services:
                raise Refusal(f"the bill has no service {name}")
            filters.append(("service_name", name))
    for name in sorted(vocab.accounts, key=len, reverse=True):
        pattern = r"(?:(?:the )?account )?(?<![\w-])" + re.escape(name.lower()) + r"(?![\w-])"
        found, text = _take(pattern + r"(?: account)?(?:'s)?", text)
        if found:
            filters.append(("sub_account_name", name))
    for name in sorted(vocab.regions, key=len, reverse=True):
        found, text = _take(r"(?:region )?(?<![\w-])" + re.escape(name) + r"(?![\w-])", text)
        if found:
            filters.append(("region_id", name))
    for name in sorted(vocab.teams, key=len, reverse=True):
        value = re.escape(name.lower())
        found, text = _take(rf"\b(?:the )?{value} team(?:'s)?\b|\bteam {value}\b", text)
        if found:
            filters.append(("tag:team", name))
    for name in sorted(vocab.budgets, key=len, reverse=True):
        found, text = _take(rf"(?:\bthe )?(?<![\w-]){re.escape(name.lower())} budget\b", text)
        if found:
            filters.append(("budget", name))
    return filters, text


def _measure(text: str, filters: list[tuple[str, str]]) -> tuple[str, str]:
    found, text = _take(r"\bcovered by commitments?\b|\bcommitment[- ]covered\b", text)
    if found:
        filters.append(("pricing_category", "Committed"))
        return "effective_cost", text
    found, text = _take(r"\b(amortized|amortised|effective)( cost)?\b", text)
    if found:
        return "effective_cost", text
    found, text = _take(r"\blist cost\b", text)
    if found:
        return "list_cost", text
    return "billed_cost", text


def _dimension(text: str, intent: str) -> tuple[str | None, str]:
    if intent == "savings":
        text = re.sub(r"\b(?:per|a|each) month\b", " ", text)
    for pattern, dim in (
        (r"\b(?:daily|per day|by day|each day)\b", "day"),
        (r"\b(?:monthly cost|cost per month|per month|by month)\b", "month"),
    ):
        found, text = _take(pattern, text)
        if found:
            return dim, text
    for word, dim in DIMENSIONS:
        found, text = _take(rf"\b{word}\b", text)
        if found:
            if dim == "sub_account_name" and intent == "savings":
                return "account_id", text
            if dim == "service_name" and intent == "savings":
                return "service", text
            return dim, text
    return None, text


def _intent(text: str) -> tuple[str, str | None, str | None, str]:
    """(intent, direction, horizon, the rest of the text)."""
    status = _status_intent(text)
    if status is not None:
        return status
    if FORECAST.search(text):
        horizon = "quarter" if "quarter" in text else "month"
        text = FORECAST.sub(" ", text)
        text = re.sub(r"\b(for )?(this )?(month|quarter)\b", " ", text)
        return "forecast", None, horizon, text
    found, text = _take(r"\b(?:cost )?anomal(?:y|ies)\b", text)
    if found:
        return "anomalies", None, None, text
    if re.search(r"\bsav(e|ings)\b", text):
        return "savings", None, None, text
    found, text = _take(MOM.pattern, text)
    if found:
        return "change", None, None, text
    for regex, direction in ((RISING, "rising"), (FALLING, "falling")):
        found, text = _take(regex.pattern, text)
        if found:
            return "movers", direction, None, text
    return "spend", None, None, text


def _status_intent(text: str) -> tuple[str, str | None, str | None, str] | None:
    """Budgets, commitment utilization and coverage, and "why did X rise"."""
    if BUDGET.search(text):
        left, text = _take(BUDGET_LEFT.pattern, text)
        text = BUDGET_WORDS.sub(" ", text)
        return ("budget_left" if left else "budget_status"), None, None, text
    for regex, intent in (
        (UTILIZATION, "commitment_utilization"),
        (COVERAGE, "commitment_coverage"),
    ):
        found, text = _take(regex.pattern, text)
        if found:
            return intent, None, None, text
    found, text = _take(WHY.pattern, text)
    if not found:
        return None
    direction = None
    for regex, word in ((UP, "rising"), (DOWN, "falling")):
        moved, text = _take(regex.pattern, text)
        if moved:
            direction = word
            break
    return "why", direction, None, text


def normalize(question: str) -> str:
    text = question.lower().replace("’", "'")
    text = re.sub(r"[?!,;:.](?=\s|$)", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def parse(question: str, vocab: Vocabulary, *, as_of: date) -> Plan:
    """The plan for ``question``; raises :class:`Refusal` when it is not understood."""
    text = normalize(question)
    if REFUSE_WORDS.search(text):
        raise Refusal("the question asks for something the offline parser does not do")
    period, text, bad_period = find_period(text, as_of)
    if bad_period:
        raise Refusal("the period is not understood")
    intent, direction, horizon, text = _intent(text)
    if intent == "forecast" and period is not None:
        if not period.name.startswith(("this month", "this quarter")):
            raise Refusal("only this month's or this quarter's forecast is known")
        horizon = "quarter" if period.name.startswith("this quarter") else "month"
        period = None
    filters, text = _filters(text, vocab)
    if intent.startswith("budget"):
        text = BUDGET.sub(" ", text)
    columns = [column for column, _value in filters]
    if len(set(columns)) != len(columns):
        raise Refusal("only one value per filter (one service, one account, ...) is understood")
    measure, text = _measure(text, filters)
    top_match, text = _take(TOP.pattern, text)
    top = _number(next(g for g in top_match.groups() if g)) if top_match else None
    if top_match and top is None:
        raise Refusal("the number of rows is not understood")
    dim, text = _dimension(text, intent)
    if re.search(r"\b(19|20)\d\d\b|\d", text):
        raise Refusal("a number in the question is not understood")
    leftover = [w for w in re.findall(r"[\w'-]+", text) if w not in FILLER]
    if leftover:
        raise Refusal(f"not understood: {' '.join(leftover)}")
    slots = Plan(
        intent,
        measure=measure,
        dim=dim,
        filters=tuple(filters),
        period=period,
        top=top,
        direction=direction,
        horizon=horizon,
    )
    return _plan(slots)


def _plan(slots: Plan) -> Plan:
    """The slots checked against the intent: what each intent needs and may not have."""
    intent, period = slots.intent, slots.period
    if intent in STATUS_INTENTS:
        return _status_plan(slots)
    if intent == "anomalies":
        if period is None:
            raise Refusal("an anomaly question needs a period")
        kind = "top_anomalies" if slots.top else "anomaly_count"
        return Plan(kind, period=period, top=slots.top)
    if intent == "forecast":
        if period is not None or slots.filters:
            raise Refusal("only the whole bill's month-end or quarter-end forecast is known")
        return Plan("forecast", horizon=slots.horizon)
    if intent == "savings":
        if period is not None or slots.filters:
            raise Refusal("savings are the open findings' monthly estimates, with no period")
        return Plan("savings", dim=slots.dim, top=slots.top)
    if intent == "change":
        return Plan("change", measure=slots.measure, filters=slots.filters)
    if period is None:
        raise Refusal("no period named (say e.g. 'last month', 'last 30 days')")
    if intent == "movers":
        if slots.dim is None:
            raise Refusal("rising or falling what? (say e.g. 'top 5 services with rising cost')")
        return replace(slots, horizon=None, top=slots.top or 5)
    if slots.dim is None and slots.top is None:
        return Plan("total", measure=slots.measure, filters=slots.filters, period=period)
    if slots.dim is None:
        raise Refusal("top of what? (say e.g. 'top 5 services')")
    return replace(slots, intent="breakdown", direction=None, horizon=None)


STATUS_INTENTS = frozenset(
    {"budget_status", "budget_left", "commitment_utilization", "commitment_coverage", "why"}
)


def _status_plan(slots: Plan) -> Plan:
    intent, period = slots.intent, slots.period
    budgets = [f for f in slots.filters if f[0] == "budget"]
    others = [f for f in slots.filters if f[0] != "budget"]
    if slots.dim is not None or (slots.top is not None and intent != "why"):
        raise Refusal("a status question takes no dimension or top N")
    if intent.startswith("budget"):
        if others or (period is not None and not period.name.startswith("this month")):
            raise Refusal("budgets are known for this month, by budget name only")
        if intent == "budget_left" and len(budgets) != 1:
            raise Refusal("which budget? (say e.g. 'how much of the compute budget is left')")
        return Plan(intent, filters=tuple(budgets))
    if budgets:
        raise Refusal("a budget name is only understood in a budget question")
    if period is None:
        raise Refusal("no period named (say e.g. 'last month', 'last week')")
    if intent == "why":
        if slots.direction is None:
            raise Refusal("why did it rise or fall? (say e.g. 'why did EC2 cost rise last week')")
        return replace(slots, top=slots.top or 5, horizon=None)
    if others:
        raise Refusal("commitment utilization and coverage are known for the whole bill only")
    return Plan(intent, period=period)
