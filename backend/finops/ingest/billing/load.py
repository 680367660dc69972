"""Replace one (source, billing period) slice of the cost facts in a single transaction."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import BinaryIO, Protocol

import psycopg
from psycopg import sql

from finops.errors import OverlapError, ReconciliationError
from finops.ingest.billing.checks import SliceTotals
from finops.ingest.billing.columns import ATTRIBUTE_COPY_COLUMNS, FACT_COPY_COLUMNS
from finops.warehouse.rollups import refresh_rollups

_COPY_CHUNK = 1 << 20
Connection = psycopg.Connection[tuple[object, ...]]


class SliceRows(Protocol):
    """A slice's rows as CSV for COPY: its attribute sets (numbered from ``first_id``, which
    the warehouse gives) and its facts referencing them."""

    attribute_count: int

    def attribute_rows(self, *, first_id: int) -> AbstractContextManager[BinaryIO]: ...

    def stream_rows(self, *, first_id: int = 1) -> AbstractContextManager[BinaryIO]: ...


# rows of two sources are the same charges when they agree on these (and the charge day)
_CHARGE_KEY = (
    "provider_name",
    "billing_account_id",
    "sub_account_id",
    "service_name",
    "resource_id",
    "charge_category",
)


@dataclass(frozen=True)
class LoadResult:
    rows_loaded: int
    totals: list[SliceTotals]
    superseded: list[Overlap]
    rows_by_period: dict[str, int]  # warehouse rows per billing period (ISO date)


@dataclass(frozen=True)
class Overlap:
    """Charges another source already holds for the same provider, account and days."""

    other_source: str
    other_location: str | None
    billing_period: str  # YYYY-MM
    provider_name: str
    billing_account_id: str
    charge_days: int
    charges: int  # shared (day, sub-account, service, resource, category) keys
    identical: bool  # the shared charges have the same billed cost in both sources


def replace_slice(
    conn: Connection,
    *,
    source_id: str,
    source_format: str,
    billing_periods: list[date],
    months: list[date],
    rows: SliceRows,
    expected: list[SliceTotals],
    supersede: bool = False,
    before_commit: Callable[[LoadResult], None] | None = None,
) -> LoadResult:
    """Delete the slices, COPY the new rows in, refuse overlaps, check the totals; one
    transaction, in which ``before_commit`` writes the load's bookkeeping.

    ``rows`` gives the CSV of the attribute sets and of the facts (DuckDB writing into a pipe);
    the attribute ids are one block of the sequence ``cost_attribute_ids`` (migration 0012).

    Loads of the same billing period are serialized by an advisory lock (taken in period
    order, so two loads never deadlock), whatever their source, so an overlap between two
    sources loading at once is seen by the second; other periods load concurrently. Readers
    see the old slices until the commit and the new ones after it, never a mix.

    Charges another source already holds (same provider, billing account and charge day,
    sub-account, service, resource and category) refuse the load with ``OverlapError``
    naming both sources, unless ``supersede``: then the other source's overlapping rows are
    deleted in the same transaction and returned in ``LoadResult.superseded``.
    """
    periods = sorted(billing_periods)
    with conn.transaction():
        for period in periods:
            conn.execute(
                "SELECT pg_advisory_xact_lock(hashtext(%s))",
                (f"finops.billing:{period.isoformat()}",),
            )
        for month in months:
            conn.execute("SELECT finops.ensure_cost_partition(%s)", (month,))
        delete_slices(conn, source_id=source_id, periods=periods)
        first_id = _first_attribute_id(conn)
        # straight into the partitions: the transaction hides the rows until the totals match
        attributes = rows.attribute_rows(first_id=first_id)
        _copy(conn, "cost_attributes", ATTRIBUTE_COPY_COLUMNS, attributes)
        facts = rows.stream_rows(first_id=first_id)
        inserted = _copy(conn, "cost_facts", FACT_COPY_COLUMNS, facts)
        overlaps = find_overlaps(conn, source_id=source_id, billing_periods=periods)
        if overlaps and not supersede:
            raise OverlapError(_overlap_message(source_id, overlaps))
        if overlaps:
            others = sorted({o.other_source for o in overlaps})
            _delete_overlapping(conn, source_id=source_id, billing_periods=periods, others=others)
        last_id = first_id + max(rows.attribute_count, 1) - 1
        actual, rows_by_period = _slice_totals(
            conn, source_id=source_id, billing_periods=periods, ids=(first_id, last_id)
        )
        _reconcile(expected, actual, source_id=source_id)
        # the rollups of these periods, from the rows just loaded (docs/data-model.md)
        refresh_rollups(conn, billing_periods=periods, months=months)
        result = LoadResult(
            rows_loaded=inserted,
            totals=actual,
            superseded=overlaps,
            rows_by_period=rows_by_period,
        )
        if before_commit is not None:
            before_commit(result)
    return result


def delete_slices(conn: Connection, *, source_id: str, periods: list[date] | None) -> int:
    """Delete the slices' facts, then their attribute sets (``periods`` None: every slice of
    the source); the number of facts deleted. The facts are found by their attribute ids'
    range, which the BRIN index on cost_facts.attribute_id narrows to the pages of the loads
    that wrote them, and an IN list (a join would plan a nested loop over that index)."""
    where = "x_source_id = %s" + ("" if periods is None else " AND billing_period_start = ANY(%s)")
    params: tuple[object, ...] = (source_id,) if periods is None else (source_id, periods)
    row = conn.execute(
        f"SELECT min(attribute_id), max(attribute_id) FROM finops.cost_attributes WHERE {where}",
        params,
    ).fetchone()
    if row is None or row[0] is None:
        return 0
    deleted = conn.execute(
        "DELETE FROM finops.cost_facts WHERE attribute_id BETWEEN %s AND %s AND attribute_id IN "
        f"(SELECT attribute_id FROM finops.cost_attributes WHERE {where})",
        (row[0], row[1], *params),
    ).rowcount
    conn.execute(f"DELETE FROM finops.cost_attributes WHERE {where}", params)
    return deleted


def _first_attribute_id(conn: Connection) -> int:
    """The start of this load's block of attribute ids (2^32 of them; no lock needed)."""
    row = conn.execute("SELECT nextval('finops.cost_attribute_ids')").fetchone()
    assert row is not None
    return int(str(row[0]))


def _copy(
    conn: Connection,
    table: str,
    columns: Sequence[str],
    stream: AbstractContextManager[BinaryIO],
) -> int:
    """COPY one CSV stream into ``finops.<table>``; the number of rows."""
    listed = sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    copy_sql = sql.SQL("COPY finops.{} ({}) FROM STDIN WITH (FORMAT csv, NULL '\\N')").format(
        sql.Identifier(table), listed
    )
    cursor = conn.cursor()
    with cursor.copy(copy_sql) as copy, stream as handle:
        while chunk := handle.read(_COPY_CHUNK):
            copy.write(chunk)
    return cursor.rowcount


_OTHER_SOURCES_SQL = """
    SELECT DISTINCT source_id FROM finops.ingest_log
    WHERE billing_period = ANY(%s) AND status = 'succeeded' AND source_id <> %s
"""


def _shared_charges_sql(select: str) -> str:
    key = " AND ".join(f"o.{c} IS NOT DISTINCT FROM n.{c}" for c in _CHARGE_KEY)
    columns = ", ".join(_CHARGE_KEY)
    return f"""
        WITH n AS (
          SELECT {columns}, billing_period_start,
                 date_trunc('day', charge_period_start) AS day, sum(billed_cost) AS billed
          FROM finops.costs
          WHERE x_source_id = %(me)s AND billing_period_start = ANY(%(periods)s)
          GROUP BY {columns}, billing_period_start, day
        ), o AS (
          SELECT x_source_id, {columns}, billing_period_start,
                 date_trunc('day', charge_period_start) AS day, sum(billed_cost) AS billed
          FROM finops.costs
          WHERE x_source_id = ANY(%(others)s) AND billing_period_start = ANY(%(periods)s)
          GROUP BY x_source_id, {columns}, billing_period_start, day
        )
        {select}
        FROM n JOIN o ON {key} AND o.billing_period_start = n.billing_period_start
                     AND o.day = n.day
    """


def find_overlaps(
    conn: Connection, *, source_id: str, billing_periods: list[date]
) -> list[Overlap]:
    """Charges of ``source_id``'s periods that other sources also hold (see replace_slice)."""
    others = [
        str(r[0]) for r in conn.execute(_OTHER_SOURCES_SQL, (billing_periods, source_id)).fetchall()
    ]
    if not others:
        return []
    rows = conn.execute(
        _shared_charges_sql(
            """
            SELECT o.x_source_id, to_char(n.billing_period_start AT TIME ZONE 'UTC', 'YYYY-MM'),
                   COALESCE(n.provider_name, ''), COALESCE(n.billing_account_id, ''),
                   count(DISTINCT n.day), count(*), bool_and(o.billed = n.billed),
                   (SELECT location FROM finops.billing_sources s
                    WHERE s.source_id = o.x_source_id)
            """
        )
        + " GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4",
        {"me": source_id, "periods": billing_periods, "others": others},
    ).fetchall()
    return [
        Overlap(
            other_source=str(r[0]),
            other_location=None if r[7] is None else str(r[7]),
            billing_period=str(r[1]),
            provider_name=str(r[2]),
            billing_account_id=str(r[3]),
            charge_days=int(str(r[4])),
            charges=int(str(r[5])),
            identical=bool(r[6]),
        )
        for r in rows
    ]


def _delete_overlapping(
    conn: Connection, *, source_id: str, billing_periods: list[date], others: list[str]
) -> None:
    """Delete the rows of ``others`` (the sources find_overlaps named) for the charges this
    load also holds."""
    key = ", ".join(_CHARGE_KEY)
    matches = " AND ".join(f"a.{c} IS NOT DISTINCT FROM n.{c}" for c in _CHARGE_KEY)
    params = {"me": source_id, "periods": billing_periods, "others": others}
    conn.execute(
        f"""
        DELETE FROM finops.cost_facts f
        USING finops.cost_attributes a,
              (SELECT DISTINCT {key}, billing_period_start,
                      date_trunc('day', charge_period_start) AS day
               FROM finops.costs
               WHERE x_source_id = %(me)s AND billing_period_start = ANY(%(periods)s)) n
        WHERE f.attribute_id = a.attribute_id
          AND a.x_source_id = ANY(%(others)s) AND a.billing_period_start = n.billing_period_start
          AND date_trunc('day', f.charge_period_start) = n.day AND {matches}
        """,
        params,
    )
    # attribute sets left without facts go with them
    conn.execute(
        """
        DELETE FROM finops.cost_attributes a
        WHERE a.x_source_id = ANY(%(others)s) AND a.billing_period_start = ANY(%(periods)s)
          AND NOT EXISTS (SELECT 1 FROM finops.cost_facts f WHERE f.attribute_id = a.attribute_id)
        """,
        params,
    )


def _overlap_message(source_id: str, overlaps: list[Overlap]) -> str:
    parts = []
    for o in overlaps[:5]:
        where = f" (loaded from {o.other_location})" if o.other_location else ""
        same = "the same charges with the same amounts" if o.identical else "charges"
        parts.append(
            f"{o.billing_period} {o.provider_name} billing account {o.billing_account_id}: "
            f"source {o.other_source}{where} already holds {same} on {o.charge_days} charge "
            f"day(s) ({o.charges} charge keys)"
        )
    more = f"; and {len(overlaps) - 5} more" if len(overlaps) > 5 else ""
    return (
        f"{source_id} overlaps data already in the warehouse, so loading it would count those "
        f"charges twice; nothing was changed. {'; '.join(parts)}{more}. Say which one wins: "
        f"load again with --supersede to replace the other source's overlapping rows with "
        f"these, or remove the other source (finops sources remove NAME), or load these files "
        f"as that source (--source NAME)"
    )


def _slice_totals(
    conn: Connection, *, source_id: str, billing_periods: list[date], ids: tuple[int, int]
) -> tuple[list[SliceTotals], dict[str, int]]:
    """The loaded slices' totals and rows, read back from the warehouse. Every attribute set
    of the slices is this load's (the old ones were deleted), so their facts are found by
    this load's id range, through the BRIN index, without reading other slices."""
    rows = conn.execute(
        """
        WITH f AS (  -- one pass over this load's facts, then a join of a few thousand rows
          SELECT attribute_id, sum(x_raw_line_items) AS lines, sum(billed_cost) AS billed,
                 sum(effective_cost) AS effective, sum(list_cost) AS listed, count(*) AS n
          FROM finops.cost_facts WHERE attribute_id BETWEEN %s AND %s GROUP BY attribute_id
        )
        SELECT to_char(a.billing_period_start AT TIME ZONE 'UTC', 'YYYY-MM-DD'),
               a.billing_currency, sum(f.lines), sum(f.billed), sum(f.effective),
               sum(f.listed), sum(f.n)
        FROM f JOIN finops.cost_attributes a ON a.attribute_id = f.attribute_id
        WHERE a.x_source_id = %s AND a.billing_period_start = ANY(%s)
        GROUP BY 1, 2 ORDER BY 1, 2
        """,
        (ids[0], ids[1], source_id, billing_periods),
    ).fetchall()
    totals = [
        SliceTotals(str(r[0]), str(r[1]), int(str(r[2])), _dec(r[3]), _opt(r[4]), _opt(r[5]))
        for r in rows
    ]
    by_period: dict[str, int] = {}
    for r in rows:
        by_period[str(r[0])] = by_period.get(str(r[0]), 0) + int(str(r[6]))
    return totals, by_period


def _dec(value: object) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _opt(value: object) -> Decimal | None:
    return None if value is None else _dec(value)


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
