"""Read a unit's files into DuckDB staging views (``stg_cur`` / ``stg_focus``), each file
through its format's column expressions: CUR and FOCUS in ``staging.py``, providers' native
exports in ``providers/`` (one module each, registered in ``providers/registry.py``)."""

from __future__ import annotations

import duckdb

from finops.errors import IngestError
from finops.ingest.billing.cur_columns import CUR_REQUIRED
from finops.ingest.billing.formats import FileColumns
from finops.ingest.billing.providers.registry import NATIVE
from finops.ingest.billing.sources import JSON_SUFFIXES, BillingFile, PeriodFiles
from finops.ingest.billing.staging import (
    FOCUS_REQUIRED,
    cur_columns,
    focus_columns,
    ident,
)


def missing_required(file: FileColumns) -> list[str]:
    """The required columns ``file``'s format needs and the file lacks."""
    if file.source_format in NATIVE:
        return NATIVE[file.source_format].missing_required(file)
    required = FOCUS_REQUIRED if file.source_format == "focus" else CUR_REQUIRED
    return [c for c in required if c not in file.columns]


def staging_columns(file: FileColumns) -> list[tuple[str, str]]:
    """(canonical name, cast expression) for every staged column of ``file``'s format."""
    if file.source_format == "focus":
        return focus_columns(file)
    if file.source_format in ("cur", "cur2"):
        return cur_columns(file)
    if file.source_format in NATIVE:
        return NATIVE[file.source_format].staging_columns(file)
    raise IngestError(f"no staging for format {file.source_format!r}")


def stage_unit(con: duckdb.DuckDBPyConnection, unit: PeriodFiles) -> None:
    """One staging view per file, unioned: files of one export may differ in columns."""
    selects: list[str] = []
    for index, file in enumerate(unit.files):
        missing = missing_required(file.columns)
        if missing:
            raise IngestError(f"{file.path}: missing required columns: {', '.join(missing)}")
        view = f"raw_{index}"
        raw_relation(con, file).create_view(view)
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


def raw_relation(con: duckdb.DuckDBPyConnection, file: BillingFile) -> duckdb.DuckDBPyRelation:
    path = str(file.readable)
    if path.lower().endswith(".parquet"):
        # the folder names (BILLING_PERIOD=…) are a layout, not columns of the file
        return con.read_parquet(path, hive_partitioning=False)
    if path.lower().endswith(JSON_SUFFIXES):
        return con.read_json(path, format="newline_delimited", hive_partitioning=False)
    return con.read_csv(path, header=True, all_varchar=True, hive_partitioning=False)
