"""Stage billing files in DuckDB and map them to FOCUS 1.2 rows at the warehouse grain.

Layers, as in dbt: ``stg_cur`` / ``stg_focus`` only rename and cast (``staging.py``);
``billing_lines`` has one row per line item with its cost measures computed by the FOCUS rules
(``cur_lines.sql`` / ``focus_to_focus.sql``); ``billing_groups`` sums them per charge day (or
hour) and distinct source attributes; ``cur_to_focus.sql`` maps the grouped CUR attributes to
FOCUS columns (row-wise, so mapping after grouping gives the same result on far fewer rows);
a second grouping merges mapped groups that became identical (the warehouse grain) and is
streamed to PostgreSQL's COPY as it is produced. Reconciliation totals are the exact decimal
sums of the per-line measures and must survive the mapping and the load unchanged.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

import duckdb

from finops.errors import IngestError
from finops.ingest.billing import quality
from finops.ingest.billing.providers.registry import NATIVE
from finops.ingest.billing.quality import QualityFinding
from finops.ingest.billing.sources import JSON_SUFFIXES, BillingFile, PeriodFiles
from finops.ingest.billing.staging import ident, literal, missing_required, staging_columns

_SQL_DIR = Path(__file__).parent
_LINES_SQL = {
    "cur2": (_SQL_DIR / "cur_lines.sql").read_text(),
    "cur": (_SQL_DIR / "cur_lines.sql").read_text(),
    "focus": (_SQL_DIR / "focus_to_focus.sql").read_text(),
    **{name: native.lines_sql for name, native in NATIVE.items()},
}
CUR_TO_FOCUS_SQL = (_SQL_DIR / "cur_to_focus.sql").read_text()
MACROS_SQL = (_SQL_DIR / "macros.sql").read_text()

MEASURES = (
    "billed_cost",
    "commitment_discount_quantity",
    "consumed_quantity",
    "contracted_cost",
    "effective_cost",
    "list_cost",
    "pricing_currency_effective_cost",
    "pricing_quantity",
)
# every FOCUS column the warehouse keeps besides the measures and the charge period; unit
# prices are attributes of a row, not additive, so they are grouped on like any dimension
DIMENSIONS = (
    "allocated_method_details",
    "allocated_method_id",
    "allocated_resource_id",
    "allocated_resource_name",
    "allocated_tags",
    "availability_zone",
    "billing_account_id",
    "billing_account_name",
    "billing_account_type",
    "billing_currency",
    "billing_period_end",
    "billing_period_start",
    "capacity_reservation_id",
    "capacity_reservation_status",
    "charge_category",
    "charge_class",
    "charge_description",
    "charge_frequency",
    "commitment_discount_category",
    "commitment_discount_id",
    "commitment_discount_name",
    "commitment_discount_status",
    "commitment_discount_type",
    "commitment_discount_unit",
    "consumed_unit",
    "contract_applied",
    "contracted_unit_price",
    "host_provider_name",
    "invoice_id",
    "invoice_issuer_name",
    "list_unit_price",
    "pricing_category",
    "pricing_currency",
    "pricing_currency_contracted_unit_price",
    "pricing_currency_list_unit_price",
    "pricing_unit",
    "provider_name",
    "publisher_name",
    "region_id",
    "region_name",
    "resource_id",
    "resource_name",
    "resource_type",
    "service_category",
    "service_name",
    "service_provider_name",
    "service_subcategory",
    "sku_id",
    "sku_meter",
    "sku_price_details",
    "sku_price_id",
    "sub_account_id",
    "sub_account_name",
    "sub_account_type",
    "tags",
    "x_extensions",
    "x_line_item_type",
    "x_usage_type",
    "x_operation",
)
# decimal columns: written without trailing zeros, so PostgreSQL keeps the source's scale
DECIMAL_COLUMNS = frozenset(
    (
        *MEASURES,
        "contracted_unit_price",
        "list_unit_price",
        "pricing_currency_contracted_unit_price",
        "pricing_currency_list_unit_price",
    )
)
# the columns of the CSV handed to PostgreSQL COPY, in order
LOAD_COLUMNS = (
    *DIMENSIONS,
    *MEASURES,
    "charge_period_start",
    "charge_period_end",
    "x_raw_line_items",
)
# the COPY file adds the slice's identity to every row
COPY_COLUMNS = (*LOAD_COLUMNS, "x_source_id", "x_source_format")
GRAINS = {"daily": "day", "hourly": "hour"}

# ISO 4217 codes in use; a billing currency outside this list is refused
ISO_CURRENCIES = frozenset(
    [
        "AED",
        "AFN",
        "ALL",
        "AMD",
        "ANG",
        "AOA",
        "ARS",
        "AUD",
        "AWG",
        "AZN",
        "BAM",
        "BBD",
        "BDT",
        "BGN",
        "BHD",
        "BIF",
        "BMD",
        "BND",
        "BOB",
        "BRL",
        "BSD",
        "BTN",
        "BWP",
        "BYN",
        "BZD",
        "CAD",
        "CDF",
        "CHF",
        "CLP",
        "CNY",
        "COP",
        "CRC",
        "CUP",
        "CVE",
        "CZK",
        "DJF",
        "DKK",
        "DOP",
        "DZD",
        "EGP",
        "ERN",
        "ETB",
        "EUR",
        "FJD",
        "FKP",
        "GBP",
        "GEL",
        "GHS",
        "GIP",
        "GMD",
        "GNF",
        "GTQ",
        "GYD",
        "HKD",
        "HNL",
        "HTG",
        "HUF",
        "IDR",
        "ILS",
        "INR",
        "IQD",
        "IRR",
        "ISK",
        "JMD",
        "JOD",
        "JPY",
        "KES",
        "KGS",
        "KHR",
        "KMF",
        "KPW",
        "KRW",
        "KWD",
        "KYD",
        "KZT",
        "LAK",
        "LBP",
        "LKR",
        "LRD",
        "LSL",
        "LYD",
        "MAD",
        "MDL",
        "MGA",
        "MKD",
        "MMK",
        "MNT",
        "MOP",
        "MRU",
        "MUR",
        "MVR",
        "MWK",
        "MXN",
        "MYR",
        "MZN",
        "NAD",
        "NGN",
        "NIO",
        "NOK",
        "NPR",
        "NZD",
        "OMR",
        "PAB",
        "PEN",
        "PGK",
        "PHP",
        "PKR",
        "PLN",
        "PYG",
        "QAR",
        "RON",
        "RSD",
        "RUB",
        "RWF",
        "SAR",
        "SBD",
        "SCR",
        "SDG",
        "SEK",
        "SGD",
        "SHP",
        "SLE",
        "SOS",
        "SRD",
        "SSP",
        "STN",
        "SYP",
        "SZL",
        "THB",
        "TJS",
        "TMT",
        "TND",
        "TOP",
        "TRY",
        "TTD",
        "TWD",
        "TZS",
        "UAH",
        "UGX",
        "USD",
        "UYU",
        "UZS",
        "VES",
        "VND",
        "VUV",
        "WST",
        "XAF",
        "XCD",
        "XOF",
        "XPF",
        "YER",
        "ZAR",
        "ZMW",
        "ZWL",
    ]
)


@dataclass(frozen=True)
class SliceTotals:
    """Totals of one (billing period, currency) computed from the mapped line items."""

    billing_period_start: str  # ISO date
    billing_currency: str
    raw_line_items: int
    billed_cost: Decimal
    effective_cost: Decimal | None  # None: every line item leaves it empty (reported)
    list_cost: Decimal | None


@dataclass(frozen=True)
class TransformResult:
    csv_path: Path
    rows: int
    totals: list[SliceTotals]
    months: list[date]  # first days of the charge months the rows fall in


class PreparedUnit:
    """A unit's line items grouped in DuckDB and checked, ready to be written at the grain.

    The rows are produced only when they are read: ``stream_rows`` hands PostgreSQL's COPY a
    pipe that DuckDB writes into from another thread, so the last grouping pass and the CSV
    encoding overlap with the load instead of going through a file first.
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        unit: PeriodFiles,
        *,
        work_dir: Path,
        rows_sql: str,
        totals: list[SliceTotals],
        months: list[date],
        parties: list[tuple[str, str]],
        quality: list[QualityFinding],
    ) -> None:
        self._con = con
        self._unit = unit
        self._work_dir = work_dir
        self._rows_sql = rows_sql
        self.totals = totals
        self.months = months
        self.parties = parties  # (provider name, billing account id) pairs in the data
        self.quality = quality
        self.source_id = unit.default_name  # the source the rows load into (identity.py)
        self.rows: int | None = None  # known once the rows have been written

    @property
    def raw_line_items(self) -> int:
        return sum(t.raw_line_items for t in self.totals)

    @property
    def periods(self) -> list[str]:
        return sorted({t.billing_period_start for t in self.totals})

    def write_csv(self, path: Path) -> int:
        """Write the rows (``COPY_COLUMNS``, ``\\N`` for NULL) to ``path``; returns the count."""
        identity = f"{literal(self.source_id)}, {literal(self._unit.source_format)}"
        columns = ", ".join(_csv_value(c) for c in LOAD_COLUMNS)
        try:
            row = self._con.execute(
                f"COPY (SELECT {columns}, {identity} FROM ({self._rows_sql})) "
                f"TO {literal(str(path))} (FORMAT csv, HEADER false, NULL '\\N')"
            ).fetchone()
        except duckdb.Error as exc:
            raise IngestError(f"{_names(self._unit)}: {exc}") from exc
        self.rows = int(row[0]) if row else 0
        return self.rows

    @contextmanager
    def stream_rows(self) -> Iterator[BinaryIO]:
        """A binary stream of the CSV rows (``COPY_COLUMNS``), written by DuckDB as it is read.

        Read it to the end. A failure on either side stops both: when the reader gives up,
        the rest is drained so the writer finishes; a writer error is raised on exit.
        """
        fifo = self._work_dir / f"rows-{threading.get_ident()}-{time.monotonic_ns()}.pipe"
        os.mkfifo(fifo)
        read_fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        # our own write end keeps the pipe open until the writer thread is done, so the
        # reader sees end-of-file only after DuckDB finished (or failed before opening it)
        keep_open = os.open(fifo, os.O_WRONLY)
        os.set_blocking(read_fd, True)
        outcome: dict[str, BaseException] = {}

        def write() -> None:
            try:
                self.write_csv(fifo)
            except BaseException as exc:  # handed to the reading thread
                outcome["error"] = exc
            finally:
                os.close(keep_open)

        writer = threading.Thread(target=write, name="billing-rows", daemon=True)
        writer.start()
        reader = os.fdopen(read_fd, "rb")
        try:
            yield reader
        finally:
            while reader.read(_DRAIN_CHUNK):
                pass
            reader.close()
            writer.join()
            fifo.unlink(missing_ok=True)
        if "error" in outcome:
            raise outcome["error"]


_DRAIN_CHUNK = 1 << 20


def _csv_value(column: str) -> str:
    """A decimal as its digits without trailing zeros (``1.50000`` -> ``1.5``, ``2.000`` ->
    ``2``): the warehouse's unconstrained numeric then holds the source's own scale."""
    if column not in DECIMAL_COLUMNS:
        return column
    text = f"CAST({column} AS VARCHAR)"
    return f"CASE WHEN {text} LIKE '%.%' THEN rtrim(rtrim({text}, '0'), '.') ELSE {text} END"


@contextmanager
def prepare_unit(
    unit: PeriodFiles, *, work_dir: Path, grain: str = "daily", only_period: str | None = None
) -> Iterator[PreparedUnit]:
    """Stage, map and group one unit's files in DuckDB; check them; compute their totals."""
    if grain not in GRAINS:
        raise IngestError(f"--grain {grain}: expected one of {', '.join(GRAINS)}")
    work_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(
        config={
            "threads": 2,
            "memory_limit": "1GB",
            "temp_directory": str(work_dir / "spill"),
            "preserve_insertion_order": False,
        }
    )
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.execute(MACROS_SQL)
        _stage(con, unit)
        period_filter = ""
        if only_period:
            period_filter = (
                f"WHERE strftime(billing_period_start, '%Y-%m') = {literal(only_period)}"
            )
        lines = _LINES_SQL[unit.source_format]
        con.execute(f"CREATE TEMP VIEW billing_lines AS SELECT * FROM ({lines}) {period_filter}")
        try:
            con.execute(f"CREATE TEMP TABLE billing_groups AS {_groups_sql(GRAINS[grain])}")
            totals = _group_totals(con, unit)
            _check(con, unit)
            months = [
                r[0]
                for r in con.execute(
                    "SELECT DISTINCT CAST(date_trunc('month', charge_period_start) AS DATE) "
                    "FROM billing_groups ORDER BY 1"
                ).fetchall()
            ]
            is_cur = unit.source_format in ("cur", "cur2")
            mapped = (
                f"({CUR_TO_FOCUS_SQL.replace('FROM cur_groups', 'FROM billing_groups')})"
                if is_cur
                else "billing_groups"
            )
            findings = quality.check(con, mapped, source_end_flags=not is_cur)
            parties = [
                (str(r[0]), str(r[1]))
                for r in con.execute(
                    "SELECT DISTINCT COALESCE(provider_name, ''), "
                    f"COALESCE(billing_account_id, '') FROM {mapped} ORDER BY ALL"
                ).fetchall()
            ]
        except duckdb.ConversionException as exc:
            raise IngestError(_conversion_message(con, unit, exc)) from exc
        except duckdb.Error as exc:
            raise IngestError(f"{_names(unit)}: {exc}") from exc
        yield PreparedUnit(
            con,
            unit,
            work_dir=work_dir,
            rows_sql=_rows_sql(mapped, GRAINS[grain]),
            totals=totals,
            months=months,
            parties=parties,
            quality=findings,
        )
    finally:
        con.close()


def transform_unit(
    unit: PeriodFiles, *, work_dir: Path, grain: str = "daily", only_period: str | None = None
) -> TransformResult:
    """Map one unit's files to FOCUS rows at ``grain`` in a CSV file ready for COPY."""
    with prepare_unit(unit, work_dir=work_dir, grain=grain, only_period=only_period) as prepared:
        csv_path = work_dir / "focus_rows.csv"
        rows = prepared.write_csv(csv_path)
        return TransformResult(
            csv_path=csv_path, rows=rows, totals=prepared.totals, months=prepared.months
        )


def _groups_sql(bucket: str) -> str:
    """Sum the measures per charge day (or hour) and distinct line attributes."""
    measures = ", ".join(MEASURES)
    sums = ", ".join(f"SUM({m}) AS {m}" for m in MEASURES)
    return (
        f"SELECT * EXCLUDE (charge_period_start, {measures}), "
        f"date_trunc('{bucket}', charge_period_start) AS charge_period_start, {sums}, "
        "COUNT(*) AS x_raw_line_items FROM billing_lines GROUP BY ALL"
    )


def _rows_sql(mapped: str, bucket: str) -> str:
    """The warehouse grain: at the daily grain, mapped groups that became identical are merged
    (fewer rows to load); at the hourly grain, where nearly every group is its own line item
    hour, the rows are written as they are (a second pass over a million groups would cost
    more than the few rows it saves; sums are the same either way)."""
    dims = ", ".join(DIMENSIONS)
    end = f"charge_period_start + INTERVAL 1 {bucket.upper()} AS charge_period_end"
    measures = (*MEASURES, "x_raw_line_items")
    if bucket == "hour":
        return f"SELECT {dims}, {', '.join(measures)}, charge_period_start, {end} FROM {mapped}"
    sums = ", ".join(f"SUM({m}) AS {m}" for m in measures)
    return f"SELECT {dims}, {sums}, charge_period_start, {end} FROM {mapped} GROUP BY ALL"


def _stage(con: duckdb.DuckDBPyConnection, unit: PeriodFiles) -> None:
    """One staging view per file, unioned: files of one export may differ in columns."""
    selects: list[str] = []
    for index, file in enumerate(unit.files):
        missing = missing_required(file.columns)
        if missing:
            raise IngestError(f"{file.path}: missing required columns: {', '.join(missing)}")
        view = f"raw_{index}"
        _raw_relation(con, file).create_view(view)
        native = NATIVE.get(file.columns.source_format)
        if native is not None:  # a provider's mapping: one SELECT (or a UNION ALL) per file
            selects.append(native.stage(con, file=file.columns, view=view, path=file.path))
            continue
        columns = ",\n  ".join(
            f"{expr} AS {ident(name)}" for name, expr in staging_columns(file.columns)
        )
        selects.append(f"SELECT\n  {columns}\nFROM {view}")
    staged = "stg_focus" if unit.source_format in ("focus", *NATIVE) else "stg_cur"
    con.execute(f"CREATE TEMP VIEW {staged} AS " + "\nUNION ALL BY NAME\n".join(selects))


def _raw_relation(con: duckdb.DuckDBPyConnection, file: BillingFile) -> duckdb.DuckDBPyRelation:
    path = str(file.readable)
    if path.lower().endswith(".parquet"):
        # the folder names (BILLING_PERIOD=…) are a layout, not columns of the file
        return con.read_parquet(path, hive_partitioning=False)
    if path.lower().endswith(JSON_SUFFIXES):
        return con.read_json(path, format="newline_delimited", hive_partitioning=False)
    return con.read_csv(path, header=True, all_varchar=True, hive_partitioning=False)


def _names(unit: PeriodFiles) -> str:
    shown = ", ".join(str(p) for p in unit.paths[:3])
    return shown + (f" (+{len(unit.paths) - 3} more)" if len(unit.paths) > 3 else "")


def _check(con: duckdb.DuckDBPyConnection, unit: PeriodFiles) -> None:
    if unit.billing_period:
        rows = con.execute(
            "SELECT DISTINCT strftime(billing_period_start, '%Y-%m') FROM billing_groups"
        ).fetchall()
        others = sorted(str(r[0]) for r in rows if str(r[0]) != unit.billing_period)
        if others:
            raise IngestError(
                f"{_names(unit)}: rows of billing period(s) {', '.join(others)} in the folder of "
                f"{unit.billing_period} (a file from another export or period was mixed in)"
            )
    nulls = con.execute(
        "SELECT sum(x_raw_line_items) FILTER (WHERE billing_period_start IS NULL), "
        "sum(x_raw_line_items) FILTER (WHERE charge_period_start IS NULL), "
        "sum(x_raw_line_items) FILTER (WHERE billing_currency IS NULL) FROM billing_groups"
    ).fetchone()
    for count, column in zip(
        nulls or (), ("billing period start", "charge period start", "currency"), strict=True
    ):
        if count:
            raise IngestError(f"{_names(unit)}: {count} line items have no {column}")
    odd = con.execute(
        "SELECT billing_period_start FROM billing_groups "
        "WHERE billing_period_start <> date_trunc('day', billing_period_start) LIMIT 1"
    ).fetchone()
    if odd:
        raise IngestError(
            f"{_names(unit)}: billing period start {odd[0]} is not midnight UTC; "
            "a billing period starts on a day boundary"
        )
    currencies = con.execute(
        "SELECT strftime(billing_period_start, '%Y-%m'), list(DISTINCT billing_currency ORDER BY "
        "billing_currency) FROM billing_groups GROUP BY 1 ORDER BY 1"
    ).fetchall()
    for period, codes in currencies:
        unknown = [c for c in codes if c not in ISO_CURRENCIES]
        if unknown:
            raise IngestError(
                f"{_names(unit)}: unknown billing currency {', '.join(unknown)} "
                f"in billing period {period}"
            )
        if len(codes) > 1:
            raise IngestError(
                f"{_names(unit)}: billing period {period} mixes currencies "
                f"{', '.join(codes)}; one billing period must be in one currency (no conversion "
                "is applied)"
            )


def _group_totals(con: duckdb.DuckDBPyConnection, unit: PeriodFiles) -> list[SliceTotals]:
    """Line item counts and exact decimal totals per billing period and currency.

    Summed from the first grouping, whose sums of the per-line measures are exact decimals,
    so they equal the sums over the raw line items; the mapping, the second grouping and the
    load must all preserve them.
    """
    rows = con.execute(
        """
        SELECT strftime(billing_period_start, '%Y-%m-%d'), billing_currency,
               sum(x_raw_line_items), sum(billed_cost), sum(effective_cost), sum(list_cost)
        FROM billing_groups GROUP BY 1, 2 ORDER BY 1, 2
        """
    ).fetchall()
    if not rows:
        raise IngestError(f"{_names(unit)}: no line items")
    for r in rows:
        if r[3] is None:
            raise IngestError(
                f"{_names(unit)}: billing period {r[0][:7]} has no BilledCost on any line item; "
                "there is nothing to load or reconcile"
            )
    return [
        SliceTotals(str(r[0]), str(r[1]), int(r[2]), Decimal(r[3]), _opt(r[4]), _opt(r[5]))
        for r in rows
    ]


def _opt(value: object) -> Decimal | None:
    """An exact total, or None when every line item of the period leaves the column empty."""
    return None if value is None else Decimal(str(value))


_BAD_VALUE = re.compile(r"[Cc]ould not convert string '([^']*)'")


def _conversion_message(
    con: duckdb.DuckDBPyConnection, unit: PeriodFiles, exc: duckdb.Error
) -> str:
    """Name the file, column and first row holding a value that does not convert."""
    for index, file in enumerate(unit.files):
        for name, expr in staging_columns(file.columns):
            original = file.columns.columns.get(name)
            if original is None:
                continue
            try:
                row = con.execute(
                    f"SELECT rn, {ident(original)} FROM (SELECT row_number() OVER () AS rn, * "
                    f"FROM raw_{index}) WHERE TRY({expr}) IS NULL AND {ident(original)} "
                    f"IS NOT NULL AND TRIM(CAST({ident(original)} AS VARCHAR)) NOT IN ('', "
                    "'NULL') LIMIT 1"
                ).fetchone()
            except duckdb.Error:
                continue
            if row is not None:
                return (
                    f"{file.path}: column {original}, data row {row[0]}: value "
                    f"{str(row[1])[:60]!r} cannot be converted"
                )
    match = _BAD_VALUE.search(str(exc))
    value = f" (value {match.group(1)!r})" if match else ""
    return f"{_names(unit)}: a value cannot be converted{value}: {exc}"
