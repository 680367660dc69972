"""AWS Data Exports layout, shared by CUR 2.0 and FOCUS: Parquet files in
``<root>/<export>/data/BILLING_PERIOD=YYYY-MM`` and a manifest in ``metadata/BILLING_PERIOD=…``."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from finops.generator.arrowutil import parquet_writer
from finops.generator.billing.batch import LineBatch
from finops.generator.period_context import PeriodContext
from finops.generator.textforms import text_uuid
from finops.generator.timeline import to_datetime

ToTable = Callable[[LineBatch, PeriodContext], pa.Table]
CUR2_QUERY_TABLE = "COST_AND_USAGE_REPORT"


@dataclass(slots=True)
class OpenPeriod:
    """The period a writer is filling: its files so far and the rows not yet written."""

    ctx: PeriodContext
    files: list[Path]
    rows_in_file: int
    writer: Any
    pending: list[LineBatch]
    pending_rows: int
    revision: int


class DataExportWriter:
    """Streams one billing period at a time into ``<root>/<export>/data/BILLING_PERIOD=…`` with
    the Data Exports manifest in ``metadata/BILLING_PERIOD=…`` (used for CUR 2.0 and FOCUS)."""

    def __init__(
        self,
        *,
        root: Path,
        export: str,
        schema: pa.Schema,
        to_table: ToTable,
        seed: int,
        query_table: str = CUR2_QUERY_TABLE,
        hourly: bool = True,
        row_group_rows: int = 131_072,
        rows_per_file: int = 4_000_000,
        s3_bucket: str = "finops-demo-billing",
        s3_prefix: str = "cur2",
    ) -> None:
        self.root = root
        self.export = export
        self.schema = schema
        self.to_table = to_table
        self.seed = seed
        self.query_table = query_table
        self.hourly = hourly
        self.row_group_rows = row_group_rows
        self.rows_per_file = rows_per_file
        self.bucket = s3_bucket
        self.prefix = s3_prefix
        self.files: list[Path] = []
        self._open: OpenPeriod | None = None

    def data_dir(self, label: str) -> Path:
        return self.root / self.export / "data" / f"BILLING_PERIOD={label}"

    def begin(self, ctx: PeriodContext, *, revision: int = 1) -> None:
        self._open = OpenPeriod(ctx, [], 0, None, [], 0, revision)

    def write(self, batch: LineBatch) -> None:
        op = self._open
        assert op is not None, "begin() first"
        if len(batch) == 0:
            return
        op.pending.append(batch)
        op.pending_rows += len(batch)
        if op.pending_rows >= self.row_group_rows:
            self._flush(op)

    def end(self) -> list[Path]:
        op = self._open
        assert op is not None
        self._flush(op, final=True)
        if op.writer is not None:
            op.writer.close()
        if not op.files:  # an empty period still gets a (row-less) file, as AWS writes one
            parquet_writer(self._next_path(op), self.schema).close()
        self._manifest(op)
        self.files.extend(op.files)
        self._open = None
        return op.files

    def _next_path(self, op: OpenPeriod) -> Path:
        name = f"{self.export}-{len(op.files) + 1:05d}.snappy.parquet"
        path = self.data_dir(op.ctx.period.label) / name
        op.files.append(path)
        return path

    def _flush(self, op: OpenPeriod, *, final: bool = False) -> None:
        while op.pending_rows >= self.row_group_rows or (final and op.pending_rows > 0):
            merged = LineBatch.concat(op.pending)
            take = min(len(merged), self.row_group_rows, self.rows_per_file - op.rows_in_file)
            head = merged.take(np.arange(take, dtype=np.int64))
            rest = merged.take(np.arange(take, len(merged), dtype=np.int64))
            op.pending = [rest] if len(rest) else []
            op.pending_rows = len(rest)
            if op.writer is None:
                op.writer = parquet_writer(self._next_path(op), self.schema)
            op.writer.write_table(self.to_table(head, op.ctx), row_group_size=self.row_group_rows)
            op.rows_in_file += take
            if op.rows_in_file >= self.rows_per_file:
                op.writer.close()
                op.writer = None
                op.rows_in_file = 0

    def _manifest(self, op: OpenPeriod) -> None:
        label = op.ctx.period.label
        manifest_dir = self.root / self.export / "metadata" / f"BILLING_PERIOD={label}"
        manifest_dir.mkdir(parents=True, exist_ok=True)
        payer = op.ctx.payer_id
        export_id = text_uuid(f"export|{self.seed}|{self.export}")
        execution = text_uuid(f"execution|{self.seed}|{self.export}|{label}|{op.revision}")
        manifest = {
            "version": "1.0",
            "exportArn": (
                f"arn:aws:bcm-data-exports:us-east-1:{payer}:export/{self.export}-{export_id}"
            ),
            "exportName": self.export,
            "executionId": execution,
            "revision": op.revision,
            "billingPeriod": {
                "start": to_datetime(op.ctx.period.start).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                "end": to_datetime(op.ctx.period.end).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            },
            "bucket": self.bucket,
            "dataFiles": [
                f"s3://{self.bucket}/{self.prefix}/{self.export}/data/BILLING_PERIOD={label}/{p.name}"
                for p in op.files
            ],
            "columns": [{"name": f.name, "type": athena_type(f.type)} for f in self.schema],
            "dataQuery": {
                "queryStatement": f"SELECT * FROM {self.query_table}",
                "tableConfigurations": {
                    self.query_table: {
                        "TIME_GRANULARITY": "HOURLY" if self.hourly else "DAILY",
                        "INCLUDE_RESOURCES": "TRUE",
                        "INCLUDE_SPLIT_COST_ALLOCATION_DATA": "FALSE",
                        "INCLUDE_MANUAL_DISCOUNT_COMPATIBILITY": "FALSE",
                    }
                },
            },
            "compression": "PARQUET",
            "fileFormat": "PARQUET",
        }
        path = manifest_dir / f"{self.export}-Manifest.json"
        path.write_text(json.dumps(manifest, indent=2) + "\n")
        self.files.append(path)


def athena_type(dtype: pa.DataType) -> str:
    if pa.types.is_map(dtype):
        return f"map<string,{'double' if pa.types.is_floating(dtype.item_type) else 'string'}>"
    if pa.types.is_timestamp(dtype):
        return "timestamp"
    if pa.types.is_floating(dtype):
        return "double"
    if pa.types.is_decimal(dtype):
        return f"decimal({dtype.precision},{dtype.scale})"
    return "string"
