"""The assistant's request and answer (`POST /api/v1/assistant/ask`)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from finops.api.params import Day

MAX_QUESTION_CHARS = 1_000


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS,
                          description="a cost question in plain English")  # fmt: skip
    as_of: Day | None = Field(
        default=None,
        description="YYYY-MM-DD, the day taken as today (default: the bill's last day)",
    )


class AnswerPublic(BaseModel):
    question: str
    refused: bool = Field(description='true: "I can\'t answer that" (no number is given)')
    value: str | None = Field(description="the headline number (a decimal as text), if any")
    columns: list[str]
    rows: list[list[Any]]
    sql: list[str] = Field(description="the statements run, in order")
    explanation: str
    provider: str = Field(description="offline (the parser) or the LLM provider's name")
    plan: dict[str, Any] | None
