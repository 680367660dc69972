"""Writing one billing period's rows: typed parquet in row groups of ``ROW_GROUP_ROWS`` (timestamps
UTC, JSON columns as JSON text), or csv with decimals written out in full."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from finops.errors import ExportError
from finops.export.columns import ExportColumn

DATASET = "CostAndUsage"

ROW_GROUP_ROWS = 100_000  # rows per parquet row group (buffered as Arrow, compact)


def write_parquet(
    path: Path,
    columns: list[ExportColumn],
    batches: Iterator[list[tuple[Any, ...]]],
    *,
    version: str,
) -> Iterator[int]:
    schema = pa.schema(
        [pa.field(c.name, c.arrow_type) for c in columns],
        metadata={"focus_version": version, "focus_dataset": DATASET},
    )
    with pq.ParquetWriter(path, schema) as writer:
        pending: list[Any] = []
        pending_rows = 0
        for values in batches:
            arrays = [
                _arrow_array(column, vals) for column, vals in zip(columns, values, strict=True)
            ]
            batch = pa.RecordBatch.from_arrays(arrays, schema=schema)
            pending.append(batch)
            pending_rows += batch.num_rows
            if pending_rows >= ROW_GROUP_ROWS:
                writer.write_table(pa.Table.from_batches(pending), row_group_size=pending_rows)
                pending, pending_rows = [], 0
            yield batch.num_rows
        if pending_rows:
            writer.write_table(pa.Table.from_batches(pending), row_group_size=pending_rows)


def _arrow_array(column: ExportColumn, values: tuple[Any, ...]) -> Any:
    try:
        return pa.array(values, type=column.arrow_type)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise ExportError(f"finops.costs column {column.source} ({column.name}): {exc}") from exc


def write_csv(
    path: Path,
    columns: list[ExportColumn],
    batches: Iterator[list[tuple[Any, ...]]],
    *,
    version: str,
) -> Iterator[int]:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([c.name for c in columns])
        for values in batches:
            rows = list(zip(*values, strict=True))
            writer.writerows([_csv_value(v) for v in row] for row in rows)
            yield len(rows)


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        utc = value.astimezone(UTC)
        return utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ" if utc.microsecond else "%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    return value
