"""Traps for the offline parser found after the question set was written: questions it must
refuse rather than answer with a number that means something else (no database needed)."""

from __future__ import annotations

from datetime import date

import pytest

from finops.assistant.parser import Refusal, parse
from finops.assistant.vocabulary import Vocabulary

VOCAB = Vocabulary(
    services=frozenset({"Amazon Elastic Compute Cloud", "Amazon Simple Storage Service"}),
    accounts=frozenset({"prod-data", "staging"}),
    regions=frozenset({"us-east-1"}),
    teams=frozenset({"data"}),
    as_of=None,
)
AS_OF = date(2026, 10, 15)


@pytest.mark.parametrize(
    "question",
    [
        "What will EC2 cost us this quarter?",  # a service's forecast: not the actual QTD
        "EC2 and S3 cost last month",  # two services: not an AND of both filters
        "spend for prod-data and staging last month",
        "EC2 spend excluding staging last month",
        "spend not on EC2 last month",
        "average daily spend last month",
        "How much did staging spend in the last 2 weeks?",
        "what did ec2 cost the day before yesterday",
        "spend last month vs the month before",
        "Top 5 services",  # no period
        "What did DynamoDB cost last month?",  # a known alias the bill does not have
    ],
)
def test_refused(question: str) -> None:
    with pytest.raises(Refusal):
        parse(question, VOCAB, as_of=AS_OF)


def test_slots() -> None:
    plan = parse("Top 5 services with rising cost last 60 days", VOCAB, as_of=AS_OF)
    assert (plan.intent, plan.dim, plan.top, plan.direction) == (
        "movers",
        "service_name",
        5,
        "rising",
    )
    assert plan.period is not None
    assert (plan.period.start, plan.period.end) == (date(2026, 8, 17), date(2026, 10, 16))
    plan = parse("What did we spend on EC2 last month in prod-data?", VOCAB, as_of=AS_OF)
    assert plan.filters == (
        ("service_name", "Amazon Elastic Compute Cloud"),
        ("sub_account_name", "prod-data"),
    )
    assert parse("What will we spend this quarter?", VOCAB, as_of=AS_OF).horizon == "quarter"
