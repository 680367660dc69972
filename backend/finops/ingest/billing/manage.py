"""Billing sources as people manage them: list, rename, remove (``finops sources …``).

Renaming and removing change the cost facts, so each runs in one transaction under the same
advisory locks as a load of the periods involved, and is written to the audit trail.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import psycopg

from finops.config import Settings, get_settings
from finops.db.engine import app_url, libpq_url
from finops.errors import IngestError
from finops.ingest.billing.load import delete_slices
from finops.warehouse.rollups import refresh_rollups

Connection = psycopg.Connection[tuple[object, ...]]


@dataclass(frozen=True)
class SourceSummary:
    source_id: str
    source_format: str
    provider_names: list[str]
    billing_account_ids: list[str]
    export_name: str | None
    location: str | None
    billing_periods: list[str]  # YYYY-MM with rows in the warehouse
    rows: int
    billed_costs: dict[str, Decimal]  # billed cost of its rows per billing currency
    last_loaded_at: datetime | None
    quality_issues: int  # rules broken in the loaded versions of its slices

    @property
    def billed_cost(self) -> Decimal | None:
        """The billed cost when the rows are in one currency (or none); None when several."""
        if len(self.billed_costs) > 1:
            return None
        return sum(self.billed_costs.values(), Decimal(0))


def _connect(settings: Settings | None) -> Connection:
    url = libpq_url(app_url(settings or get_settings()))
    return psycopg.connect(url, options="-c timezone=UTC")


def list_sources(*, settings: Settings | None = None) -> list[SourceSummary]:
    with _connect(settings) as conn:
        return read_sources(conn)


def read_sources(conn: Connection) -> list[SourceSummary]:
    """Every source, by name, on ``conn`` (the CLI's own connection or the API's)."""
    sources = conn.execute(
        """
        SELECT s.source_id, s.source_format, s.provider_names, s.billing_account_ids,
               s.export_name, s.location, s.last_loaded_at,
               (SELECT count(*) FROM finops.data_quality q WHERE q.source_id = s.source_id)
        FROM finops.billing_sources s
        ORDER BY s.source_id
        """
    ).fetchall()
    # one scan of the facts: rows and billed cost per source, currency and billing period
    slices = conn.execute(
        """
        SELECT x_source_id, billing_currency,
               to_char(billing_period_start AT TIME ZONE 'UTC', 'YYYY-MM'),
               count(*), sum(billed_cost)
        FROM finops.costs
        GROUP BY 1, 2, 3
        """
    ).fetchall()
    periods: dict[str, set[str]] = defaultdict(set)
    rows: dict[str, int] = defaultdict(int)
    billed: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for source_id, currency, period, count, cost in slices:
        periods[str(source_id)].add(str(period))
        rows[str(source_id)] += int(str(count))
        # a currency whose billed costs are all NULL (kept as the export wrote them) shows 0
        billed[str(source_id)][str(currency)] += Decimal(0 if cost is None else str(cost))
    return [
        SourceSummary(
            source_id=str(r[0]),
            source_format=str(r[1]),
            provider_names=list(r[2]),  # type: ignore[call-overload]
            billing_account_ids=list(r[3]),  # type: ignore[call-overload]
            export_name=None if r[4] is None else str(r[4]),
            location=None if r[5] is None else str(r[5]),
            billing_periods=sorted(periods[str(r[0])]),
            rows=rows[str(r[0])],
            billed_costs=dict(sorted(billed[str(r[0])].items())),
            last_loaded_at=r[6] if isinstance(r[6], datetime) else None,
            quality_issues=int(str(r[7])),
        )
        for r in sources
    ]


def _periods(conn: Connection, source_id: str) -> list[str]:
    row = conn.execute(
        "SELECT source_id FROM finops.billing_sources WHERE source_id = %s", (source_id,)
    ).fetchone()
    if row is None:
        known = [str(r[0]) for r in conn.execute("SELECT source_id FROM finops.billing_sources")]
        raise IngestError(
            f"no billing source named {source_id!r}; known: {', '.join(known) or 'none'}"
        )
    periods = conn.execute(
        "SELECT DISTINCT billing_period::text FROM finops.ingest_log "
        "WHERE source_id = %s AND billing_period IS NOT NULL ORDER BY 1",
        (source_id,),
    ).fetchall()
    return [str(p[0]) for p in periods]


def _lock_periods(conn: Connection, periods: list[str]) -> None:
    for period in sorted(periods):
        conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"finops.billing:{period}",))


def rename_source(
    old: str, new: str, *, actor: str = "cli", settings: Settings | None = None
) -> int:
    """Rename a source everywhere it is named; returns the cost rows renamed."""
    if not new.strip() or len(new) > 200:
        raise IngestError(f"new name {new!r}: give a name of 1 to 200 characters")
    with _connect(settings) as conn, conn.transaction():
        periods = _periods(conn, old)
        taken = conn.execute(
            "SELECT 1 FROM finops.billing_sources WHERE source_id = %s", (new,)
        ).fetchone()
        if taken is not None:
            raise IngestError(f"cannot rename {old} to {new}: a source named {new} exists")
        _lock_periods(conn, periods)
        key = conn.execute(
            "UPDATE finops.billing_sources SET natural_key = NULL WHERE source_id = %s "
            "RETURNING (SELECT natural_key FROM finops.billing_sources WHERE source_id = %s)",
            (old, old),
        ).fetchone()
        conn.execute(
            "INSERT INTO finops.billing_sources (source_id, source_format, natural_key, "
            "provider_names, billing_account_ids, export_name, location, created_at, "
            "last_loaded_at) SELECT %s, source_format, %s, provider_names, "
            "billing_account_ids, export_name, location, created_at, last_loaded_at "
            "FROM finops.billing_sources WHERE source_id = %s",
            (new, None if key is None else key[0], old),
        )
        counted = conn.execute(
            "SELECT count(*) FROM finops.costs WHERE x_source_id = %s", (old,)
        ).fetchone()
        moved = int(str(counted[0])) if counted else 0
        conn.execute(
            "UPDATE finops.cost_attributes SET x_source_id = %s WHERE x_source_id = %s", (new, old)
        )
        conn.execute("UPDATE finops.ingest_log SET source_id = %s WHERE source_id = %s", (new, old))
        conn.execute(
            "UPDATE finops.ingest_quality SET source_id = %s WHERE source_id = %s", (new, old)
        )
        conn.execute("DELETE FROM finops.billing_sources WHERE source_id = %s", (old,))
        _audit(conn, actor, "billing.source_rename", old, {"new_name": new, "rows": moved})
    return moved


def remove_source(source_id: str, *, actor: str = "cli", settings: Settings | None = None) -> int:
    """Delete a source's cost rows and forget it (its ingest log stays); returns the rows."""
    with _connect(settings) as conn, conn.transaction():
        periods = _periods(conn, source_id)
        _lock_periods(conn, periods)
        removed = delete_slices(conn, source_id=source_id, periods=None)
        refresh_rollups(conn, billing_periods=periods)
        conn.execute("DELETE FROM finops.billing_sources WHERE source_id = %s", (source_id,))
        _audit(
            conn,
            actor,
            "billing.source_remove",
            source_id,
            {"rows": removed, "billing_periods": [p[:7] for p in periods]},
        )
    return removed


def _audit(
    conn: Connection, actor: str, action: str, subject: str, details: dict[str, object]
) -> None:
    conn.execute(
        "INSERT INTO finops.audit_log (actor, action, subject, details) VALUES (%s, %s, %s, %s)",
        (actor, action, subject, json.dumps(details)),
    )
