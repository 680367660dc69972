"""The assistant (issue 20): natural-language cost questions answered from the platform's public
views, offline by a deterministic semantic parser, or by an optional LLM whose SQL is guarded
(docs/assistant.md)."""

from finops.assistant.answer import CANT, Answer
from finops.assistant.service import ask

__all__ = ["CANT", "Answer", "ask"]
