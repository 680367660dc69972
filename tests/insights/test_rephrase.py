"""The LLM rephrasing against a local OpenAI-compatible HTTP server started by the test that
returns scripted completions (no model can be downloaded here, so the server plays the model):
a rephrasing that keeps every number is stored with the provider's name; one that changes a
number, drops one or adds one is rejected and the template kept, with the reason."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

import pytest
from sqlalchemy import select

from finops.config import Settings
from finops.db.engine import get_engine
from finops.insights.facts import gather
from finops.insights.render import body, number_tokens
from finops.insights.rephrase import numbers_differ, rephrase
from finops.insights.scopes import TOTAL, period_of
from finops.insights.store import write_summary
from finops.warehouse.tables import insights
from tests.factories.scripted_llm import scripted_openai
from tests.insights.conftest import AS_OF

KEY = "insights-key-42"


class Script:
    mode = "keep"
    prompts: ClassVar[list[str]] = []


def _spend(template: str) -> str:
    found = re.search(r"was ([\d,]+\.\d\d) USD", template)
    assert found is not None
    return found.group(1)


def _reply(template: str) -> str:
    if Script.mode == "keep":
        return "Here is how your cloud spend went.\n\n" + template.replace(
            "Spend this", "Costs this"
        )
    if Script.mode == "change":  # the period's spend, one digit more
        return template.replace(f"was {_spend(template)}", f"was 9{_spend(template)}", 1)
    if Script.mode == "add":
        return template + "\nThat is about 42 coffees a day.\n"
    raise AssertionError(Script.mode)


def _model(prompt: str) -> str | None:
    Script.prompts.append(prompt)
    return None if Script.mode == "fail" else _reply(prompt)


@pytest.fixture(scope="module")
def llm_settings(insights_settings: Settings) -> Iterator[Settings]:
    with scripted_openai(insights_settings, key=KEY, reply=_model) as settings:
        yield settings


def test_a_rephrasing_that_keeps_every_number_is_stored(llm_settings: Settings) -> None:
    Script.mode = "keep"
    engine = get_engine(llm_settings)
    with engine.connect() as conn:  # rolled back: the other tests' rows stay as the job wrote
        facts = gather(conn, scope=TOTAL, period=period_of("week", AS_OF))
        template = body(facts)
        prose = rephrase(template, settings=llm_settings)
        assert Script.prompts[-1] == template
        assert prose.provider == "openai" and prose.note is None
        assert prose.body.startswith("Here is how your cloud spend went.")
        assert prose.body != template and numbers_differ(template, prose.body) is None
        write_summary(conn, facts, prose=prose, template=template, run_id="t")
        stored = conn.execute(
            select(insights.c.body, insights.c.template_body, insights.c.provider).where(
                insights.c.scope_key == "total:", insights.c.period_kind == "week"
            )
        ).one()
        assert stored == (prose.body, template, "openai")
        conn.rollback()


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("change", "the openai rephrasing changed the numbers (dropped "),
        ("add", "the openai rephrasing changed the numbers (added 42)"),
        ("fail", "the openai provider failed: Server error '503"),
    ],
)
def test_a_rephrasing_that_changes_a_number_is_rejected(
    llm_settings: Settings, mode: str, reason: str
) -> None:
    Script.mode = mode
    with get_engine(llm_settings).connect() as conn:
        template = body(gather(conn, scope=TOTAL, period=period_of("week", AS_OF)))
    prose = rephrase(template, settings=llm_settings)
    assert prose.body == template and prose.provider == "template"
    assert prose.note is not None and prose.note.startswith(reason)
    if mode == "change":
        changed = _spend(template).replace(",", "")
        assert f"dropped {changed}; added 9{changed})" in prose.note


def test_number_tokens() -> None:
    text = "EC2 and S3 in account 123456789012 cost 1,234.56 USD (12.50%) on 2026-10-12 for t3."
    assert number_tokens(text) == ["123456789012", "1234.56", "12.50", "2026", "10", "12"]
