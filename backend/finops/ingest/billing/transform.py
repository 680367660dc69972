"""Stage billing files in DuckDB and map them to the warehouse's attribute sets and facts.

Layers, as in dbt: ``stg_cur`` / ``stg_focus`` only rename and cast (``staging.py``);
``billing_lines`` has one row per line item with its cost measures computed by the FOCUS rules
(``cur_lines.sql`` / ``focus_to_focus.sql``). The lines are then split in two, keyed by a hash
of their attributes: ``line_attrs`` (each distinct attribute set once) and ``line_facts`` (the
measures summed per attribute set and charge day, or hour). The FOCUS mapping of CUR
(``cur_to_focus.sql``) runs on the attribute sets only, and ``cur_measures.sql`` applies its
rules to the facts, so the cost of mapping does not grow with the number of line item hours.
Mapped attribute sets that became identical are merged (``warehouse_attrs``, dense ids) and
their facts summed per charge period (``warehouse_facts``): what the load COPYs into
``cost_attributes`` and ``cost_facts``. Reconciliation totals are the exact decimal sums of the
per-line measures and must survive the mapping and the load unchanged.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO

import duckdb

from finops.errors import IngestError
from finops.ingest.billing import quality
from finops.ingest.billing.checks import (
    SliceTotals,
    check_unit,
    conversion_message,
    group_totals,
    names,
)
from finops.ingest.billing.columns import DECIMAL_COLUMNS, DIMENSIONS, GRAINS, MEASURES
from finops.ingest.billing.mapping import (
    define_facts,
    map_attributes,
    merge_attributes,
    split_lines,
)
from finops.ingest.billing.money import MONEY
from finops.ingest.billing.providers.registry import NATIVE
from finops.ingest.billing.quality import QualityFinding
from finops.ingest.billing.readers import stage_unit
from finops.ingest.billing.sources import PeriodFiles
from finops.ingest.billing.staging import literal

_SQL_DIR = Path(__file__).parent
_LINES_SQL = {
    "cur2": (_SQL_DIR / "cur_lines.sql").read_text(),
    "cur": (_SQL_DIR / "cur_lines.sql").read_text(),
    "focus": (_SQL_DIR / "focus_to_focus.sql").read_text(),
    **{name: native.lines_sql for name, native in NATIVE.items()},
}
MACROS_SQL = (_SQL_DIR / "macros.sql").read_text()
# DuckDB's memory: the hourly grain's million narrow facts fit in less than the daily grain's
# wide line groups needed, and the process stays under 1 GiB with Python around it
_MEMORY_LIMIT = {"daily": "1GB", "hourly": "640MB"}

__all__ = ["PreparedUnit", "SliceTotals", "TransformResult", "prepare_unit", "transform_unit"]


@dataclass(frozen=True)
class TransformResult:
    csv_path: Path  # the facts (FACT_COPY_COLUMNS, ids from 1)
    attributes_path: Path  # the attribute sets (ATTRIBUTE_COPY_COLUMNS, ids from 1)
    rows: int
    totals: list[SliceTotals]
    months: list[date]  # first days of the charge months the rows fall in


class PreparedUnit:
    """A unit's line items mapped in DuckDB and checked, ready to be written as CSV for COPY.

    The warehouse gives the attribute ids (``first_id`` onwards, ``attribute_count`` of them).
    ``stream_rows`` hands PostgreSQL's COPY a pipe that DuckDB writes the facts into from
    another thread, so the CSV encoding overlaps with the load instead of going through a file.
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        unit: PeriodFiles,
        *,
        work_dir: Path,
        grain: str,
        attribute_count: int,
        totals: list[SliceTotals],
        months: list[date],
        parties: list[tuple[str, str]],
        quality: list[QualityFinding],
    ) -> None:
        self._con = con
        self._unit = unit
        self._work_dir = work_dir
        self._rows_sql = _FACTS_SQL[grain]
        self.attribute_count = attribute_count
        self.totals = totals
        self.months = months
        self.parties = parties  # (provider name, billing account id) pairs in the data
        self.quality = quality
        self.source_id = unit.default_name  # the source the rows load into (identity.py)
        self.rows: int | None = None  # known once the facts have been written

    @property
    def source_format(self) -> str:
        return self._unit.source_format

    @property
    def raw_line_items(self) -> int:
        return sum(t.raw_line_items for t in self.totals)

    @property
    def periods(self) -> list[str]:
        return sorted({t.billing_period_start for t in self.totals})

    def write_attributes(self, path: Path, *, first_id: int = 1) -> int:
        """Write the attribute sets (``ATTRIBUTE_COPY_COLUMNS``) to ``path``; the count."""
        identity = f"{literal(self.source_id)}, {literal(self._unit.source_format)}"
        columns = ", ".join(_csv_value(c) for c in DIMENSIONS)
        select = f"SELECT {int(first_id)} + x_attr, {columns}, {identity} FROM warehouse_attrs"
        return self._copy(select, path)

    def write_csv(self, path: Path, *, first_id: int = 1) -> int:
        """Write the facts (``FACT_COPY_COLUMNS``, ``\\N`` for NULL) to ``path``; the count."""
        measures = ", ".join(_fact_value(c) for c in MEASURES)
        select = (
            f"SELECT {int(first_id)} + x_attr, charge_period_start, charge_period_end, "
            f"{measures}, x_raw_line_items FROM ({self._rows_sql})"
        )
        self.rows = self._copy(select, path)
        return self.rows

    def _copy(self, select: str, path: Path) -> int:
        try:
            row = self._con.execute(
                f"COPY ({select}) TO {literal(str(path))} (FORMAT csv, HEADER false, NULL '\\N')"
            ).fetchone()
        except duckdb.Error as exc:
            raise IngestError(f"{names(self._unit)}: {exc}") from exc
        return int(row[0]) if row else 0

    @contextmanager
    def attribute_rows(self, *, first_id: int) -> Iterator[BinaryIO]:
        """The attribute sets as CSV (a small file: a few rows per thousand facts)."""
        path = self._work_dir / f"attributes-{time.monotonic_ns()}.csv"
        self.write_attributes(path, first_id=first_id)
        try:
            with path.open("rb") as handle:
                yield handle
        finally:
            path.unlink(missing_ok=True)

    @contextmanager
    def stream_rows(self, *, first_id: int = 1) -> Iterator[BinaryIO]:
        """A binary stream of the facts' CSV rows, written by DuckDB as it is read.

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
                self.write_csv(fifo, first_id=first_id)
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
_FACTS_SQL = {
    grain: (
        "SELECT x_attr, charge_period_start, "
        f"charge_period_start + INTERVAL 1 {bucket.upper()} AS charge_period_end, "
        f"{', '.join(MEASURES)}, x_raw_line_items FROM warehouse_facts"
    )
    for grain, bucket in GRAINS.items()
}


def _csv_value(column: str) -> str:
    """A decimal as its digits without trailing zeros (``1.50000`` -> ``1.5``, ``2.000`` ->
    ``2``): the warehouse's unconstrained numeric then holds the source's own scale."""
    if column not in DECIMAL_COLUMNS:
        return column
    text = f"CAST({column} AS VARCHAR)"
    return f"CASE WHEN {text} LIKE '%.%' THEN rtrim(rtrim({text}, '0'), '.') ELSE {text} END"


def _fact_value(column: str) -> str:
    """A measure of a fact, as ``_csv_value`` but cheaper for a million rows: as money (a
    no-op, measures are money already) its text always has a point, so one trim of the
    trailing zeros is enough; an integral value keeps its point (``2.``), which PostgreSQL's
    numeric reads as ``2``, scale 0."""
    return f"rtrim(CAST(CAST({column} AS {MONEY}) AS VARCHAR), '0')"


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
            "memory_limit": _MEMORY_LIMIT[grain],
            "temp_directory": str(work_dir / "spill"),
            "preserve_insertion_order": False,
        }
    )
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.execute("SET enable_progress_bar = false")
        con.execute(MACROS_SQL)
        stage_unit(con, unit)
        period_filter = ""
        if only_period:
            period_filter = (
                f"WHERE strftime(billing_period_start, '%Y-%m') = {literal(only_period)}"
            )
        lines = _LINES_SQL[unit.source_format]
        con.execute(f"CREATE TEMP VIEW billing_lines AS SELECT * FROM ({lines}) {period_filter}")
        try:
            split_lines(con, unit, bucket=GRAINS[grain])
            totals = group_totals(con, unit)
            check_unit(con, unit)
            months = [
                r[0]
                for r in con.execute(
                    "SELECT DISTINCT CAST(date_trunc('month', charge_period_start) AS DATE) "
                    "FROM line_facts ORDER BY 1"
                ).fetchall()
            ]
            is_cur = unit.source_format in ("cur", "cur2")
            map_attributes(con, is_cur=is_cur)
            attribute_count = merge_attributes(con, unit)
            define_facts(con, is_cur=is_cur, bucket=GRAINS[grain])
            findings = quality.check(con, "mapped_rows", source_end_flags=not is_cur)
            parties = [
                (str(r[0]), str(r[1]))
                for r in con.execute(
                    "SELECT DISTINCT COALESCE(provider_name, ''), "
                    "COALESCE(billing_account_id, '') FROM warehouse_attrs ORDER BY ALL"
                ).fetchall()
            ]
        except duckdb.ConversionException as exc:
            raise IngestError(conversion_message(con, unit, exc)) from exc
        except duckdb.Error as exc:
            raise IngestError(f"{names(unit)}: {exc}") from exc
        yield PreparedUnit(
            con,
            unit,
            work_dir=work_dir,
            grain=grain,
            attribute_count=attribute_count,
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
    """Map one unit's files to attribute sets and facts at ``grain`` in CSV files for COPY."""
    with prepare_unit(unit, work_dir=work_dir, grain=grain, only_period=only_period) as prepared:
        csv_path = work_dir / "focus_facts.csv"
        attributes_path = work_dir / "focus_attributes.csv"
        prepared.write_attributes(attributes_path)
        rows = prepared.write_csv(csv_path)
        return TransformResult(
            csv_path=csv_path,
            attributes_path=attributes_path,
            rows=rows,
            totals=prepared.totals,
            months=prepared.months,
        )
