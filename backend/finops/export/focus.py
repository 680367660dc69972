"""Write the warehouse back out as a FOCUS dataset (``finops export focus``).

The columns come from the ``finops.costs`` view itself (reflected, never a fixed list), so
every column the loader carries is exported, each under its FOCUS name (``columns.py``). One
file per billing period (``periods.py`` selects them),
``focus-<version>-cost-and-usage-<YYYY-MM>.<parquet|csv>``, plus ``manifest.json`` (files, row
counts, the column mapping). Rows are streamed from a server-side cursor in batches of
``DEFAULT_BATCH_ROWS`` into Arrow, and written in row groups of ``ROW_GROUP_ROWS``
(``writers.py``), so memory stays bounded by those sizes, not by the period's size. All of it
reads one REPEATABLE READ snapshot, so counts, scales and files agree while a load runs.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from finops.config import Settings, get_settings
from finops.db.engine import get_engine
from finops.errors import ExportError
from finops.export.columns import ExportColumn, columns_of, plan_columns
from finops.export.periods import in_period, period_counts, select_periods
from finops.export.writers import DATASET, write_csv, write_parquet

EXPORT_FORMATS: tuple[str, ...] = ("parquet", "csv")

DEFAULT_BATCH_ROWS = 10_000  # rows fetched (as Python objects) at a time

Progress = Callable[[str, int], None]
"""Called with the billing period and the rows just written."""


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
    columns_of(version)
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
        available = period_counts(conn, view)
        selected = select_periods(available, periods=periods, start=start, end=end)
        _ensure_writable(out_dir)
        columns = plan_columns(conn, view, version=version, periods=selected)
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


def _ensure_writable(out_dir: Path) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out_dir, prefix=".write-check-"):
            pass
    except OSError as exc:
        raise ExportError(f"--out {out_dir}: cannot write there ({exc.strerror or exc})") from exc


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
        sa.select(*selected).where(in_period(view, period)).order_by(view.c.charge_period_start)
    )
    rows = 0
    try:
        result = conn.execution_options(stream_results=True, yield_per=batch_rows).execute(
            statement
        )
        batches = (list(zip(*partition, strict=True)) for partition in result.partitions())
        writer = write_parquet if file_format == "parquet" else write_csv
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
