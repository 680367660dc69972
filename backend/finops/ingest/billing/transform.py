"""Stage CUR files in DuckDB and map them to FOCUS 1.2 rows at daily grain.

Layers, as in dbt: ``stg_cur`` only renames and casts; ``focus_lines`` maps every line item to
FOCUS columns (``cur_to_focus.sql``); ``focus_daily`` aggregates to the warehouse grain
(``focus_daily.sql``). Reconciliation totals are taken from ``focus_lines``, before aggregation.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb

from finops.errors import IngestError
from finops.ingest.billing.cur_columns import CUR2_MAP_COLUMNS, CUR_COLUMNS, CUR_REQUIRED
from finops.ingest.billing.sources import PeriodFiles

_SQL_DIR = Path(__file__).parent
CUR_TO_FOCUS_SQL = (_SQL_DIR / "cur_to_focus.sql").read_text()
FOCUS_DAILY_SQL = (_SQL_DIR / "focus_daily.sql").read_text()
MACROS_SQL = (_SQL_DIR / "macros.sql").read_text()

# the columns of focus_daily, in the order of the CSV handed to PostgreSQL COPY
LOAD_COLUMNS = (
    "availability_zone",
    "billed_cost",
    "billing_account_id",
    "billing_account_name",
    "billing_currency",
    "billing_period_end",
    "billing_period_start",
    "charge_category",
    "charge_class",
    "charge_description",
    "charge_frequency",
    "charge_period_end",
    "charge_period_start",
    "commitment_discount_category",
    "commitment_discount_id",
    "commitment_discount_status",
    "commitment_discount_type",
    "consumed_quantity",
    "consumed_unit",
    "contracted_cost",
    "effective_cost",
    "invoice_id",
    "invoice_issuer_name",
    "list_cost",
    "list_unit_price",
    "pricing_category",
    "pricing_quantity",
    "pricing_unit",
    "provider_name",
    "publisher_name",
    "region_id",
    "region_name",
    "resource_id",
    "service_category",
    "service_name",
    "sku_id",
    "sub_account_id",
    "sub_account_name",
    "tags",
    "x_line_item_type",
    "x_usage_type",
    "x_operation",
    "x_raw_line_items",
)


@dataclass(frozen=True)
class SliceTotals:
    """Totals of one (billing period, currency) computed from the mapped line items."""

    billing_period_start: str  # ISO date
    billing_currency: str
    raw_line_items: int
    billed_cost: Decimal
    effective_cost: Decimal
    list_cost: Decimal


@dataclass(frozen=True)
class TransformResult:
    csv_path: Path
    rows: int
    totals: list[SliceTotals]

    @property
    def raw_line_items(self) -> int:
        return sum(t.raw_line_items for t in self.totals)


def transform_period(period: PeriodFiles, *, work_dir: Path) -> TransformResult:
    """Map one billing period's files to FOCUS daily rows in a CSV file ready for COPY."""
    work_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(
        config={"threads": 2, "memory_limit": "1GB", "temp_directory": str(work_dir / "spill")}
    )
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.execute(MACROS_SQL)
        present = _parquet_columns(con, period.files)
        try:
            con.read_parquet([str(p) for p in period.files], union_by_name=True).create_view(
                "raw_cur"
            )
            con.execute(
                "CREATE TEMP VIEW stg_cur AS SELECT\n  "
                + _staging_select(present)
                + "\nFROM raw_cur"
            )
            con.execute(f"CREATE TEMP VIEW focus_lines AS {CUR_TO_FOCUS_SQL}")
            _check_periods(con, period)
            totals = _line_totals(con)
            con.execute(f"CREATE TEMP TABLE focus_daily AS {FOCUS_DAILY_SQL}")
            csv_path = work_dir / "focus_daily.csv"
            columns = ", ".join(LOAD_COLUMNS)
            con.execute(
                f"COPY (SELECT {columns} FROM focus_daily) TO '{_quoted(csv_path)}' "
                "(FORMAT csv, HEADER false, NULL '\\N')"
            )
            count = con.execute("SELECT count(*) FROM focus_daily").fetchone()
        except duckdb.ConversionException as exc:
            raise IngestError(f"{_names(period)}: a value cannot be converted ({exc})") from exc
        except duckdb.Error as exc:
            raise IngestError(f"{_names(period)}: {exc}") from exc
        return TransformResult(csv_path=csv_path, rows=int(count[0]) if count else 0, totals=totals)
    finally:
        con.close()


def _parquet_columns(con: duckdb.DuckDBPyConnection, files: tuple[Path, ...]) -> set[str]:
    columns: set[str] = set()
    for path in files:
        try:
            rows = con.execute("SELECT name FROM parquet_schema(?)", [str(path)]).fetchall()
        except duckdb.Error as exc:
            raise IngestError(f"{path}: not a readable parquet file ({exc})") from exc
        file_columns = {str(r[0]) for r in rows}
        missing = [c for c in CUR_REQUIRED if c not in file_columns]
        if missing:
            raise IngestError(f"{path}: missing required CUR columns: {', '.join(missing)}")
        columns |= file_columns
    return columns


def _staging_select(present: set[str]) -> str:
    """Rename and cast only: every column the mapping reads, NULL where the export lacks it.

    Column names come from the fixed spec in ``cur_columns``, never from the input.
    """
    parts = [
        f'CAST({f"{chr(34)}{name}{chr(34)}" if name in present else "NULL"} AS {kind}) AS "{name}"'
        for name, kind in CUR_COLUMNS.items()
    ]
    empty_map = "MAP {}::MAP(VARCHAR, VARCHAR)"
    parts += [
        f'COALESCE("{name}", {empty_map}) AS "{name}"'
        if name in present
        else f'{empty_map} AS "{name}"'
        for name in CUR2_MAP_COLUMNS
    ]
    return ",\n  ".join(parts)


def _names(period: PeriodFiles) -> str:
    shown = ", ".join(str(p) for p in period.files[:3])
    return shown + (f" (+{len(period.files) - 3} more)" if len(period.files) > 3 else "")


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


def _check_periods(con: duckdb.DuckDBPyConnection, period: PeriodFiles) -> None:
    if not period.billing_period:
        return
    rows = con.execute(
        "SELECT DISTINCT strftime(bill_billing_period_start_date, '%Y-%m') FROM stg_cur"
    ).fetchall()
    others = sorted(str(r[0]) for r in rows if str(r[0]) != period.billing_period)
    if others:
        raise IngestError(
            f"{_names(period)}: rows of billing period(s) {', '.join(others)} in the folder of "
            f"{period.billing_period} (a file from another export or period was mixed in)"
        )


def _line_totals(con: duckdb.DuckDBPyConnection) -> list[SliceTotals]:
    rows = con.execute(
        """
        SELECT strftime(billing_period_start, '%Y-%m-%d'), billing_currency, count(*),
               sum(billed_cost), sum(effective_cost), sum(list_cost)
        FROM focus_lines GROUP BY 1, 2 ORDER BY 1, 2
        """
    ).fetchall()
    if any(r[1] is None for r in rows):
        raise IngestError("line items without line_item_currency_code cannot be reconciled")
    return [
        SliceTotals(str(r[0]), str(r[1]), int(r[2]), Decimal(r[3]), Decimal(r[4]), Decimal(r[5]))
        for r in rows
    ]
