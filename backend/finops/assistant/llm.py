"""The optional LLM provider: asked for one SELECT over the public views that answers the
question, which the guard checks before it runs under the asker's scope. OpenAI-compatible
chat completions over HTTP (httpx) or Amazon Bedrock (boto3's Converse API); the key comes from
the settings (``FINOPS_ASSISTANT_API_KEY``)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import httpx

from finops.assistant.answer import Answer, Runner, refusal
from finops.assistant.guard import PUBLIC_VIEWS, check_llm_sql
from finops.config import Settings
from finops.db.readonly import run_readonly
from finops.errors import FinOpsError

SYSTEM = (
    "You write one PostgreSQL SELECT over these views of schema finops only: {views}. The costs "
    "view has charge_period_start (day), billed_cost, effective_cost, list_cost, service_name, "
    "sub_account_name, region_id, tags (jsonb). Today is {today}. Reply with the SQL in a "
    "```sql block, or the word UNANSWERABLE."
)
FENCE = re.compile(r"```(?:sql)?\s*(.*?)```", re.DOTALL | re.IGNORECASE)


def chat(system: str, user: str, *, settings: Settings) -> str:
    """One completion of the configured provider (OpenAI-compatible HTTP, or Bedrock) for a
    system prompt and a user message (also the spend summaries' rephrasing)."""
    if settings.assistant_provider == "bedrock":
        import boto3
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            reply = boto3.client("bedrock-runtime").converse(
                modelId=settings.assistant_model,
                system=[{"text": system}],
                messages=[{"role": "user", "content": [{"text": user}]}],
            )
        except (BotoCoreError, ClientError) as exc:
            raise FinOpsError(f"Bedrock model {settings.assistant_model}: {exc}") from exc
        return str(reply["output"]["message"]["content"][0]["text"])
    if not settings.assistant_base_url:
        raise FinOpsError("FINOPS_ASSISTANT_BASE_URL is not set (the OpenAI-compatible API)")
    key = settings.assistant_api_key.get_secret_value() if settings.assistant_api_key else ""
    response = httpx.post(
        settings.assistant_base_url.rstrip("/") + "/chat/completions",
        headers={"Authorization": f"Bearer {key}"},
        json={
            "model": settings.assistant_model,
            "temperature": 0,
            "messages": [
                {"role": "system", "content": system},
                {"role": "user", "content": user},
            ],
        },
        timeout=settings.assistant_timeout_s,
    )
    response.raise_for_status()
    return str(response.json()["choices"][0]["message"]["content"])


def complete(question: str, *, settings: Settings, as_of: date) -> str:
    system = SYSTEM.format(views=", ".join(sorted(PUBLIC_VIEWS)), today=as_of.isoformat())
    return chat(system, question, settings=settings)


def answer_with_llm(question: str, runner: Runner, *, settings: Settings, as_of: date) -> Answer:
    provider = settings.assistant_provider
    try:
        text = complete(question, settings=settings, as_of=as_of)
    except (httpx.HTTPError, FinOpsError, KeyError) as exc:
        return refusal(question, f"the {provider} provider failed: {exc}", provider=provider)
    fenced = FENCE.search(text)
    statement = (fenced.group(1) if fenced else text).strip()
    if not fenced or "UNANSWERABLE" in text:
        return refusal(question, "the model could not write a query for it", provider=provider)
    try:
        checked = check_llm_sql(statement)
        result = run_readonly(
            runner.url,
            checked,
            scope=runner.scope,
            timeout_s=runner.timeout_s,
            row_limit=runner.row_limit,
        )
    except FinOpsError as exc:
        answer = refusal(question, f"the model's SQL was refused: {exc}", provider=provider)
        answer.sql = [statement]
        answer.plan = {"intent": "llm_sql", "sql": statement, "refused": str(exc)}
        return answer
    rows = [tuple(r) for r in result.rows]
    single = len(rows) == 1 and len(rows[0]) == 1 and isinstance(rows[0][0], Decimal | int)
    return Answer(
        question=question,
        refused=False,
        explanation=(
            f"Answered by the {provider} model's query over the public views "
            f"({len(rows)} rows{', truncated' if result.truncated else ''}); "
            "the SQL is shown."
        ),
        value=Decimal(str(rows[0][0])) if single else None,
        columns=result.columns,
        rows=rows,
        sql=[checked],
        plan={"intent": "llm_sql", "sql": checked},
        provider=provider,
    )
