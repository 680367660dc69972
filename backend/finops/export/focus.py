"""Write the warehouse back out as a FOCUS dataset (``finops export focus``).

The columns come from the ``finops.costs`` view itself (reflected, never a fixed list), so
every column the loader carries is exported. Each snake_case column is named by the FOCUS
specification's own spelling (``sku_price_id`` → ``SkuPriceId``); platform columns keep their
``x_`` prefix (``x_line_item_type`` → ``x_LineItemType``), and a column the requested FOCUS
version does not define (a FOCUS 1.3 column in a 1.2 export) is exported as a custom ``x_``
column, so its data is kept without breaking the version's column set.

One file per billing period, ``focus-<version>-cost-and-usage-<YYYY-MM>.<parquet|csv>``, plus
``manifest.json`` (files, row counts, the column mapping). Rows are streamed from a server-side
cursor in batches of ``DEFAULT_BATCH_ROWS`` into Arrow, and written in row groups of
``ROW_GROUP_ROWS``, so memory stays bounded by those sizes, not by the period's size.
Parquet is typed: money and quantities are decimals at the warehouse's full precision (the
scale is the largest one stored in the exported rows when the column is unconstrained
``numeric``), timestamps are UTC, JSON columns (Tags, SkuPriceDetails) are JSON text.
"""

from __future__ import annotations

import csv
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection

from finops.config import Settings, get_settings
from finops.db.engine import get_engine
from finops.errors import ExportError

# Column names of the FOCUS cost-and-usage dataset, as the specification spells them
# (FOCUS_Spec specification/columns/*.md). They name the exported columns; which columns are
# exported is read from the warehouse.
FOCUS_1_2_COLUMNS: tuple[str, ...] = (
    "AvailabilityZone",
    "BilledCost",
    "BillingAccountId",
    "BillingAccountName",
    "BillingAccountType",
    "BillingCurrency",
    "BillingPeriodEnd",
    "BillingPeriodStart",
    "CapacityReservationId",
    "CapacityReservationStatus",
    "ChargeCategory",
    "ChargeClass",
    "ChargeDescription",
    "ChargeFrequency",
    "ChargePeriodEnd",
    "ChargePeriodStart",
    "CommitmentDiscountCategory",
    "CommitmentDiscountId",
    "CommitmentDiscountName",
    "CommitmentDiscountQuantity",
    "CommitmentDiscountStatus",
    "CommitmentDiscountType",
    "CommitmentDiscountUnit",
    "ConsumedQuantity",
    "ConsumedUnit",
    "ContractedCost",
    "ContractedUnitPrice",
    "EffectiveCost",
    "InvoiceId",
    "InvoiceIssuerName",
    "ListCost",
    "ListUnitPrice",
    "PricingCategory",
    "PricingCurrency",
    "PricingCurrencyContractedUnitPrice",
    "PricingCurrencyEffectiveCost",
    "PricingCurrencyListUnitPrice",
    "PricingQuantity",
    "PricingUnit",
    "ProviderName",
    "PublisherName",
    "RegionId",
    "RegionName",
    "ResourceId",
    "ResourceName",
    "ResourceType",
    "ServiceCategory",
    "ServiceName",
    "ServiceSubcategory",
    "SkuId",
    "SkuMeter",
    "SkuPriceDetails",
    "SkuPriceId",
    "SubAccountId",
    "SubAccountName",
    "SubAccountType",
    "Tags",
)
FOCUS_COLUMNS: dict[str, tuple[str, ...]] = {"1.2": FOCUS_1_2_COLUMNS}
SUPPORTED_VERSIONS: tuple[str, ...] = tuple(FOCUS_COLUMNS)
EXPORT_FORMATS: tuple[str, ...] = ("parquet", "csv")
DATASET = "CostAndUsage"
DEFAULT_BATCH_ROWS = 10_000  # rows fetched (as Python objects) at a time
ROW_GROUP_ROWS = 100_000  # rows per parquet row group (buffered as Arrow, compact)

_PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_CUSTOM_PREFIX = "x_"

Progress = Callable[[str, int], None]
"""Called with the billing period and the rows just written."""


@dataclass(frozen=True)
class ExportColumn:
    """One warehouse column and how it is written."""

    source: str  # column of finops.costs
    name: str  # FOCUS name in the export
    kind: str  # decimal | timestamp | date | string | json | integer | boolean | float
    arrow_type: Any

    def describe(self) -> dict[str, str]:
        return {"column": self.source, "focus": self.name, "type": str(self.arrow_type)}


@dataclass(frozen=True)
class ExportedFile:
    path: Path
    billing_period: str
    rows: int


@dataclass(frozen=True)
class ExportResult:
    version: str
    format: str
    out_dir: Path
    files: list[ExportedFile]
    columns: list[ExportColumn]

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.files)


def focus_column_name(column: str, *, version: str = "1.2") -> str:
    """The FOCUS name of a snake_case warehouse column (``x_`` columns stay custom columns)."""
    if column.startswith(_CUSTOM_PREFIX):
        return _CUSTOM_PREFIX + _pascal(column[len(_CUSTOM_PREFIX) :])
    spec = {name.lower(): name for name in _columns_of(version)}
    return spec.get(column.replace("_", "").lower(), _CUSTOM_PREFIX + _pascal(column))


def _pascal(snake: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in snake.split("_") if part)


def _columns_of(version: str) -> tuple[str, ...]:
    try:
        return FOCUS_COLUMNS[version]
    except KeyError:
        raise ExportError(
            f"--version {version!r}: FOCUS version not supported; "
            f"supported: {', '.join(SUPPORTED_VERSIONS)}"
        ) from None


def export_focus(
    *,
    out_dir: Path,
    version: str = "1.2",
    periods: Sequence[str] = (),
    start: str | None = None,
    end: str | None = None,
    file_format: str = "parquet",
    batch_rows: int = DEFAULT_BATCH_ROWS,
    settings: Settings | None = None,
    progress: Progress | None = None,
    on_plan: Callable[[int], None] | None = None,
) -> ExportResult:
    """Export the selected billing periods (all when none is given) of ``finops.costs``.

    ``periods`` are YYYY-MM billing periods; ``start``/``end`` select a range of them (both
    inclusive). ``on_plan`` is told the number of rows about to be written (for a progress bar).
    """
    _columns_of(version)
    if file_format not in EXPORT_FORMATS:
        raise ExportError(f"--format {file_format!r}: expected one of {', '.join(EXPORT_FORMATS)}")
    if batch_rows < 1:
        raise ExportError(f"batch_rows {batch_rows}: expected a positive row count")
    engine = get_engine(settings or get_settings())
    # one read-only snapshot: the counts, the decimal scales and every file see the same rows
    # even while a load replaces a billing period
    with engine.connect().execution_options(
        isolation_level="REPEATABLE READ", postgresql_readonly=True
    ) as conn:
        view = sa.Table("costs", sa.MetaData(), schema="finops", autoload_with=conn)
        available = _period_counts(conn, view)
        selected = select_periods(available, periods=periods, start=start, end=end)
        _ensure_writable(out_dir)
        columns = _plan_columns(conn, view, version=version, periods=selected)
        if on_plan is not None:
            on_plan(sum(available[p] for p in selected))
        files = [
            _export_period(
                conn,
                view,
                columns,
                period=period,
                out_dir=out_dir,
                version=version,
                file_format=file_format,
                batch_rows=batch_rows,
                progress=progress,
            )
            for period in selected
        ]
    result = ExportResult(
        version=version, format=file_format, out_dir=out_dir, files=files, columns=columns
    )
    _write_manifest(result)
    return result


# --- which periods -------------------------------------------------------------------------


def _period_counts(conn: Connection, view: sa.Table) -> dict[str, int]:
    month = sa.func.to_char(
        sa.func.date_trunc("month", view.c.billing_period_start), "YYYY-MM"
    ).label("period")
    rows = conn.execute(sa.select(month, sa.func.count()).group_by(month).order_by(month)).all()
    return {str(period): int(count) for period, count in rows}


def _check_period(value: str, option: str) -> str:
    if not _PERIOD.match(value):
        raise ExportError(f"{option} {value!r}: expected a billing period as YYYY-MM")
    return value


def select_periods(
    available: dict[str, int],
    *,
    periods: Sequence[str] = (),
    start: str | None = None,
    end: str | None = None,
) -> list[str]:
    """The billing periods to export, checked against those the warehouse holds."""
    if periods and (start or end):
        raise ExportError("give --period or --start/--end, not both")
    wanted = [_check_period(p, "--period") for p in periods]
    first = _check_period(start, "--start") if start else None
    last = _check_period(end, "--end") if end else None
    if first and last and first > last:
        raise ExportError(f"--start {first} is after --end {last}")
    held = _held(available)
    if not available:
        raise ExportError(
            "the warehouse holds no cost rows to export; load a billing export first "
            "(finops ingest billing)"
        )
    if wanted:
        for period in wanted:
            if period not in available:
                raise ExportError(
                    f"--period {period}: the warehouse holds no cost rows for billing period "
                    f"{period} ({held})"
                )
        return sorted(set(wanted))
    chosen = [p for p in available if (first is None or p >= first) and (last is None or p <= last)]
    if not chosen:
        raise ExportError(
            f"--start {first or '…'} --end {last or '…'}: no billing period in that range "
            f"holds cost rows ({held})"
        )
    return chosen


def _held(available: dict[str, int]) -> str:
    if not available:
        return "it holds none"
    keys = sorted(available)
    return f"it holds {keys[0]}" if len(keys) == 1 else f"it holds {keys[0]} … {keys[-1]}"


def _ensure_writable(out_dir: Path) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out_dir, prefix=".write-check-"):
            pass
    except OSError as exc:
        raise ExportError(f"--out {out_dir}: cannot write there ({exc.strerror or exc})") from exc


# --- how each column is written ---------------------------------------------------------------


def _plan_columns(
    conn: Connection, view: sa.Table, *, version: str, periods: Sequence[str]
) -> list[ExportColumn]:
    scales = _numeric_extents(conn, view, periods=periods)
    planned = [
        _plan_column(column, version=version, extent=scales.get(column.name))
        for column in view.columns
    ]
    names = [c.name for c in planned]
    clashes = sorted({n for n in names if names.count(n) > 1})
    if clashes:
        raise ExportError(f"finops.costs: columns map to the same FOCUS name {', '.join(clashes)}")
    return planned


def _plan_column(
    column: sa.Column[Any], *, version: str, extent: tuple[int, int] | None
) -> ExportColumn:
    name = focus_column_name(column.name, version=version)
    kind, arrow_type = _arrow_type(column, extent)
    return ExportColumn(source=column.name, name=name, kind=kind, arrow_type=arrow_type)


def _arrow_type(column: sa.Column[Any], extent: tuple[int, int] | None) -> tuple[str, Any]:
    col_type = column.type
    if isinstance(col_type, sa.Numeric) and not isinstance(col_type, sa.Float):
        return "decimal", _decimal_type(col_type, extent, column_name=column.name)
    if isinstance(col_type, sa.Float):
        return "float", pa.float64()
    if isinstance(col_type, sa.DateTime):
        return "timestamp", pa.timestamp("us", tz="UTC")
    if isinstance(col_type, sa.Date):
        return "date", pa.date32()
    if isinstance(col_type, sa.Boolean):
        return "boolean", pa.bool_()
    if isinstance(col_type, sa.Integer):
        return "integer", pa.int64()
    if isinstance(col_type, sa.JSON | postgresql.JSONB):
        return "json", pa.string()
    if isinstance(col_type, sa.String):
        return "string", pa.string()
    raise ExportError(
        f"finops.costs column {column.name}: type {col_type} has no FOCUS export mapping"
    )


def _decimal_type(
    col_type: sa.Numeric[Any], extent: tuple[int, int] | None, *, column_name: str
) -> Any:
    if col_type.precision is not None:
        scale = col_type.scale or 0
        digits = col_type.precision - scale
    else:
        digits, scale = extent or (1, 0)
    if digits + scale <= 38:
        return pa.decimal128(38, scale)
    if digits + scale <= 76:
        return pa.decimal256(76, scale)
    raise ExportError(
        f"{column_name}: a value with {digits} integer digits and {scale} decimal places does "
        "not fit parquet's largest decimal (76 digits); export it with --format csv"
    )


def _numeric_extents(
    conn: Connection, view: sa.Table, *, periods: Sequence[str]
) -> dict[str, tuple[int, int]]:
    """(integer digits, scale) needed by each unconstrained ``numeric`` column's values."""
    open_columns = [
        c
        for c in view.columns
        if isinstance(c.type, sa.Numeric)
        and not isinstance(c.type, sa.Float)
        and c.type.precision is None
    ]
    if not open_columns or not periods:
        return {}
    measures: list[sa.ColumnElement[Any]] = []
    for c in open_columns:
        measures.append(sa.func.max(sa.func.scale(c)))
        measures.append(
            sa.func.max(sa.func.length(sa.cast(sa.func.trunc(sa.func.abs(c)), sa.Text)))
        )
    row = conn.execute(sa.select(*measures).where(_in_periods(view, periods))).one()
    extents: dict[str, tuple[int, int]] = {}
    for i, c in enumerate(open_columns):
        scale, digits = row[2 * i], row[2 * i + 1]
        extents[c.name] = (int(digits or 1), int(scale or 0))
    return extents


def _month_bounds(period: str) -> tuple[datetime, datetime]:
    year, month = int(period[:4]), int(period[5:])
    first = datetime(year, month, 1, tzinfo=UTC)
    following = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
    return first, following


def _in_period(view: sa.Table, period: str) -> sa.ColumnElement[bool]:
    first, following = _month_bounds(period)
    return sa.and_(view.c.billing_period_start >= first, view.c.billing_period_start < following)


def _in_periods(view: sa.Table, periods: Sequence[str]) -> sa.ColumnElement[bool]:
    return sa.or_(*(_in_period(view, p) for p in periods))


# --- writing ---------------------------------------------------------------------------------


def _export_period(
    conn: Connection,
    view: sa.Table,
    columns: list[ExportColumn],
    *,
    period: str,
    out_dir: Path,
    version: str,
    file_format: str,
    batch_rows: int,
    progress: Progress | None,
) -> ExportedFile:
    path = out_dir / f"focus-{version}-cost-and-usage-{period}.{file_format}"
    partial = path.with_name(path.name + ".partial")
    selected = [
        sa.cast(view.c[c.source], sa.Text) if c.kind == "json" else view.c[c.source]
        for c in columns
    ]
    statement = (
        sa.select(*selected).where(_in_period(view, period)).order_by(view.c.charge_period_start)
    )
    rows = 0
    try:
        result = conn.execution_options(stream_results=True, yield_per=batch_rows).execute(
            statement
        )
        batches = (list(zip(*partition, strict=True)) for partition in result.partitions())
        writer = _parquet_writer if file_format == "parquet" else _csv_writer
        for written in writer(partial, columns, batches, version=version):
            rows += written
            if progress is not None:
                progress(period, written)
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ExportError(f"{path}: cannot write the export ({exc.strerror or exc})") from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return ExportedFile(path=path, billing_period=period, rows=rows)


def _parquet_writer(
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


def _csv_writer(
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


def _write_manifest(result: ExportResult) -> None:
    manifest = {
        "focus_version": result.version,
        "dataset": DATASET,
        "format": result.format,
        "files": [
            {"path": f.path.name, "billing_period": f.billing_period, "rows": f.rows}
            for f in result.files
        ],
        "columns": [c.describe() for c in result.columns],
    }
    path = result.out_dir / "manifest.json"
    try:
        path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise ExportError(f"{path}: cannot write the manifest ({exc.strerror or exc})") from exc
