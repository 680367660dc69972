"""The unit's line items in DuckDB as attribute sets and facts, then mapped to FOCUS.

``split_lines``: ``line_attrs`` (each distinct attribute set of the lines once, keyed by a hash
of it) and ``line_facts`` (measures per set and charge day, or per line item hour).
``map_attributes``: ``mapped_sets`` (CUR: cur_to_focus.sql on the sets only, a variant per
FOCUS charge). ``merge_attributes``: ``warehouse_attrs`` (mapped sets that became identical
merged, dense ids) and ``mapped_attrs`` (each mapped set with its warehouse id).
``define_facts``: ``mapped_facts`` (CUR: cur_measures.sql), ``mapped_rows`` (for the quality
rules) and ``warehouse_facts`` (what is loaded)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from finops.errors import IngestError
from finops.ingest.billing.checks import names
from finops.ingest.billing.columns import DIMENSIONS, MEASURES
from finops.ingest.billing.sources import PeriodFiles
from finops.ingest.billing.staging import ident

_SQL_DIR = Path(__file__).parent
CUR_TO_FOCUS_SQL = (_SQL_DIR / "cur_to_focus.sql").read_text()
CUR_MEASURES_SQL = (_SQL_DIR / "cur_measures.sql").read_text()


def split_lines(con: duckdb.DuckDBPyConnection, unit: PeriodFiles, *, bucket: str) -> None:
    """``line_attrs`` (distinct attribute sets) and ``line_facts`` (measures per set and
    charge day, or per line item hour), keyed by a hash of the attributes;
    ``billing_groups`` joins them."""
    described = con.execute("SELECT column_name FROM (DESCRIBE billing_lines)").fetchall()
    attributes = [
        str(r[0]) for r in described if r[0] not in MEASURES and r[0] != "charge_period_start"
    ]
    listed = ", ".join(ident(c) for c in attributes)
    key = f"hash({listed}) AS x_key, date_trunc('{bucket}', charge_period_start)"
    if bucket == "hour":  # one fact per line item hour: grouping would merge next to nothing
        measures = ", ".join(MEASURES)
        con.execute(
            f"CREATE TEMP TABLE line_facts AS SELECT {key} AS charge_period_start, {measures}, "
            "CAST(1 AS BIGINT) AS x_raw_line_items FROM billing_lines"
        )
    else:
        sums = ", ".join(f"SUM({m}) AS {m}" for m in MEASURES)
        con.execute(
            f"CREATE TEMP TABLE line_facts AS SELECT {key} AS charge_period_start, {sums}, "
            "COUNT(*) AS x_raw_line_items FROM billing_lines GROUP BY 1, 2"
        )
    con.execute(
        f"CREATE TEMP TABLE line_attrs AS SELECT hash({listed}) AS x_key, {listed} "
        "FROM billing_lines GROUP BY ALL"
    )
    refuse_collision(con, unit, "line_attrs", "x_key")
    con.execute(
        "CREATE TEMP VIEW billing_groups AS SELECT f.* EXCLUDE (x_key), a.* EXCLUDE (x_key) "
        "FROM line_facts f JOIN line_attrs a ON a.x_key = f.x_key"
    )


def map_attributes(con: duckdb.DuckDBPyConnection, *, is_cur: bool) -> None:
    """``mapped_sets``: the FOCUS attribute sets of each line attribute set and variant (CUR:
    cur_to_focus.sql; FOCUS and native exports are FOCUS already)."""
    if is_cur:
        con.execute(
            "CREATE TEMP TABLE mapped_sets AS "
            + CUR_TO_FOCUS_SQL.replace("FROM cur_attrs", "FROM line_attrs")
        )
    else:
        con.execute(
            "CREATE TEMP TABLE mapped_sets AS SELECT *, 'line' AS x_variant, "
            "true AS x_keep_consumed, true AS x_keep_pricing FROM line_attrs"
        )


def define_facts(con: duckdb.DuckDBPyConnection, *, is_cur: bool, bucket: str) -> None:
    """``mapped_facts`` (the measures of each mapped set, CUR: cur_measures.sql),
    ``mapped_rows`` (sets and measures, for the quality rules) and ``warehouse_facts`` (what
    is loaded: per warehouse attribute set, summed per charge day at the daily grain; at the
    hourly grain written as they are, sums being the same)."""
    if is_cur:
        con.execute(f"CREATE TEMP VIEW mapped_facts AS {CUR_MEASURES_SQL}")
    else:
        con.execute(
            "CREATE TEMP VIEW mapped_facts AS SELECT f.x_key, m.x_variant, m.x_attr, "
            f"f.charge_period_start, {', '.join(f'f.{m}' for m in MEASURES)}, "
            "f.x_raw_line_items FROM line_facts f JOIN mapped_attrs m ON m.x_key = f.x_key"
        )
    con.execute(
        "CREATE TEMP VIEW mapped_rows AS SELECT "
        "a.* EXCLUDE (x_key, x_variant, x_keep_consumed, x_keep_pricing, x_attr), "
        "f.* EXCLUDE (x_key, x_variant, x_attr) FROM mapped_facts f "
        "JOIN mapped_attrs a ON a.x_key = f.x_key AND a.x_variant = f.x_variant"
    )
    measures = (*MEASURES, "x_raw_line_items")
    if bucket == "hour":
        con.execute(
            "CREATE TEMP VIEW warehouse_facts AS SELECT x_attr, charge_period_start, "
            f"{', '.join(measures)} FROM mapped_facts"
        )
    else:
        sums = ", ".join(f"SUM({m}) AS {m}" for m in measures)
        con.execute(
            "CREATE TEMP VIEW warehouse_facts AS SELECT x_attr, charge_period_start, "
            f"{sums} FROM mapped_facts GROUP BY 1, 2"
        )


def merge_attributes(con: duckdb.DuckDBPyConnection, unit: PeriodFiles) -> int:
    """Merge mapped attribute sets that became identical (``warehouse_attrs``, ids from 0)
    and give each mapped set its warehouse set (``mapped_attrs.x_attr``); the number of
    warehouse attribute sets."""
    dims = ", ".join(DIMENSIONS)
    con.execute(
        "CREATE TEMP TABLE warehouse_attrs AS SELECT row_number() OVER () - 1 AS x_attr, * "
        f"FROM (SELECT hash({dims}) AS x_dims_key, {dims} FROM mapped_sets GROUP BY ALL)"
    )
    refuse_collision(con, unit, "warehouse_attrs", "x_dims_key")
    con.execute(
        "CREATE TEMP TABLE mapped_attrs AS SELECT m.*, w.x_attr "
        "FROM mapped_sets m JOIN warehouse_attrs w "
        f"ON w.x_dims_key = hash({', '.join(f'm.{d}' for d in DIMENSIONS)})"
    )
    row = con.execute("SELECT count(*) FROM warehouse_attrs").fetchone()
    return int(row[0]) if row else 0


def refuse_collision(
    con: duckdb.DuckDBPyConnection, unit: PeriodFiles, table: str, key: str
) -> None:
    """Two different attribute sets with one 64-bit hash (about one chance in 10^10 for a
    month of hourly CUR) would merge their costs: refuse rather than load them wrong."""
    row = con.execute(f"SELECT count(*) - count(DISTINCT {key}) FROM {table}").fetchone()
    if row and row[0]:
        raise IngestError(
            f"{names(unit)}: {row[0]} attribute sets share a hash key in {table}; the load was "
            "stopped so that no costs are merged wrongly (please report this)"
        )
