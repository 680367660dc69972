"""Write one (account, region, day) listing into the resource history, then recompute the current
state of every resource of that (account, region) from the history.

The recomputation reads only the history, so loading days in any order — or loading a day twice —
gives the same ``resources`` rows. A resource is terminated on the day a listing says it was
deleted, or else on the first later day its (account, region, type) was listed without it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date

import psycopg

from finops.ingest.inventory.model import ResourceRecord

_RECOMPUTE = """
WITH latest AS (
  SELECT DISTINCT ON (resource_type, resource_id) *
  FROM finops.resource_observations
  WHERE account_id = %(account)s AND region = %(region)s
  ORDER BY resource_type, resource_id, observed_on DESC
), span AS (
  SELECT resource_type, resource_id, min(observed_on) AS first_seen,
         min(created_at) AS created_at
  FROM finops.resource_observations
  WHERE account_id = %(account)s AND region = %(region)s
  GROUP BY resource_type, resource_id
)
INSERT INTO finops.inventory_resources (provider, account_id, region, resource_type, resource_id,
  arn, name, state, created_at, first_seen, last_seen, terminated_on, configuration, tags, source)
SELECT l.provider, l.account_id, l.region, l.resource_type, l.resource_id, l.arn, l.name,
       l.state, coalesce(l.created_at, s.created_at), s.first_seen, l.observed_on,
       CASE WHEN l.deleted THEN l.observed_on
            ELSE (SELECT min(sc.observed_on) FROM finops.inventory_scans sc
                  WHERE sc.account_id = l.account_id AND sc.region = l.region
                    AND sc.resource_type = l.resource_type AND sc.observed_on > l.observed_on)
       END,
       c.configuration, c.tags, l.source
FROM latest l
JOIN span s USING (resource_type, resource_id)
JOIN finops.resource_configurations c USING (config_hash)
"""


def replace_listing(
    conn: psycopg.Connection[tuple[object, ...]],
    *,
    account_id: str,
    region: str,
    day: date,
    resource_types: Sequence[str],
    records: Iterable[ResourceRecord],
    source: str,
    run_id: str,
) -> int:
    """Replace the day's listing of ``resource_types`` in (account, region); returns row count.

    ``resource_types`` are the types that were listed completely: only those are replaced and
    only those can make an absent resource count as terminated.
    """
    rows = [r for r in records if r.resource_type in resource_types]
    with conn.transaction():
        conn.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))",
            (f"finops.inventory:{account_id}:{region}",),
        )
        conn.execute(
            "DELETE FROM finops.resource_observations WHERE account_id = %s AND region = %s "
            "AND observed_on = %s AND resource_type = ANY(%s)",
            (account_id, region, day, list(resource_types)),
        )
        conn.execute(
            "DELETE FROM finops.inventory_scans WHERE account_id = %s AND region = %s "
            "AND observed_on = %s AND resource_type = ANY(%s)",
            (account_id, region, day, list(resource_types)),
        )
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO finops.resource_configurations (config_hash, configuration, tags) "
                "VALUES (%s, %s, %s) ON CONFLICT (config_hash) DO NOTHING",
                _unique_configs(rows),
            )
            cur.executemany(
                "INSERT INTO finops.inventory_scans "
                "(account_id, region, resource_type, observed_on, source, run_id) "
                "VALUES (%s, %s, %s, %s, %s, %s)",
                [(account_id, region, t, day, source, run_id) for t in sorted(resource_types)],
            )
        with conn.cursor().copy(
            "COPY finops.resource_observations (account_id, region, resource_type, resource_id, "
            "observed_on, arn, name, state, deleted, created_at, config_hash, source) FROM STDIN"
        ) as copy:
            for r in _dedupe(rows):
                copy.write_row(
                    (
                        account_id,
                        region,
                        r.resource_type,
                        r.resource_id,
                        day,
                        r.arn,
                        r.name,
                        r.state,
                        r.deleted,
                        r.created_at,
                        r.config_hash,
                        source,
                    )
                )
        conn.execute(
            "DELETE FROM finops.inventory_resources WHERE account_id = %s AND region = %s",
            (account_id, region),
        )
        conn.execute(_RECOMPUTE, {"account": account_id, "region": region})
    return len(rows)


def _unique_configs(rows: list[ResourceRecord]) -> list[tuple[str, str, str]]:
    seen: dict[str, tuple[str, str, str]] = {}
    for r in rows:
        key = r.config_hash
        if key not in seen:
            seen[key] = (
                key,
                json.dumps(r.configuration, sort_keys=True),
                json.dumps(r.tags, sort_keys=True),
            )
    return list(seen.values())


def _dedupe(rows: list[ResourceRecord]) -> list[ResourceRecord]:
    """One row per resource: a listing that names a resource twice keeps the last."""
    by_key: dict[tuple[str, str], ResourceRecord] = {}
    for r in rows:
        by_key[(r.resource_type, r.resource_id)] = r
    return [by_key[k] for k in sorted(by_key)]
