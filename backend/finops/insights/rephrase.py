"""The LLM's rephrasing of a summary, kept only when it states exactly the template's numbers.

When the assistant's provider is configured (``FINOPS_ASSISTANT_PROVIDER`` openai or bedrock,
the same settings and key as the assistant's questions), the template text is sent to the model
to be rewritten as plain prose. The reply is kept only when its numbers (``number_tokens``) are
the template's: every number of the template present, and no other; otherwise, or when the
provider fails, the template text is kept and the reason recorded with the summary."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from finops.assistant.llm import chat
from finops.config import Settings
from finops.errors import FinOpsError
from finops.insights.render import number_tokens

TEMPLATE = "template"
SYSTEM = (
    "Rewrite this cloud spend summary as clear, friendly markdown for a finance and engineering "
    "audience. Keep every number, amount, percentage, date and identifier exactly as written; "
    "add no other number. Reply with the rewritten summary only."
)


@dataclass(frozen=True, slots=True)
class Prose:
    body: str
    provider: str
    note: str | None = None


def numbers_differ(template: str, rephrased: str) -> str | None:
    """Why ``rephrased`` does not state exactly the numbers of ``template`` (None: it does)."""
    want, got = set(number_tokens(template)), set(number_tokens(rephrased))
    missing, extra = sorted(want - got), sorted(got - want)
    if not missing and not extra:
        return None
    parts = []
    if missing:
        parts.append(f"dropped {', '.join(missing[:5])}")
    if extra:
        parts.append(f"added {', '.join(extra[:5])}")
    return "; ".join(parts)


def rephrase(template: str, *, settings: Settings) -> Prose:
    """The model's prose when a provider is configured and it kept every number; else the
    template, with the reason."""
    provider = settings.assistant_provider
    if provider == "offline":
        return Prose(template, TEMPLATE, "no LLM provider configured (FINOPS_ASSISTANT_PROVIDER)")
    try:
        text = chat(SYSTEM, template, settings=settings).strip()
    except (httpx.HTTPError, FinOpsError, KeyError, IndexError, ValueError) as exc:
        return Prose(template, TEMPLATE, f"the {provider} provider failed: {str(exc)[:300]}")
    if not text:
        return Prose(template, TEMPLATE, f"the {provider} provider answered nothing")
    differs = numbers_differ(template, text)
    if differs is not None:
        return Prose(
            template, TEMPLATE, f"the {provider} rephrasing changed the numbers ({differs})"
        )
    return Prose(text + ("" if text.endswith("\n") else "\n"), provider)
