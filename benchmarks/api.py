"""Dashboard API latency under an open-loop load, with the cost rollups and without them.

    uv run python benchmarks/api.py [--accounts 50] [--rate 200 ...] [--duration 60]
        [--estate DIR] [--explorer-runs 10] [--reuse] [--no-docs]

Generates a ``--accounts``-account, 13-month CUR 2.0 estate (``finops.generator``, daily
grain; kept in ``--estate`` and reused), loads it into database ``bench_api`` (the load keeps
the rollups), then serves the API twice, each in its own process (``finops serve``): one
reading the rollups, one with ``FINOPS_DASHBOARD_ROLLUPS=false`` reading ``costs`` (the
baseline, same run, same data). An asyncio client sends requests on a fixed clock
(each ``--rate`` per second in total, spread round-robin over the dashboard endpoints, for
``--duration`` seconds; open loop: a slow answer never delays the next request, and latency is
measured from the moment a request was due). Reported per endpoint: p50, p95, p99 and errors
(non-200 answers, timeouts). The Explorer's heaviest question (two group-bys, 13 months,
daily) is timed in process through ``finops.analytics.cost_query.breakdown`` on both
relations.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import psycopg
from pydantic import SecretStr
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import REPO, write_section
from _load import Samples, drive, percentile, table

from finops.config import Settings, get_settings
from finops.db.engine import ensure_database, get_engine, libpq_url, server_url
from finops.db.migrate import upgrade

DATABASE = "bench_api"
CONFIGS = (  # label, FINOPS_DASHBOARD_ROLLUPS, FINOPS_API_CACHE
    ("rollups + response cache", True, True),
    ("rollups, no cache (cold)", True, False),
    ("costs (baseline), no cache", False, False),
)


def cost_rows(settings: Settings) -> int:
    with psycopg.connect(libpq_url(server_url(settings, DATABASE)), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        row = conn.execute("SELECT count(*) FROM finops.costs").fetchone()
    return int(str(row[0])) if row else 0


def prepare(settings: Settings, *, estate: Path, accounts: int) -> tuple[int, float, float]:
    """Generate (unless present) and load the estate; (cost rows, generate s, load s)."""
    from finops.generator import GenerateOptions, generate
    from finops.ingest.billing import ingest_billing

    generated = 0.0
    if not (estate / "cur2").exists():
        started = time.perf_counter()
        generate(
            GenerateOptions(
                out_dir=estate,
                accounts=accounts,
                formats=("cur2",),
                utilization=False,
                inventory=False,
            )
        )
        generated = time.perf_counter() - started
    admin = libpq_url(server_url(settings, "postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    ensure_database(settings, DATABASE)
    upgrade(get_engine(settings))
    started = time.perf_counter()
    ingest_billing(str(estate / "cur2"), settings=settings)
    loaded = time.perf_counter() - started
    return cost_rows(settings), generated, loaded


def token(settings: Settings) -> str:
    from finops.auth.roles import Role
    from finops.auth.tokens import create_token
    from finops.auth.users import create_user, find_user
    from finops.warehouse.scope import ALL

    with get_engine(settings).begin() as conn:
        if find_user(conn, username="bench") is None:
            create_user(conn, username="bench", role=Role.VIEWER, password=None, scope=ALL)
        user = find_user(conn, username="bench")
        assert user is not None
        return create_token(
            conn,
            user=user,
            name=f"bench-{time.time()}",
            expires_in_days=1,
            settings=settings,
            now=datetime.now(UTC),
        ).token


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop a server this benchmark started (its process id; killed when it lingers)."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def serve(
    settings: Settings,
    *,
    port: int,
    rollups: bool,
    cache: bool,
    workers: int,
    code: Path | None = None,
) -> subprocess.Popen[bytes]:
    """``finops serve`` on ``port``; ``code``: a checkout of another revision to serve instead
    of this one (its ``backend`` first on the path; benchmarks/api_overhead.py's baseline)."""
    assert settings.database_url is not None
    path = {} if code is None else {"PYTHONPATH": str(code / "backend")}
    env = {
        **os.environ,
        **path,
        "FINOPS_DATABASE_URL": settings.database_url.get_secret_value(),
        "FINOPS_HOME": str(settings.home.resolve()),
        "FINOPS_DASHBOARD_ROLLUPS": "true" if rollups else "false",
        "FINOPS_API_CACHE": "true" if cache else "false",
        "FINOPS_LOG_JSON": "true",
    }
    command = [sys.executable, "-m", "finops", "serve", "--host", "127.0.0.1"]
    proc = subprocess.Popen(
        [*command, "--port", str(port), "--workers", str(workers)],
        env=env,
        cwd=code or REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 180  # workers import the app on a loaded machine
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code < 500:
                return proc
        except httpx.HTTPError:
            time.sleep(0.5)
    stop(proc)
    raise RuntimeError(f"the API on port {port} did not start")


def explorer(settings: Settings, *, runs: int) -> dict[str, tuple[float, float, str]]:
    """The Explorer's heaviest question: its chart and table as the API answers them
    (``cost_chart.chart``, top 10 and Other folded in SQL) and every (day, group) row
    (``cost_query.breakdown``, what a download streams) on the rollups and on costs:
    (p50 ms, p95 ms, what answered)."""
    from finops.analytics.cost_chart import chart
    from finops.analytics.cost_query import CostQuery, Granularity, breakdown

    with get_engine(settings).connect() as conn:
        first, last = conn.execute(
            text("SELECT min(day), max(day) FROM finops.rollup_cost_daily")
        ).one()
        query = CostQuery(
            start=first,
            end=last,
            granularity=Granularity.daily,
            group_by=("service_name", "account_id"),
        )
        out = {}
        for label, use, rows in (
            ("chart + table (API answer), rollups", True, False),
            ("chart + table (API answer), costs", False, False),
            ("every row (download), rollups", True, True),
            ("every row (download), costs", False, True),
        ):
            times, described = [], ""
            for attempt in range(runs + 1):
                started = time.perf_counter()
                if rows:
                    answer = breakdown(conn, query=query, use_rollups=use)
                    described = f"{answer.source}, {len(answer.rows):,} rows"
                else:
                    folded = chart(conn, query=query, top=10, use_rollups=use)
                    points = (len(folded.points) + 1) * len(folded.periods)
                    described = f"{folded.source}, {len(folded.groups)} groups, {points:,} points"
                if attempt:
                    times.append(time.perf_counter() - started)
            out[label] = (
                statistics.median(times) * 1000,
                percentile(times, 0.95) * 1000,
                described,
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=50)
    parser.add_argument(
        "--rate", type=float, nargs="+", default=[200.0], help="requests/s, all endpoints"
    )
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per server")
    parser.add_argument("--estate", type=Path, default=REPO / ".finops" / "bench-api-estate")
    parser.add_argument("--explorer-runs", type=int, default=10)
    parser.add_argument("--reuse", action="store_true", help="keep the loaded database")
    parser.add_argument("--no-docs", action="store_true", help="do not update docs/benchmarks.md")
    parser.add_argument("--workers", type=int, default=2, help="finops serve --workers")
    parser.add_argument(
        "--cold-rate",
        type=float,
        nargs="+",
        default=None,
        help="rates without the cache (default: --rate)",
    )
    parser.add_argument(
        "--baseline-rate",
        type=float,
        nargs="+",
        default=None,
        help="rates of the costs baseline (default: the first rate without the cache; at more "
        "it only queues: every request times out)",
    )
    parser.add_argument(
        "--configs", nargs="+", default=[c[0] for c in CONFIGS], help="which CONFIGS to run"
    )
    args = parser.parse_args()
    base = get_settings()
    settings = base.model_copy(update={"database_url": SecretStr(server_url(base, DATABASE))})
    if args.reuse:  # the database of an earlier run, migrated to the head
        upgrade(get_engine(settings))
        rows, generated, loaded = cost_rows(settings), 0.0, float("nan")
    else:
        rows, generated, loaded = prepare(settings, estate=args.estate, accounts=args.accounts)
    sys.stdout.write(f"{rows:,} cost rows; generated in {generated:.0f} s, loaded {loaded:.0f} s\n")
    load_before = os.getloadavg()
    headers = {"Authorization": f"Bearer {token(settings)}"}
    heavy = explorer(settings, runs=args.explorer_runs)
    sys.stdout.write(f"explorer: {heavy}\n")
    results = {}
    for port, (label, rollups, cache) in enumerate(CONFIGS, start=18731):
        if label not in args.configs:
            continue
        proc = serve(settings, port=port, rollups=rollups, cache=cache, workers=args.workers)
        try:
            cold = args.cold_rate or args.rate
            rates = args.rate if cache else cold if rollups else (args.baseline_rate or cold[:1])
            for rate in rates:
                samples = asyncio.run(
                    drive(f"http://127.0.0.1:{port}", headers, rate=rate, duration=args.duration)
                )
                results[f"{label}, {rate:g} requests/s"] = (rate, samples)
                time.sleep(10)  # let the server finish what it still holds
                for line in table(samples, args.duration):
                    sys.stdout.write(f"{label} @ {rate:g}/s {line}\n")
                sys.stdout.write(f"{label} @ {rate:g}/s errors: {samples.why}\n")
        finally:
            stop(proc)
    load = f"load average {load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after"
    sys.stdout.write(load + "\n")
    if not args.no_docs:
        write_section("api", report(args, rows, loaded, results, heavy, load))


def report(
    args: argparse.Namespace,
    rows: int,
    loaded: float,
    results: dict[str, tuple[float, Samples]],
    heavy: dict[str, tuple[float, float, str]],
    load: str,
) -> str:
    load_note = (
        "loaded by an earlier run" if math.isnan(loaded) else f"load incl. rollups {loaded:.0f} s"
    )
    lines = [
        "## Dashboard API under load (`benchmarks/api.py`)",
        "",
        f"`uv run python benchmarks/api.py {' '.join(sys.argv[1:])}` on {platform.machine()} "
        f"({os.cpu_count()} CPUs, shared "
        f"with other work; {load}), {date.today()}: {args.accounts} accounts, 13 months, "
        f"{rows:,} cost rows ({load_note}). `finops serve --workers {args.workers}` per "
        "configuration, an open-loop asyncio client (keep-alive HTTP/1.1 on asyncio streams) "
        "on the same machine; latency from the moment a request was due.",
        "",
    ]
    for label, (_, samples) in results.items():
        lines += [
            f"### {label} for {args.duration:g} s",
            "",
            "| endpoint | answered/s | p50 ms | p95 ms | p99 ms | errors |",
            "|---|---:|---:|---:|---:|---:|",
            *table(samples, args.duration),
            "",
        ]
    lines += [
        "### Explorer's heaviest question (in process)",
        "",
        "Two group-bys (service, account), every day of the 13 months, billed cost, "
        f"`cost_query.breakdown`, {args.explorer_runs} warm runs:",
        "",
        "| what | p50 ms | p95 ms | answered from |",
        "|---|---:|---:|---|",
        *(f"| {k} | {v[0]:.0f} | {v[1]:.0f} | {v[2]} |" for k, v in heavy.items()),
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
