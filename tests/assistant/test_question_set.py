"""The question set (tests/assistant/questions.py) against the offline parser: at least 90 % of
the answerable questions answered exactly (numbers compared as Decimal with the independent
SQL's), every refusal refused, no wrong number, and paraphrases answering alike."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import psycopg
import pytest

from finops.config import Settings
from finops.db.engine import libpq_url
from finops.warehouse.scope import ALL
from tests.assistant import questions as q
from tests.assistant.conftest import AS_OF
from tests.assistant.expected import expected

ROW_SPECS = (q.Breakdown, q.Change, q.Movers, q.TopAnomalies, q.BudgetStatus, q.Why)
VALUE_SPECS = (
    q.Total,
    q.Change,
    q.AnomalyCount,
    q.Forecast,
    q.BudgetStatus,
    q.BudgetLeft,
    q.SpUtilization,
    q.Coverage,
    q.Why,
)


def _matches(answer: object, value: Decimal | None, rows: list[tuple], spec: object) -> bool:
    got_rows = [(str(r[0]), r[1]) for r in answer.rows]  # type: ignore[attr-defined]
    want_rows = [(str(r[0]), r[1]) for r in rows]
    if isinstance(spec, VALUE_SPECS) and answer.value != value:  # type: ignore[attr-defined]
        return False
    if isinstance(spec, q.Savings) and spec.dim is None:
        return answer.value == value  # type: ignore[attr-defined]
    return not (isinstance(spec, (*ROW_SPECS, q.Savings)) and got_rows != want_rows)


@pytest.fixture(scope="module")
def outcomes(assistant_settings: Settings) -> dict[str, tuple[object, object, bool]]:
    from finops.assistant import ask

    url = libpq_url(assistant_settings.database_url.get_secret_value())
    results: dict[str, tuple[object, object, bool]] = {}
    with psycopg.connect(url, options="-c timezone=UTC") as conn:
        for question in q.QUESTIONS:
            answer = ask(
                question.text,
                asker="test:question-set",
                scope=ALL,
                settings=assistant_settings,
                as_of=AS_OF,
            )
            if isinstance(question.expect, q.Refuse):
                results[question.text] = (question, answer, answer.refused)
                continue
            value, rows = expected(conn, question.expect)
            ok = not answer.refused and _matches(answer, value, rows, question.expect)
            results[question.text] = (question, answer, ok)
    return results


def test_the_set_is_large_enough() -> None:
    assert len(q.QUESTIONS) >= 80
    assert len({x.text for x in q.QUESTIONS}) == len(q.QUESTIONS)


def test_at_least_90_percent_exact(outcomes: dict[str, tuple[object, object, bool]]) -> None:
    answerable = [o for o in outcomes.values() if not isinstance(o[0].expect, q.Refuse)]  # type: ignore[attr-defined]
    exact = sum(1 for o in answerable if o[2])
    failed = [o[0].text for o in answerable if not o[2]]  # type: ignore[attr-defined]
    print(f"question set: {exact}/{len(answerable)} exact; missed: {failed}")
    assert exact / len(answerable) >= 0.9, failed


def test_never_a_wrong_number(outcomes: dict[str, tuple[object, object, bool]]) -> None:
    """A question the parser does not answer exactly, it refuses: no wrong figure."""
    wrong = [
        o[0].text  # type: ignore[attr-defined]
        for o in outcomes.values()
        if not o[2] and not o[1].refused  # type: ignore[attr-defined]
    ]
    assert wrong == []


def test_refusals(outcomes: dict[str, tuple[object, object, bool]]) -> None:
    refusals = [o for o in outcomes.values() if isinstance(o[0].expect, q.Refuse)]  # type: ignore[attr-defined]
    assert len(refusals) >= 8
    for question, answer, _ok in refusals:
        assert answer.refused, question.text  # type: ignore[attr-defined]
        assert answer.explanation.startswith("I can't answer that")  # type: ignore[attr-defined]
        assert answer.value is None and answer.rows == []  # type: ignore[attr-defined]


def test_paraphrases_answer_alike(outcomes: dict[str, tuple[object, object, bool]]) -> None:
    groups: dict[str, list[object]] = defaultdict(list)
    for question, answer, _ok in outcomes.values():
        if question.group:  # type: ignore[attr-defined]
            groups[question.group].append(answer)  # type: ignore[attr-defined]
    paraphrased = {k: v for k, v in groups.items() if len(v) > 1}
    assert len(paraphrased) >= 12
    for name, answers in paraphrased.items():
        answered = [a for a in answers if not a.refused]  # type: ignore[attr-defined]
        assert len({(a.value, tuple(a.rows)) for a in answered}) <= 1, name  # type: ignore[attr-defined]


def test_answers_show_their_work(outcomes: dict[str, tuple[object, object, bool]]) -> None:
    _question, answer, ok = outcomes["What did we spend on EC2 last month?"]
    assert ok
    assert answer.sql and "finops.costs" in answer.sql[0]  # type: ignore[attr-defined]
    assert "Amazon Elastic Compute Cloud" in answer.explanation  # type: ignore[attr-defined]
    assert "2026-09-01" in answer.explanation  # type: ignore[attr-defined]
    assert isinstance(answer.value, Decimal)  # type: ignore[attr-defined]
