"""``ask``: a question → an :class:`Answer`, logged in ``assistant_queries`` and audited.

The offline parser answers what it understands; when it does not and an LLM provider is
configured (``FINOPS_ASSISTANT_PROVIDER``), the model writes one SELECT that the guard
(``finops.assistant.guard``) checks before it runs under the asker's scope."""

from __future__ import annotations

import time
from datetime import date

from sqlalchemy import insert

from finops.assistant.answer import Answer, Runner, execute, refusal
from finops.assistant.parser import STATUS_INTENTS, Refusal, parse
from finops.assistant.status_answers import execute_status
from finops.assistant.vocabulary import load_vocabulary
from finops.config import Settings, get_settings
from finops.db.engine import console_url, get_engine, libpq_url
from finops.errors import FinOpsError
from finops.warehouse.audit import audit
from finops.warehouse.scope import Scope
from finops.warehouse.tables import assistant_queries

EARLIEST, LATEST = date(1971, 1, 1), date(9000, 12, 31)
"""The days "today" may be: periods reach back ten years and forward a quarter from it."""


def ask(
    question: str,
    *,
    asker: str,
    scope: Scope,
    settings: Settings | None = None,
    as_of: date | None = None,
    request_id: str | None = None,
) -> Answer:
    """Answer ``question`` as ``asker`` would see the warehouse (``scope``); ``as_of`` is
    "today" for relative periods (default: the last day the asker's costs have)."""
    settings = settings or get_settings()
    started = time.perf_counter()
    # text PostgreSQL can store: no NUL, no lone surrogate (from JSON escapes)
    question = question.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
    runner = Runner(
        url=libpq_url(console_url(settings)),
        scope=scope,
        timeout_s=settings.sql_statement_timeout_s,
        row_limit=settings.sql_row_limit,
    )
    answer = _answer(question, runner, settings=settings, as_of=as_of)
    _log(
        answer,
        asker=asker,
        settings=settings,
        request_id=request_id,
        duration_ms=(time.perf_counter() - started) * 1000,
    )
    return answer


def _answer(question: str, runner: Runner, *, settings: Settings, as_of: date | None) -> Answer:
    if as_of is not None and not EARLIEST <= as_of <= LATEST:
        return refusal(question, f"as_of {as_of} is outside {EARLIEST} .. {LATEST}")
    vocab = load_vocabulary(runner.url, scope=runner.scope, timeout_s=runner.timeout_s)
    day = as_of or (date.fromisoformat(vocab.as_of) if vocab.as_of else None)
    if day is None:
        return refusal(question, "the warehouse holds no costs you may see")
    try:
        plan = parse(question, vocab, as_of=day)
    except Refusal as exc:
        if settings.assistant_provider != "offline":
            from finops.assistant.llm import answer_with_llm

            return answer_with_llm(question, runner, settings=settings, as_of=day)
        return refusal(question, str(exc))
    try:
        if plan.intent in STATUS_INTENTS:
            return execute_status(question, plan, runner)
        return execute(question, plan, runner, as_of=day)
    except FinOpsError as exc:
        return refusal(question, str(exc))


def _log(
    answer: Answer, *, asker: str, settings: Settings, request_id: str | None, duration_ms: float
) -> None:
    row_count = len(answer.rows) or (0 if answer.value is None else 1)
    with get_engine(settings).begin() as conn:
        conn.execute(
            insert(assistant_queries).values(
                asker=asker,
                question=answer.question,
                provider=answer.provider,
                plan=answer.plan,
                statements=answer.sql,
                row_count=row_count,
                duration_ms=round(duration_ms, 2),
                refused=answer.refused,
                outcome=answer.explanation[:2000],
            )
        )
        audit(
            conn,
            action="assistant.ask",
            subject=answer.question[:200],
            run_id=request_id,
            details={
                "provider": answer.provider,
                "refused": answer.refused,
                "statements": len(answer.sql),
                "rows": row_count,
            },
            actor=asker,
            request_id=request_id,
        )
