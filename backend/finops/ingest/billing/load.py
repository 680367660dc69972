"""Replace one (source, billing period) slice of the cost facts in a single transaction."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import BinaryIO

import psycopg
from psycopg import sql

from finops.errors import ReconciliationError
from finops.ingest.billing.transform import COPY_COLUMNS, SliceTotals

_COPY_CHUNK = 1 << 20


@dataclass(frozen=True)
class LoadResult:
    rows_loaded: int
    totals: list[SliceTotals]


def replace_slice(
    conn: psycopg.Connection[tuple[object, ...]],
    *,
    source_id: str,
    source_format: str,
    billing_periods: list[date],
    months: list[date],
    rows: Callable[[], AbstractContextManager[BinaryIO]],
    expected: list[SliceTotals],
) -> LoadResult:
    """Delete the slices, COPY the new rows in, and check the totals, in one transaction.

    ``rows`` opens the CSV stream of ``COPY_COLUMNS`` (a file, or DuckDB writing into a pipe).

    Loads of the same slice are serialized by an advisory lock (taken in period order, so two
    loads never deadlock); other periods load concurrently. Readers see the old slices until
    the commit and the new ones after it, never a mix.
    """
    with conn.transaction():
        for period in sorted(billing_periods):
            conn.execute(
                "SELECT pg_advisory_xact_lock(hashtext(%s))",
                (f"finops.billing:{source_id}:{period.isoformat()}",),
            )
        for month in months:
            conn.execute("SELECT finops.ensure_cost_partition(%s)", (month,))
        conn.execute(
            "DELETE FROM finops.cost_line_items "
            "WHERE x_source_id = %s AND billing_period_start = ANY(%s)",
            (source_id, billing_periods),
        )
        # straight into the partitions: the transaction hides the rows until the totals match
        columns = sql.SQL(", ").join(sql.Identifier(c) for c in COPY_COLUMNS)
        copy_sql = sql.SQL(
            "COPY finops.cost_line_items ({}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
        ).format(columns)
        cursor = conn.cursor()
        with cursor.copy(copy_sql) as copy, rows() as handle:
            while chunk := handle.read(_COPY_CHUNK):
                copy.write(chunk)
        inserted = cursor.rowcount
        actual = _slice_totals(conn, source_id=source_id, billing_periods=billing_periods)
        _reconcile(expected, actual, source_id=source_id)
    return LoadResult(rows_loaded=inserted, totals=actual)


def _slice_totals(
    conn: psycopg.Connection[tuple[object, ...]], *, source_id: str, billing_periods: list[date]
) -> list[SliceTotals]:
    rows = conn.execute(
        """
        SELECT to_char(billing_period_start AT TIME ZONE 'UTC', 'YYYY-MM-DD'), billing_currency,
               sum(x_raw_line_items), sum(billed_cost), sum(effective_cost), sum(list_cost)
        FROM finops.cost_line_items
        WHERE x_source_id = %s AND billing_period_start = ANY(%s)
        GROUP BY 1, 2 ORDER BY 1, 2
        """,
        (source_id, billing_periods),
    ).fetchall()
    return [
        SliceTotals(str(r[0]), str(r[1]), int(str(r[2])), _dec(r[3]), _dec(r[4]), _dec(r[5]))
        for r in rows
    ]


def _dec(value: object) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _reconcile(
    expected: list[SliceTotals],
    actual: list[SliceTotals],
    *,
    source_id: str,
) -> None:
    if expected == actual:
        return
    by_key = {(t.billing_period_start, t.billing_currency): t for t in actual}
    differences: list[str] = []
    for want in expected:
        got = by_key.pop((want.billing_period_start, want.billing_currency), None)
        if got is None:
            differences.append(
                f"{want.billing_period_start[:7]} {want.billing_currency}: nothing loaded"
            )
            continue
        for field in ("raw_line_items", "billed_cost", "effective_cost", "list_cost"):
            w, g = getattr(want, field), getattr(got, field)
            if w != g:
                differences.append(
                    f"{want.billing_period_start[:7]} {want.billing_currency} "
                    f"{field}: source {w}, warehouse {g}"
                )
    differences += [f"{k[0][:7]} {k[1]}: unexpected rows in the warehouse" for k in by_key]
    raise ReconciliationError(
        f"{source_id} does not reconcile with its source files; the load was rolled back: "
        f"{'; '.join(differences)}"
    )
