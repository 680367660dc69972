"""Row-level security overhead: ``select sum(billed_cost) from finops.costs`` over a generated
warehouse as the application role (BYPASSRLS: no policy), as the API role with an unrestricted
scope, with a one-account scope and a one-team (tag) scope, and as the console role.

    uv run python benchmarks/rls.py [--facts 3000000] [--accounts 20] [--runs 5] [--no-docs]

The warehouse is written by the owner in SQL (``--attributes`` attribute sets over
``--accounts`` accounts, each with a ``team`` tag, and ``--facts`` hourly facts in one month
partition), so the figure is the policies' cost alone, not a load's. Each query runs ``--runs``
times on one warmed connection per role; the median is reported.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import psycopg
from pydantic import SecretStr

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import write_section

from finops.config import Settings, get_settings
from finops.db.engine import api_url, app_url, console_url, ensure_database, libpq_url, server_url
from finops.db.migrate import upgrade
from finops.warehouse.scope import ALL, Scope, scope_statement

DATABASE = "bench_rls"
QUERY = "SELECT count(*), sum(billed_cost) FROM finops.costs"


def build(settings: Settings, *, facts: int, attributes: int, accounts: int) -> None:
    admin = libpq_url(server_url(settings, "postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}"')
    ensure_database(settings, DATABASE)
    from finops.db.engine import get_engine

    upgrade(get_engine(settings))
    with psycopg.connect(libpq_url(server_url(settings)), autocommit=True) as conn:
        conn.execute("SELECT finops.ensure_cost_partition('2026-03-01')")
        conn.execute(
            "INSERT INTO finops.cost_attributes (attribute_id, billing_currency, "
            "billing_period_start, sub_account_id, service_name, tags, x_source_id, "
            "x_source_format) SELECT g, 'USD', '2026-03-01', lpad((g %% %s)::text, 12, '0'), "
            "'svc' || (g %% 37), jsonb_build_object('user:team', 'team-' || (g %% 7)), "
            "'bench', 'cur2' FROM generate_series(1, %s) g",
            (accounts, attributes),
        )
        conn.execute(
            "INSERT INTO finops.cost_facts (attribute_id, charge_period_start, billed_cost, "
            "effective_cost, x_raw_line_items) SELECT 1 + g %% %s, "
            "timestamptz '2026-03-01' + (g %% 720) * interval '1 hour', "
            "round((g %% 1000) / 97.0, 6), round((g %% 1000) / 97.0, 6), 1 "
            "FROM generate_series(1, %s) g",
            (attributes, facts),
        )
        conn.execute("VACUUM ANALYZE finops.cost_facts")
        conn.execute("VACUUM ANALYZE finops.cost_attributes")


def median_seconds(url: str, scope: Scope | None, runs: int) -> tuple[float, tuple[object, ...]]:
    times = []
    row: tuple[object, ...] = ()
    with psycopg.connect(url) as conn:
        for attempt in range(runs + 1):
            with conn.transaction():
                if scope is not None:
                    conn.execute(scope_statement(scope))
                started = time.perf_counter()
                fetched = conn.execute(QUERY).fetchone()
                elapsed = time.perf_counter() - started
            assert fetched is not None
            row = tuple(fetched)
            if attempt:  # the first run warms the cache
                times.append(elapsed)
    return statistics.median(times), row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facts", type=int, default=3_000_000)
    parser.add_argument("--attributes", type=int, default=2_000)
    parser.add_argument("--accounts", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-docs", action="store_true", help="do not update docs/benchmarks.md")
    args = parser.parse_args()
    base = get_settings()
    settings = base.model_copy(update={"database_url": SecretStr(server_url(base, DATABASE))})
    build(settings, facts=args.facts, attributes=args.attributes, accounts=args.accounts)
    one_account = Scope(accounts=frozenset({"000000000001"}))
    one_team = Scope(tags={"team": frozenset({"team-3"})})
    cases = [
        ("finops_app (BYPASSRLS, no policy)", app_url(settings), None),
        ("finops_api, unrestricted scope", api_url(settings), ALL),
        ("finops_api, one account of 20", api_url(settings), one_account),
        ("finops_api, one team tag of 7", api_url(settings), one_team),
        ("finops_console, unrestricted scope", console_url(settings), ALL),
    ]
    rows = []
    baseline = None
    for label, role_url, scope in cases:
        seconds, (count, total) = median_seconds(libpq_url(role_url), scope, args.runs)
        baseline = baseline or seconds
        rows.append(
            f"| {label} | {int(str(count)):,} | {total} | {seconds * 1000:,.0f} | "
            f"{seconds / baseline:.2f} |"
        )
        sys.stdout.write(rows[-1] + "\n")
    if not args.no_docs:
        write_section(
            "rls",
            f"## Row-level security overhead (`benchmarks/rls.py`)\n\n"
            f"`uv run python benchmarks/rls.py` on {platform.machine()}, {date.today()}: "
            f"`{QUERY}` over {args.facts:,} cost facts ({args.attributes:,} attribute sets, "
            f"{args.accounts} accounts, 7 team tags) in one month partition, median of "
            f"{args.runs} warm runs per role on one connection.\n\n"
            "| role and scope | rows | sum(billed_cost) | ms | × app |\n"
            "|---|---:|---:|---:|---:|\n" + "\n".join(rows) + "\n",
        )


if __name__ == "__main__":
    main()
