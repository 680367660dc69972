"""What every native (non-FOCUS) provider format has in common.

A native file is staged in two steps, as in dbt: ``raw`` renames and casts the provider's
documented columns (a column the file lacks stages as NULL), then the provider's mapping SQL
(``<provider>.sql``, the provider's published FOCUS mapping in DuckDB SQL) turns the raw rows
into FOCUS 1.2 staging rows (``stg_focus`` columns, snake_case). From there the FOCUS path
(``focus_to_focus.sql``, grouping, load, reconciliation) applies unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from finops.errors import IngestError
from finops.ingest.billing.formats import FileColumns
from finops.ingest.billing.money import MONEY
from finops.ingest.billing.staging import FOCUS_COLUMNS, STAGED_EXTRAS, ident, literal

_SQL_DIR = Path(__file__).parent
_NATIVE_RAW = re.compile(r"\bnative_raw\b")
_UNTYPED = re.compile(r'(^|[ (])"NULL"')
FOCUS_LINES_SQL = (_SQL_DIR.parent / "focus_to_focus.sql").read_text()


@dataclass(frozen=True)
class RawColumn:
    """One staged raw column: ``expr`` casts ``source`` (None when the file lacks it)."""

    name: str
    kind: str
    expr: str
    source: str | None
    label: str  # the column as the provider's file names it, for messages


def text(expr: str) -> str:
    """Literal NULL strings and empty strings, which real exports contain, become NULL."""
    return f"NULLIF(NULLIF(TRIM(CAST({expr} AS VARCHAR)), ''), 'NULL')"


def cast(source: str, source_type: str | None, kind: str) -> str:
    """Cast a raw value; money goes through its text so a double keeps its written digits."""
    if kind == "TIMESTAMP":
        if source_type is not None and source_type.startswith(("TIMESTAMP", "DATE")):
            return f"CAST({source} AS TIMESTAMP)"
        return f"CAST(CAST({text(source)} AS TIMESTAMPTZ) AS TIMESTAMP)"
    if kind == "DATE_MDY":  # Azure writes dates as MM/DD/YYYY in older exports, ISO in newer
        value = text(source)
        return (
            f"CASE WHEN {value} LIKE '%/%' THEN strptime({value}, '%m/%d/%Y') "
            f"ELSE CAST(CAST({value} AS TIMESTAMPTZ) AS TIMESTAMP) END"
        )
    if kind == "JSON_OBJECT":  # a JSON object, or its members without braces (older exports)
        value = text(source)
        return (
            f"CASE WHEN {value} IS NULL THEN NULL WHEN starts_with({value}, '{{') THEN {value} "
            f"ELSE '{{' || {value} || '}}' END"
        )
    if kind == "BOOLEAN":
        return f"CAST({text(source)} AS BOOLEAN)"
    if kind in (MONEY, "DECIMAL"):
        return f"CAST({text(source)} AS {MONEY})"
    return text(source)


def raw_column(
    file: FileColumns, name: str, kind: str, *alternates: str, label: str | None = None
) -> RawColumn:
    """The first of ``name`` and ``alternates`` (canonical names) that the file has."""
    for candidate in (name, *alternates):
        original = file.columns.get(candidate)
        if original is not None:
            source = ident(original)
            return RawColumn(
                name, kind, cast(source, file.types.get(original), kind), source, original
            )
    target = {"DATE_MDY": "TIMESTAMP", "JSON_OBJECT": "VARCHAR"}.get(kind, kind)
    return RawColumn(name, kind, f"CAST(NULL AS {target})", None, label or name)


@dataclass(frozen=True)
class NativeFormat:
    """A provider's native export: its raw columns, its FOCUS mapping, its line SQL."""

    name: str
    required: tuple[str, ...]  # columns the mapping cannot do without, as documented
    raw: Callable[[FileColumns], list[RawColumn]]
    mapping_sql: str  # SELECT … FROM native_raw producing the stg_focus columns
    lines_sql: str = FOCUS_LINES_SQL  # over stg_focus (the union of the unit's files)

    def missing_required(self, file: FileColumns) -> list[str]:
        return [c for c in self.required if c.lower() not in file.columns]

    def staging_columns(self, file: FileColumns) -> list[tuple[str, str]]:
        """(raw name, cast expression) of the raw columns the file has (for diagnostics)."""
        return [(c.name, c.expr) for c in self.raw(file) if c.source is not None]

    def stage(
        self, con: duckdb.DuckDBPyConnection, *, file: FileColumns, view: str, path: Path
    ) -> str:
        """Check the file's values, create its raw view; return its FOCUS staging SELECT.

        The raw view adds ``x_file`` (the file's folder and name), which may say what the file
        holds (Azure's actual or amortized dataset). A file DuckDB cannot read fails naming it.
        """
        try:
            return self._stage(con, file=file, view=view, path=path)
        except duckdb.Error as exc:
            raise IngestError(f"{path}: cannot be read as a {self.name} export: {exc}") from exc

    def _stage(
        self, con: duckdb.DuckDBPyConnection, *, file: FileColumns, view: str, path: Path
    ) -> str:
        untyped = sorted(c for c, t in file.types.items() if _UNTYPED.search(t))
        if untyped and path.name.lower().endswith(".parquet"):  # JSON reads them fine
            # a parquet column or field of no type (written without a schema, every value
            # NULL) cannot be scanned; the providers' own exports are typed
            raise IngestError(
                f"{path}: column(s) {', '.join(untyped)} have a field of no type (all NULL, "
                "written without a schema); write the file with the provider's typed schema"
            )
        self.check_values(con, file=file, view=view, path=path)
        columns = ",\n    ".join(f"{c.expr} AS {ident(c.name)}" for c in self.raw(file))
        raw_view = f"{view}_native"
        con.execute(
            f"CREATE TEMP VIEW {raw_view} AS SELECT\n    {columns},\n"
            f"    {literal(path.parent.name + '/' + path.name)} AS x_file\nFROM {view}"
        )
        mapping = _NATIVE_RAW.sub(raw_view, self.mapping_sql)
        # every stg_focus column exists with its staging type, whatever the mapping fills
        staged = {**FOCUS_COLUMNS, **STAGED_EXTRAS}
        template = ", ".join(f"CAST(NULL AS {k}) AS {n}" for n, k in staged.items())
        typed = ", ".join(f"CAST({n} AS {k}) AS {n}" for n, k in staged.items())
        return (
            f"SELECT * REPLACE ({typed}) FROM (\n"
            f"SELECT * FROM (\n{mapping}\n)\n"
            f"UNION ALL BY NAME SELECT {template} WHERE false)"
        )

    def check_values(
        self, con: duckdb.DuckDBPyConnection, *, file: FileColumns, view: str, path: Path
    ) -> None:
        """Refuse the first value that does not convert, naming file, column and data row."""
        present = [c for c in self.raw(file) if c.source is not None and c.kind in _CHECKED]
        if not present:
            return
        firsts = ", ".join(
            f"min(rn) FILTER (WHERE TRY({_converted(c)}) IS NULL "
            f"AND {text(c.source or '')} IS NOT NULL)"
            for c in present
        )
        row = con.execute(
            f"SELECT {firsts} FROM (SELECT row_number() OVER () AS rn, * FROM {view})"
        ).fetchone()
        for column, bad in zip(present, row or (), strict=True):
            if bad is None:
                continue
            value = con.execute(
                f"SELECT CAST({column.source} AS VARCHAR) FROM (SELECT row_number() OVER () "
                f"AS rn, * FROM {view}) WHERE rn = ?",
                [bad],
            ).fetchone()
            shown = str(value[0])[:60] if value else ""
            raise IngestError(
                f"{path}: column {column.label}, data row {bad}: value {shown!r} cannot be "
                f"converted to {_kind_name(column.kind)}"
            )


_CHECKED = (MONEY, "TIMESTAMP", "DATE_MDY", "BOOLEAN", "JSON_OBJECT")


def _converted(column: RawColumn) -> str:
    return f"CAST({column.expr} AS JSON)" if column.kind == "JSON_OBJECT" else column.expr


def _kind_name(kind: str) -> str:
    return {
        MONEY: "a decimal number",
        "TIMESTAMP": "a timestamp",
        "DATE_MDY": "a date",
        "BOOLEAN": "true/false",
        "JSON_OBJECT": "a JSON object",
    }.get(kind, kind)
