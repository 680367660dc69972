"""Legacy CUR output: gzip'd CSV with ``category/Name`` columns (``lineItem/UnblendedCost``,
``product/instanceType``, ``resourceTags/user:team`` …) and the per-period report manifest, in
the "overwrite" layout ``<report>/<YYYYMMDD-YYYYMMDD>/<report>-NNNNN.csv.gz``."""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from finops.generator.arrowutil import from_codes
from finops.generator.billing.batch import LineBatch
from finops.generator.cur2 import Cur2Converter
from finops.generator.cur2_columns import CUR2_COLUMNS
from finops.generator.period_context import PeriodContext
from finops.generator.streams.model import Streams
from finops.generator.textforms import iso_seconds, uuid_form

PREFIXES = (
    ("savings_plan_", "savingsPlan/", True),
    ("reservation_", "reservation/", True),
    ("line_item_", "lineItem/", True),
    ("identity_", "identity/", True),
    ("pricing_", "pricing/", False),
    ("product_", "product/", False),
    ("bill_", "bill/", True),
)
CUR2_ONLY = {
    "billing_period",
    "bill_payer_account_name",
    "line_item_usage_account_name",
    "discount",
    "discount_bundled_discount",
    "discount_total_discount",
    "cost_category",
    "product",
    "resource_tags",
    "product_pricing_unit",
}
CUR2_ONLY_PREFIXES = ("split_line_item_", "capacity_reservation_")
BATCH_ROWS = 131_072
SPECIAL = {"product_name": "ProductName", "a_r_n": "ARN"}


def _legacy(cur2_name: str) -> bool:
    return cur2_name not in CUR2_ONLY and not cur2_name.startswith(CUR2_ONLY_PREFIXES)


def legacy_name(cur2_name: str) -> str:
    """``line_item_unblended_cost`` → ``lineItem/UnblendedCost``; ``product_instance_type`` →
    ``product/instanceType``; ``reservation_reservation_a_r_n`` → ``reservation/ReservationARN``."""
    for prefix, category, upper in PREFIXES:
        if cur2_name.startswith(prefix):
            return category + _camel(cur2_name[len(prefix) :], upper=upper)
    raise KeyError(cur2_name)


def _camel(rest: str, *, upper: bool) -> str:
    if rest in SPECIAL:
        return SPECIAL[rest]
    rest = rest.replace("a_r_n", "ARN")
    parts = [p for p in rest.split("_") if p]
    words = [p if p == "ARN" else p.capitalize() for p in parts]
    text = "".join(words)
    return text if upper else text[:1].lower() + text[1:]


@dataclass(slots=True)
class _Open:
    ctx: PeriodContext
    revision: int
    files: list[Path]
    rows_in_file: int
    gz: Any
    writer: pacsv.CSVWriter | None
    pending: list[LineBatch]
    pending_rows: int


class LegacyCurWriter:
    def __init__(
        self,
        *,
        root: Path,
        report: str,
        converter: Cur2Converter,
        streams: Streams,
        seed: int,
        hourly: bool,
        rows_per_file: int = 4_000_000,
        s3_bucket: str = "finops-demo-billing",
        s3_prefix: str = "cur",
    ) -> None:
        self.root = root
        self.report = report
        self.converter = converter
        self.seed = seed
        self.hourly = hourly
        self.rows_per_file = rows_per_file
        self.bucket = s3_bucket
        self.prefix = s3_prefix
        self.files: list[Path] = []
        self._open: _Open | None = None
        self.product_keys = sorted({k for s in streams.specs for k in s.product})
        self.tag_keys = sorted({k for s in streams.specs for k in s.tags})
        names = [legacy_name(n) for n, _ in CUR2_COLUMNS if _legacy(n)]
        taken = set(names)
        self.product_columns = [
            (k, f"product/{_camel(k, upper=False)}")
            for k in self.product_keys
            if f"product/{_camel(k, upper=False)}" not in taken
        ]
        names += [c for _, c in self.product_columns]
        names += [f"resourceTags/user:{k}" for k in self.tag_keys]
        names.append("costCategory/business_unit")
        self.columns = names
        self.schema = pa.schema([pa.field(n, self._type(n)) for n in names])

    def _type(self, name: str) -> pa.DataType:
        cur2 = {legacy_name(n): t for n, t in CUR2_COLUMNS if _legacy(n)}
        dtype = cur2.get(name, pa.string())
        return pa.string() if pa.types.is_timestamp(dtype) else dtype

    def folder(self, ctx: PeriodContext) -> Path:
        span = f"{ctx.period.start:%Y%m%d}-{ctx.period.end:%Y%m%d}"
        return self.root / self.report / span

    def begin(self, ctx: PeriodContext, *, revision: int = 1) -> None:
        self._open = _Open(ctx, revision, [], 0, None, None, [], 0)

    def write(self, batch: LineBatch) -> None:
        op = self._open
        assert op is not None
        if len(batch) == 0:
            return
        op.pending.append(batch)
        op.pending_rows += len(batch)
        if op.pending_rows >= BATCH_ROWS:
            self._flush(op)

    def _flush(self, op: _Open) -> None:
        if not op.pending:
            return
        batch = LineBatch.concat(op.pending)
        op.pending, op.pending_rows = [], 0
        table = self._table(batch, op.ctx)
        offset = 0
        while offset < table.num_rows:
            if op.writer is None:
                self._open_file(op)
            room = self.rows_per_file - op.rows_in_file
            part = table.slice(offset, room)
            assert op.writer is not None
            op.writer.write_table(part)
            op.rows_in_file += part.num_rows
            offset += part.num_rows
            if op.rows_in_file >= self.rows_per_file:
                self._close_file(op)

    def end(self) -> list[Path]:
        op = self._open
        assert op is not None
        self._flush(op)
        if op.writer is None and not op.files:
            self._open_file(op)
        self._close_file(op)
        self._manifest(op)
        self.files.extend(op.files)
        self._open = None
        return op.files

    def _open_file(self, op: _Open) -> None:
        path = self.folder(op.ctx) / f"{self.report}-{len(op.files) + 1:05d}.csv.gz"
        path.parent.mkdir(parents=True, exist_ok=True)
        op.files.append(path)
        raw = path.open("wb")  # closed in _close_file, with the gzip stream
        op.gz = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6)
        op.writer = pacsv.CSVWriter(
            op.gz, self.schema, write_options=pacsv.WriteOptions(quoting_style="needed")
        )
        op.rows_in_file = 0

    def _close_file(self, op: _Open) -> None:
        if op.writer is not None:
            op.writer.close()
            fileobj = op.gz.fileobj
            op.gz.close()
            fileobj.close()
        op.writer = None
        op.gz = None

    def _table(self, batch: LineBatch, ctx: PeriodContext) -> pa.Table:
        cur2 = self.converter.table(batch, ctx)
        arrays: list[pa.Array] = []
        for name, dtype in CUR2_COLUMNS:
            if not _legacy(name):
                continue
            column = cur2.column(name).combine_chunks()
            if pa.types.is_timestamp(dtype):
                column = _iso_strings(column)
            arrays.append(column)
        product = cur2.column("product").combine_chunks()
        for key, _ in self.product_columns:
            arrays.append(pc.fill_null(pc.map_lookup(product, key, "first"), ""))
        tags = cur2.column("resource_tags").combine_chunks()
        for key in self.tag_keys:
            cur2_key = "user_" + "".join(c if c.isalnum() else "_" for c in key)
            arrays.append(pc.fill_null(pc.map_lookup(tags, cur2_key, "first"), ""))
        categories = cur2.column("cost_category").combine_chunks()
        arrays.append(pc.fill_null(pc.map_lookup(categories, "business_unit", "first"), ""))
        return pa.Table.from_arrays(arrays, schema=self.schema)

    def _manifest(self, op: _Open) -> None:
        folder = self.folder(op.ctx)
        folder.mkdir(parents=True, exist_ok=True)
        assembly = hashlib.sha256(
            f"assembly|{self.seed}|{self.report}|{op.ctx.period.label}|{op.revision}".encode()
        ).hexdigest()
        key_prefix = f"{self.prefix}/{self.report}/{folder.name}"
        manifest = {
            "assemblyId": uuid_form(assembly),
            "account": op.ctx.payer_id,
            "columns": [
                {
                    "category": n.split("/", 1)[0],
                    "name": n.split("/", 1)[1],
                    "type": _csv_type(self.schema.field(n).type),
                }
                for n in self.columns
            ],
            "charset": "UTF-8",
            "compression": "GZIP",
            "contentType": "text/csv",
            "reportId": hashlib.sha256(f"report|{self.seed}|{self.report}".encode()).hexdigest(),
            "reportName": self.report,
            "billingPeriod": {
                "start": f"{op.ctx.period.start:%Y%m%d}T000000.000Z",
                "end": f"{op.ctx.period.end:%Y%m%d}T000000.000Z",
            },
            "bucket": self.bucket,
            "reportKeys": [f"{key_prefix}/{p.name}" for p in op.files],
            "additionalArtifactKeys": [],
            "timeUnit": "HOURLY" if self.hourly else "DAILY",
            "revision": op.revision,
        }
        path = folder / f"{self.report}-Manifest.json"
        path.write_text(json.dumps(manifest, indent=2) + "\n")
        self.files.append(path)


def _csv_type(dtype: pa.DataType) -> str:
    if pa.types.is_floating(dtype):
        return "BigDecimal"
    if pa.types.is_timestamp(dtype):
        return "DateTime"
    return "String"


def _iso_strings(column: pa.Array) -> pa.Array:
    values = pc.fill_null(column.cast(pa.int64()), 0).to_numpy(zero_copy_only=False)
    valid = ~np.asarray(column.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    seconds = np.where(valid, values // 1000, 0)
    unique, inverse = np.unique(seconds, return_inverse=True)
    texts = [iso_seconds(int(v)) for v in unique]
    strings = from_codes(inverse.reshape(-1).astype(np.int64), texts)
    return pc.if_else(pa.array(valid), strings, "")
