"""Response models from query result rows."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)


def from_row(model: type[M], row: Any, **values: Any) -> M:
    """``model`` from the columns of a result row that bear its field names (validated as the
    constructor validates them); ``values`` add fields or replace columns that need converting."""
    return model.model_validate({**row._mapping, **values})


def text_map(value: Any) -> dict[str, str]:
    """A JSON object column (a scope, a tag set) as text keys and values; NULL is empty."""
    return {str(k): str(v) for k, v in (value or {}).items()}
