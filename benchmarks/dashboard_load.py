"""The dashboard's first page fully loaded in Chromium, cold and warm.

    uv run python benchmarks/dashboard_load.py [--estate DIR] [--loads 7] [--reuse] [--no-docs]

Generates the demo-like estate (``finops.generator`` defaults: 8 accounts, 13 months, daily
grain; kept in ``--estate`` and reused), loads it into database ``bench_dashboard``, serves it
with the built dashboard (``finops serve``; run ``make frontend`` first) and runs
``frontend/e2e/dashboard-load.bench.mjs``: it signs in once, then opens the Overview
``--loads`` times cold (new browser context: empty HTTP cache) and ``--loads`` times warm
(reloads). A load ends when the network has been idle and the Overview shows its total and
trend chart; its time is navigation start to the last response (or the load event). Reports
the median and the slowest of each, the bytes a cold load transfers, and the built bundle's
chunks; writes the section ``dashboard-load`` of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import httpx
import psycopg
from pydantic import SecretStr

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import REPO, write_section

from finops.config import Settings, get_settings
from finops.db.engine import ensure_database, get_engine, libpq_url, server_url
from finops.db.migrate import upgrade

DATABASE = "bench_dashboard"
VIEWER = ("bench-dashboard", "bench-dashboard-Passw0rd")
TARGET_MS = 1500
DIST = REPO / "frontend" / "dist"


def prepare(settings: Settings, *, estate: Path) -> None:
    """Generate (unless present) and load the estate into a new database, with a viewer."""
    from finops.auth.roles import Role
    from finops.auth.users import create_user
    from finops.generator import GenerateOptions, generate
    from finops.ingest.billing import ingest_billing

    if not (estate / "cur2").exists():
        generate(
            GenerateOptions(out_dir=estate, formats=("cur2",), utilization=False, inventory=False)
        )
    admin = libpq_url(server_url(settings, "postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    ensure_database(settings, DATABASE)
    upgrade(get_engine(settings))
    ingest_billing(str(estate / "cur2"), settings=settings)
    with get_engine(settings).begin() as conn:
        create_user(conn, username=VIEWER[0], role=Role.VIEWER, password=VIEWER[1])


def serve(settings: Settings, *, port: int) -> subprocess.Popen[bytes]:
    """``finops serve`` (the API and the built dashboard) once it answers."""
    assert settings.database_url is not None
    env = {
        **os.environ,
        "FINOPS_DATABASE_URL": settings.database_url.get_secret_value(),
        "FINOPS_HOME": str(settings.home),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "finops", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 180  # a busy machine imports slowly
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code < 500:
                return proc
        except httpx.HTTPError:
            time.sleep(0.5)
    proc.terminate()
    proc.wait(timeout=10)
    raise RuntimeError(f"finops serve on port {port} did not start")


def measure(base_url: str, *, loads: int) -> dict[str, list[int]]:
    """Runs the Chromium script; {"cold": [ms...], "warm": [ms...], "cold bytes": [n]}."""
    node = shutil.which("node")
    assert node, "node is required"
    run = subprocess.run(
        [node, str(REPO / "frontend" / "e2e" / "dashboard-load.bench.mjs")],
        env={
            **os.environ,
            "BASE_URL": base_url,
            "E2E_LOGIN": f"{VIEWER[0]}:{VIEWER[1]}",
            "LOADS": str(loads),
        },
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO / "frontend",
        timeout=600,
    )
    if run.returncode != 0:
        raise RuntimeError(f"the browser run failed:\n{run.stdout}\n{run.stderr}")
    out: dict[str, list[int]] = {}
    for line in run.stdout.splitlines():
        name, _, values = line.partition(": ")
        out[name] = [int(v) for v in values.split(",")]
    return out


def chunks() -> list[tuple[str, int]]:
    """The built bundle's JavaScript chunks and their sizes, largest first."""
    files = sorted((DIST / "assets").glob("*.js"), key=lambda p: -p.stat().st_size)
    return [(p.name, p.stat().st_size) for p in files]


def report(loads: int, figures: dict[str, list[int]]) -> str:
    cold, warm = figures["cold"], figures["warm"]
    built = chunks()
    lines = [
        "## Dashboard first page in Chromium (`benchmarks/dashboard_load.py`)",
        "",
        f"`uv run python benchmarks/dashboard_load.py --loads {loads}` on {platform.machine()} "
        f"({os.cpu_count()} CPUs, shared with other work), {date.today()}: the demo-like estate "
        "(8 accounts, 13 months, daily grain), one `finops serve` process serving the API and the "
        "built dashboard, headless Chromium on the same machine, signed in as a viewer. A load "
        "is the Overview from navigation start to its last response, once its total and trend "
        f"chart are shown and the network is idle. Target: < {TARGET_MS} ms.",
        "",
        "| load | median ms | slowest ms | loads |",
        "|---|---:|---:|---:|",
        f"| cold (empty cache) | {statistics.median(cold):.0f} | {max(cold)} | {len(cold)} |",
        f"| warm (reload) | {statistics.median(warm):.0f} | {max(warm)} | {len(warm)} |",
        "",
        f"A cold load transfers {figures['cold bytes'][0] / 1024:,.0f} kB. JavaScript chunks "
        "built (kB, before compression): "
        + ", ".join(f"{name.split('-')[0]} {size / 1024:,.0f}" for name, size in built)
        + ".",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--estate", type=Path, default=REPO / ".finops" / "bench-dashboard-estate")
    parser.add_argument("--loads", type=int, default=7)
    parser.add_argument("--port", type=int, default=18741)
    parser.add_argument("--reuse", action="store_true", help="keep the loaded database")
    parser.add_argument("--no-docs", action="store_true", help="do not update docs/benchmarks.md")
    args = parser.parse_args()
    if not (DIST / "index.html").exists():
        raise SystemExit("frontend/dist is not built: run `make frontend`")
    base = get_settings()
    settings = base.model_copy(update={"database_url": SecretStr(server_url(base, DATABASE))})
    if args.reuse:
        upgrade(get_engine(settings))
    else:
        prepare(settings, estate=args.estate)
    proc = serve(settings, port=args.port)
    try:
        figures = measure(f"http://127.0.0.1:{args.port}", loads=args.loads)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    text = report(args.loads, figures)
    sys.stdout.write(text + "\n")
    if not args.no_docs:
        write_section("dashboard-load", text)


if __name__ == "__main__":
    main()
