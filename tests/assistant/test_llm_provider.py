"""The LLM path against a local OpenAI-compatible HTTP server started by the test, returning
scripted completions: no model can be downloaded here, so the server plays the model. It checks
the key it is sent; one completion's SQL is answered, one the guard refuses (a write), one tries
a table outside the views, and one would escape the asker's scope (which row-level security
stops: the scoped asker sees only its account's cost)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import psycopg
import pytest

from finops.config import Settings
from finops.db.engine import libpq_url
from finops.warehouse.scope import ALL, Scope
from tests.factories.scripted_llm import scripted_openai

SCRIPT = {
    "what is the total list cost ever billed": "```sql\nSELECT sum(list_cost) FROM costs\n```",
    "please wipe the bill": "```sql\nDELETE FROM finops.costs\n```",
    "who can log in": "```sql\nSELECT username FROM finops.users\n```",
    "bill of every account ever": "```sql\nSELECT sum(billed_cost) FROM finops.costs\n```",
}
KEY = "test-key-123"


def _scripted(question: str) -> str:
    return SCRIPT.get(question, "UNANSWERABLE")


@pytest.fixture(scope="module")
def llm_settings(assistant_settings: Settings) -> Iterator[Settings]:
    with scripted_openai(assistant_settings, key=KEY, reply=_scripted) as settings:
        yield settings


def _scalar(settings: Settings, query: str) -> Decimal:
    url = libpq_url(settings.database_url.get_secret_value())  # type: ignore[union-attr]
    with psycopg.connect(url) as conn:
        return conn.execute(query).fetchone()[0]  # type: ignore[index,no-any-return]


def test_answered_by_the_model(llm_settings: Settings) -> None:
    from finops.assistant import ask

    answer = ask(
        "what is the total list cost ever billed",
        asker="test:llm",
        scope=ALL,
        settings=llm_settings,
    )
    assert not answer.refused and answer.provider == "openai"
    assert answer.value == _scalar(llm_settings, "SELECT sum(list_cost) FROM finops.costs")
    assert answer.sql == ["SELECT sum(list_cost) FROM costs"]


@pytest.mark.parametrize(
    ("question", "why"),
    [("please wipe the bill", "only a SELECT"), ("who can log in", "finops.users is not one")],
)
def test_guard_refuses_the_models_sql(llm_settings: Settings, question: str, why: str) -> None:
    from finops.assistant import ask

    answer = ask(question, asker="test:llm", scope=ALL, settings=llm_settings)
    assert answer.refused and answer.value is None and answer.rows == []
    assert answer.explanation.startswith("I can't answer that") and why in answer.explanation
    url = libpq_url(llm_settings.database_url.get_secret_value())  # type: ignore[union-attr]
    with psycopg.connect(url) as conn:
        logged = conn.execute(
            "SELECT provider, refused, statements FROM finops.assistant_queries "
            "WHERE question = %s ORDER BY id DESC LIMIT 1",
            [question],
        ).fetchone()
        audited = conn.execute(
            "SELECT count(*) FROM finops.audit_log WHERE action = 'assistant.ask' AND subject = %s",
            [question],
        ).fetchone()
    assert logged is not None and logged[0] == "openai" and logged[1] is True and logged[2]
    assert audited is not None and audited[0] >= 1


def test_scope_escape_sees_only_the_scope(llm_settings: Settings) -> None:
    from finops.assistant import ask

    account = _scalar(llm_settings, "SELECT min(sub_account_id) FROM finops.costs")
    answer = ask(
        "bill of every account ever",
        asker="test:scoped",
        settings=llm_settings,
        scope=Scope(accounts=frozenset({str(account)})),
    )
    whole = _scalar(llm_settings, "SELECT sum(billed_cost) FROM finops.costs")
    mine = _scalar(
        llm_settings,
        f"SELECT sum(billed_cost) FROM finops.costs WHERE sub_account_id = '{account}'",
    )
    assert answer.value == mine and mine != whole


def test_unanswerable_is_refused(llm_settings: Settings) -> None:
    from finops.assistant import ask

    answer = ask("compose a sonnet", asker="test:llm", scope=ALL, settings=llm_settings)
    assert answer.refused and answer.provider == "openai"
