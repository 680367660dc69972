"""The assistant over HTTP: a cost question answered from the public views within the caller's
team scope (row-level security), with the SQL it ran; logged and audited like the CLI's."""

from __future__ import annotations

from fastapi import APIRouter, Request

from finops.api.deps import PrincipalDep, RequestIdDep, SettingsDep
from finops.api.errors import error_responses
from finops.api.routes.sql import _limiter
from finops.api.schemas.assistant import AnswerPublic, AskRequest
from finops.db.values import plain_value

router = APIRouter(prefix="/assistant", tags=["assistant"])


@router.post("/ask", response_model=AnswerPublic, responses=error_responses(400, 429, 503))
def ask(
    body: AskRequest,
    request: Request,
    principal: PrincipalDep,
    settings: SettingsDep,
    request_id: RequestIdDep,
) -> AnswerPublic:
    """Answer one question (the offline parser; the LLM if configured, its SQL guarded), seeing
    only the rows of the caller's team scope; "I can't answer that" rather than a guess. Counted
    against the SQL console's per-user rate limit."""
    import time

    from finops.assistant import ask as ask_question

    _limiter(request).admit(
        principal.actor, per_minute=settings.sql_queries_per_minute, now=time.monotonic()
    )
    answer = ask_question(
        body.question,
        asker=principal.actor,
        scope=principal.scope,
        settings=settings,
        as_of=body.as_of,
        request_id=request_id,
    )
    return AnswerPublic(
        question=answer.question,
        refused=answer.refused,
        value=None if answer.value is None else str(answer.value),
        columns=answer.columns,
        rows=[[plain_value(v) for v in row] for row in answer.rows],
        sql=answer.sql,
        explanation=answer.explanation,
        provider=answer.provider,
        plan=answer.plan,
    )
