"""Response models from query result rows (or the dataclasses the analytics return)."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)


def from_row(model: type[M], row: object, **values: Any) -> M:
    """``model`` from the attributes of ``row`` (a result row's columns, a dataclass's fields)
    that bear its field names, validated as the constructor validates them; ``values`` add
    fields or replace attributes that need converting."""
    fields = {
        name: getattr(row, name)
        for name in model.model_fields
        if name not in values and hasattr(row, name)
    }
    return model.model_validate({**fields, **values})


def text_map(value: Any) -> dict[str, str]:
    """A JSON object column (a scope, a tag set) as text keys and values; NULL is empty."""
    return {str(k): str(v) for k, v in (value or {}).items()}
