"""Read an AWS Data Exports table export (parquet, csv or csv.gz files, in the Data Exports
layout or loose) with its documented columns cast, refusing a bad file by name and column."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from finops.errors import IngestError
from finops.ingest.billing.money import MONEY
from finops.ingest.billing.providers.native import cast, text
from finops.ingest.billing.sources import is_data_file
from finops.ingest.billing.staging import ident

DECIMAL = MONEY


@dataclass(frozen=True)
class ExportLoad:
    """What one export load did."""

    table: str
    source_id: str
    files: int
    rows: int


def data_files(location: Path) -> list[Path]:
    """The export's data files (manifests and other files left out), sorted."""
    if not location.exists():
        raise IngestError(f"{location} does not exist")
    if location.is_file():
        return [location]
    files = sorted(p for p in location.rglob("*") if is_data_file(p) and ".json" not in p.name)
    if not files:
        raise IngestError(f"{location}: no export data files found (parquet, csv or csv.gz)")
    return files


def source_id(kind: str, location: Path) -> str:
    """``kind:<export name>``: the folder above ``data/`` in the Data Exports layout, else the
    folder (or file stem) given."""
    parts = location.resolve().parts
    if "data" in parts:
        return f"{kind}:{parts[len(parts) - 1 - parts[::-1].index('data') - 1]}"
    return f"{kind}:{location.name.split('.')[0]}"


def read_rows(
    path: Path,
    *,
    columns: dict[str, str],
    required: tuple[str, ...],
) -> list[dict[str, Any]]:
    """Every row of ``path`` with ``columns`` (name -> kind) cast; absent optional columns are
    None. A missing required column or a value that does not convert names the file."""
    con = duckdb.connect(config={"threads": 1})
    try:
        con.execute("SET TimeZone = 'UTC'")
        relation = _relation(con, path)
        relation.create_view("export_raw")
        types = {str(n): str(t) for n, t in zip(relation.columns, relation.dtypes, strict=True)}
        missing = [c for c in required if c not in types]
        if missing:
            raise IngestError(f"{path}: missing required columns: {', '.join(missing)}")
        exprs = {
            name: (cast(ident(name), types[name], kind) if kind != "JSON" else _json(name, types))
            if name in types
            else "NULL"
            for name, kind in columns.items()
        }
        _check(
            con,
            path,
            {
                n: e
                for n, e in exprs.items()
                if n in types and columns[n] != "VARCHAR" and columns[n] != "JSON"
            },
        )
        select = ", ".join(f"{expr} AS {ident(name)}" for name, expr in exprs.items())
        result = con.execute(f"SELECT {select} FROM export_raw")
        names = [d[0] for d in result.description]
        return [dict(zip(names, row, strict=True)) for row in result.fetchall()]
    except duckdb.Error as exc:
        raise IngestError(f"{path}: {exc}") from exc
    finally:
        con.close()


def _relation(con: duckdb.DuckDBPyConnection, path: Path) -> duckdb.DuckDBPyRelation:
    try:
        if path.name.lower().endswith(".parquet"):
            return con.read_parquet(str(path))
        return con.read_csv(str(path), header=True, all_varchar=True)
    except duckdb.Error as exc:
        raise IngestError(f"{path}: not a readable parquet or csv file ({exc})") from exc


def _json(name: str, types: dict[str, str]) -> str:
    if types[name] == "VARCHAR":
        return text(ident(name))
    return f"CAST(to_json({ident(name)}) AS VARCHAR)"


def _check(con: duckdb.DuckDBPyConnection, path: Path, exprs: dict[str, str]) -> None:
    for name, expr in exprs.items():
        row = con.execute(
            f"SELECT rn, CAST({ident(name)} AS VARCHAR) FROM (SELECT row_number() OVER () AS rn, "
            f"* FROM export_raw) WHERE TRY({expr}) IS NULL AND {text(ident(name))} IS NOT NULL "
            "LIMIT 1"
        ).fetchone()
        if row is not None:
            raise IngestError(
                f"{path}: column {name}, data row {row[0]}: value {str(row[1])[:60]!r} "
                "cannot be converted"
            )


def tags_object(value: str | None) -> dict[str, Any]:
    """Tags as one JSON object: a map, an object, or a list of {key, value} entries."""
    if not value:
        return {}
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError:
        return {}
    if isinstance(parsed, dict):
        return parsed
    if isinstance(parsed, list):
        return {
            str(e.get("key")): e.get("value")
            for e in parsed
            if isinstance(e, dict) and e.get("key") is not None
        }
    return {}
