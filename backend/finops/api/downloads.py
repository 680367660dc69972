"""Downloads of the API's lists (``format=csv`` or ``format=parquet``): every matching row,
written as it is read, so a year of daily rows never sits in memory.

CSV: a header line, then one line per row, every value as the JSON answer writes it (decimals
in full, days ISO, null empty, objects as JSON text). Parquet: the same columns, typed from the
response model (money as ``decimal128(38, 16)``, days as ``date32``, objects as JSON text),
written in row groups of :data:`ROW_GROUP` rows; each finished row group leaves as soon as it is
written (the footer last)."""

from __future__ import annotations

import csv
import io
import json
import types
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Union, get_args, get_origin

import pyarrow as pa
import pyarrow.parquet as pq
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

CSV_MEDIA_TYPE = "text/csv"
PARQUET_MEDIA_TYPE = "application/vnd.apache.parquet"
ROW_GROUP = 10_000
MONEY_TYPE = pa.decimal128(38, 16)


class ListFormat(StrEnum):
    """How a list is answered: JSON (the default, one page), or every matching row as CSV or
    Parquet (no paging)."""

    json = "json"
    csv = "csv"
    parquet = "parquet"


CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            CSV_MEDIA_TYPE: {"schema": {"type": "string"}},
            PARQUET_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
        },
        "description": "the list as JSON, or with format=csv / format=parquet as a download",
    }
}
"""The OpenAPI answer of a route that also speaks CSV and Parquet."""

DOWNLOAD_RESPONSE = CSV_RESPONSE


def _lines(columns: Sequence[str], rows: Iterable[BaseModel]) -> Iterator[str]:
    """Response models as CSV lines, each value as the JSON answer writes it."""
    wanted = set(columns)
    dumped = (row.model_dump(mode="json", include=wanted) for row in rows)
    return _tuple_lines(columns, ([values[c] for c in columns] for values in dumped))


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


def csv_response(
    *, filename: str, columns: Sequence[str], rows: Iterable[BaseModel]
) -> StreamingResponse:
    """``rows`` (response models) as a CSV download named ``filename``, ``columns`` in order."""
    return StreamingResponse(
        _lines(columns, rows),
        media_type=f"{CSV_MEDIA_TYPE}; charset=utf-8",
        headers=_attachment(filename),
    )


def _unwrap(annotation: Any) -> Any:
    """The one type behind ``Annotated[...]`` and ``X | None``."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            (annotation,) = [a for a in get_args(annotation) if a is not type(None)]
        else:
            return annotation


def arrow_type(annotation: Any) -> pa.DataType:
    """The Parquet column type of a response model field."""
    kind = _unwrap(annotation)
    if isinstance(kind, type):
        if issubclass(kind, bool):
            return pa.bool_()
        if issubclass(kind, int):
            return pa.int64()
        if issubclass(kind, float):
            return pa.float64()
        if issubclass(kind, Decimal):
            return MONEY_TYPE
        if issubclass(kind, datetime):
            return pa.timestamp("us", tz="UTC")
        if issubclass(kind, date):
            return pa.date32()
    return pa.string()  # text, enums, objects and lists (as JSON text)


def arrow_schema(model: type[BaseModel], columns: Sequence[str]) -> pa.Schema:
    fields = model.model_fields
    return pa.schema([pa.field(c, arrow_type(fields[c].annotation)) for c in columns])


def _arrow_value(value: Any, kind: pa.DataType) -> Any:
    if value is None:
        return None
    if pa.types.is_string(kind):
        if isinstance(value, dict | list):
            return json.dumps(value, sort_keys=True, default=str)
        return str(value)
    return value


class _Chunks:
    """A write-only file that keeps what was written until :meth:`take` hands it on."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._position = 0
        self.closed = False

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        self._position += len(data)
        return len(data)

    def tell(self) -> int:
        return self._position

    def flush(self) -> None:
        return None

    def close(self) -> None:
        self.closed = True

    def writable(self) -> bool:
        return True

    def take(self) -> bytes:
        out = b"".join(self._parts)
        self._parts.clear()
        return out


def parquet_chunks(
    schema: pa.Schema, rows: Iterable[BaseModel], *, row_group: int = ROW_GROUP
) -> Iterator[bytes]:
    """Response models as a Parquet file, in pieces: one per row group, then the footer."""
    values = (
        [_arrow_value(getattr(row, field.name), field.type) for field in schema] for row in rows
    )
    return _tuple_chunks(schema, values, row_group=row_group)


def parquet_response(
    *,
    filename: str,
    model: type[BaseModel],
    columns: Sequence[str],
    rows: Iterable[BaseModel],
) -> StreamingResponse:
    """``rows`` as a Parquet download named ``filename``, typed from ``model``."""
    return StreamingResponse(
        parquet_chunks(arrow_schema(model, columns), rows),
        media_type=PARQUET_MEDIA_TYPE,
        headers=_attachment(filename),
    )


def download_response(
    fmt: ListFormat,
    *,
    name: str,
    model: type[BaseModel],
    rows: Iterable[BaseModel],
    columns: Sequence[str] | None = None,
) -> StreamingResponse:
    """``rows`` as ``name.csv`` or ``name.parquet``; ``columns`` default to the model's."""
    columns = list(columns or model.model_fields)
    if fmt is ListFormat.parquet:
        return parquet_response(filename=f"{name}.parquet", model=model, columns=columns, rows=rows)
    return csv_response(filename=f"{name}.csv", columns=columns, rows=rows)


def _text(value: Any) -> Any:
    """A value as the JSON answer writes it (a CSV cell): decimals in full, days ISO, null
    empty, objects as JSON text."""
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _tuple_lines(names: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow([_text(v) for v in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def _tuple_chunks(
    schema: pa.Schema, rows: Iterable[Sequence[Any]], *, row_group: int = ROW_GROUP
) -> Iterator[bytes]:
    """Rows of values as a Parquet file, in pieces: one per row group, then the footer."""
    sink = _Chunks()

    def table(batch: list[Sequence[Any]]) -> pa.Table:
        columns = [
            pa.array([row[i] for row in batch], type=field.type) for i, field in enumerate(schema)
        ]
        return pa.Table.from_arrays(columns, schema=schema)

    with pq.ParquetWriter(pa.PythonFile(sink, mode="w"), schema) as writer:
        pending: list[Sequence[Any]] = []
        for row in rows:
            pending.append(row)
            if len(pending) >= row_group:
                writer.write_table(table(pending))
                pending.clear()
                yield sink.take()
        if pending or not sink.tell():
            writer.write_table(table(pending))
    yield sink.take()


def rows_response(
    fmt: ListFormat,
    *,
    name: str,
    columns: Sequence[tuple[str, pa.DataType]],
    rows: Iterable[Sequence[Any]],
) -> StreamingResponse:
    """Rows of plain values (one per column: text, ``Decimal``, ``date``, None) as
    ``name.csv`` or ``name.parquet``, for lists whose columns depend on the request."""
    names = [c for c, _ in columns]
    if fmt is ListFormat.parquet:
        schema = pa.schema([pa.field(c, kind) for c, kind in columns])
        return StreamingResponse(
            _tuple_chunks(schema, rows),
            media_type=PARQUET_MEDIA_TYPE,
            headers=_attachment(f"{name}.parquet"),
        )
    return StreamingResponse(
        _tuple_lines(names, rows),
        media_type=f"{CSV_MEDIA_TYPE}; charset=utf-8",
        headers=_attachment(f"{name}.csv"),
    )
