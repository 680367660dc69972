"""CSV downloads of the API's lists (``format=csv``): a header line, then one line per row,
every value as the JSON answer writes it (decimals in full, days ISO, null empty)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from enum import StrEnum
from typing import Any

from fastapi.responses import StreamingResponse
from pydantic import BaseModel

CSV_MEDIA_TYPE = "text/csv"


class ListFormat(StrEnum):
    """How a list is answered: JSON (the default) or CSV (every matching row, no paging)."""

    json = "json"
    csv = "csv"


CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {CSV_MEDIA_TYPE: {"schema": {"type": "string"}}},
        "description": "the list as JSON, or with format=csv as CSV",
    }
}
"""The OpenAPI answer of a route that also speaks CSV."""


def _lines(columns: Sequence[str], rows: Iterable[BaseModel]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        values = row.model_dump(mode="json", include=set(columns))
        writer.writerow(["" if values[c] is None else values[c] for c in columns])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def csv_response(
    *, filename: str, columns: Sequence[str], rows: Iterable[BaseModel]
) -> StreamingResponse:
    """``rows`` (response models) as a CSV download named ``filename``, ``columns`` in order."""
    return StreamingResponse(
        _lines(columns, rows),
        media_type=f"{CSV_MEDIA_TYPE}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
