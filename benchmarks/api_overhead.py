"""A cached dashboard answer's cost: this checkout against a baseline revision, same run.

    uv run python benchmarks/api_overhead.py [--baseline main] [--rate 50 100 200]
        [--duration 60] [--slices 4] [--workers 2] [--requests 3000] [--candidate REF]
        [--no-docs]

Needs the database of ``benchmarks/api.py`` (50 accounts, 13 months; run that once, or with
``--reuse`` after it). The baseline revision is exported with ``git archive`` into a temporary
directory and served from there (its ``backend`` first on ``PYTHONPATH``, same virtualenv, same
database, same settings); this checkout is served as it is. Both serve the rollups with the
response cache (the default), so every answer but the first of each question is a cache hit:
what remains is the per-request cost of the app itself (middlewares, authentication from the
credential cache, the cache lookup) and of uvicorn.

1. In process (no HTTP): ``--requests`` cached ``GET /api/v1/kpi/summary`` calls through the
   app's ASGI interface, each revision in its own child process: microseconds per request.
2. Over HTTP: both revisions served at once (``finops serve --workers N`` each); for each
   ``--rate``, the open-loop load of ``benchmarks/api.py`` (every dashboard endpoint,
   round-robin) for ``--duration`` s per revision, in ``--slices`` slices taken in turn
   (A B, B A, ...: on a shared machine both see the same phases of the other work): p50 / p95 /
   p99 / errors per endpoint, and this checkout's p95 as a ratio of the baseline's.

The machine's load average (``os.getloadavg``) is recorded before and after each step.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import subprocess
import sys
import tarfile
import tempfile
import time
from datetime import date
from pathlib import Path

from pydantic import SecretStr

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import REPO, run_child, write_section
from _load import ENDPOINTS, Samples, drive, percentile, table
from api import DATABASE, serve, stop, token

from finops.config import Settings, get_settings
from finops.db.engine import get_engine, server_url
from finops.db.migrate import upgrade

IN_PROCESS = """
import asyncio, logging, os, sys, time
from finops.api.main import create_app
from finops.cli.common import setup_logging
from finops.db import signals

setup_logging()  # as finops serve configures it; its stderr goes nowhere, as in api.py's serve
logging.getLogger().handlers[0].setStream(open(os.devnull, "w"))
token, requests = sys.argv[1], int(sys.argv[2])
app = create_app(frontend_dist=None)
path = b"/api/v1/kpi/summary"
scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
         "scheme": "http", "path": path.decode(), "raw_path": path, "query_string": b"",
         "root_path": "", "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000),
         "headers": [(b"host", b"127.0.0.1:8000"), (b"authorization", b"Bearer " + token.encode()),
                     (b"user-agent", b"bench"), (b"accept", b"*/*")]}
seen = []

async def receive():
    return {"type": "http.request", "body": b"", "more_body": False}

async def send(message):
    if message["type"] == "http.response.start":
        seen.append((message["status"], dict(message["headers"]).get(b"x-finops-cache")))

async def run(n):
    for _ in range(n):
        await app(dict(scope, state={}), receive, send)

async def main():
    await run(1)  # a miss: authenticates, starts the cache listener, stores the answer
    deadline = time.monotonic() + 30
    while not signals.listening() and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    await run(50)
    seen.clear()
    started = time.perf_counter()
    await run(requests)
    elapsed = time.perf_counter() - started
    hits = sum(1 for status, cache in seen if status == 200 and cache == b"hit")
    print(f"RESULT {elapsed / requests * 1e6:.1f} {hits} {len(seen)}")

asyncio.run(main())
"""


def export(ref: str, into: Path) -> Path:
    """``ref``'s tree (``git archive``) under ``into``; its commit in the name."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", ref], cwd=REPO, check=True, capture_output=True, text=True
    ).stdout.strip()
    target = into / commit
    target.mkdir()
    archive = into / f"{commit}.tar"
    with archive.open("wb") as out:
        subprocess.run(["git", "archive", ref], cwd=REPO, check=True, stdout=out)
    with tarfile.open(archive) as tar:
        tar.extractall(target, filter="data")
    return target


def in_process(settings: Settings, bearer: str, *, code: Path | None, requests: int) -> float:
    """Microseconds per cached request through the ASGI app of ``code`` (None: this checkout)."""
    assert settings.database_url is not None
    env = {
        "FINOPS_DATABASE_URL": settings.database_url.get_secret_value(),
        "FINOPS_HOME": str(settings.home.resolve()),
        "FINOPS_LOG_JSON": "true",
        "FINOPS_API_AUTH_CACHE_S": "600",  # the whole loop on one credential lookup
    }
    if code is not None:
        env["PYTHONPATH"] = str(code / "backend")
    script = IN_PROCESS.replace("sys.argv[1], int(sys.argv[2])", f"{bearer!r}, {requests}")
    found = run_child(script, env=env)
    line = next(x for x in found.output.splitlines() if x.startswith("RESULT "))
    micros, hits, total = line.split()[1:]
    if int(hits) != int(total):
        raise RuntimeError(f"only {hits} of {total} in-process requests were cache hits")
    return float(micros)


def load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


Result = dict[str, tuple[Samples, list[str]]]
"""Per revision: its samples at one rate, the load average before each of its slices."""


def load_run(
    procs: dict[str, tuple[int, subprocess.Popen[bytes]]],
    headers: dict[str, str],
    *,
    rate: float,
    duration: float,
    slices: int,
) -> Result:
    """``duration`` seconds of load at ``rate`` for each revision, in ``slices`` slices taken
    in turn (A B, B A, A B, ...: both see the same phases of a machine whose other work comes
    and goes), the samples merged."""
    out: Result = {name: (Samples(), []) for name in procs}
    names = list(procs)
    for index in range(slices):
        for name in names if index % 2 == 0 else names[::-1]:
            port = procs[name][0]
            merged, loads = out[name]
            loads.append(load())
            url = f"http://127.0.0.1:{port}"
            got = asyncio.run(drive(url, headers, rate=rate, duration=duration / slices))
            for endpoint, values in got.latencies.items():
                merged.latencies.setdefault(endpoint, []).extend(values)
            for kind, into in ((got.errors, merged.errors), (got.why, merged.why)):
                for key, count in kind.items():
                    into[key] = into.get(key, 0) + count
            time.sleep(5)  # let the server finish what it still holds
    for name, (merged, _) in out.items():
        for line in table(merged, duration):
            sys.stdout.write(f"{name} @ {rate:g}/s {line}\n")
        sys.stdout.write(f"{name} @ {rate:g}/s errors: {merged.why}\n")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="main", help="git revision to compare with")
    parser.add_argument(
        "--candidate", default=None, help="git revision to measure (default: this checkout)"
    )
    parser.add_argument("--rate", type=float, nargs="+", default=[50.0, 100.0, 200.0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per revision")
    parser.add_argument("--slices", type=int, default=4, help="alternating slices per rate")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--requests", type=int, default=3000, help="in-process requests")
    parser.add_argument("--no-docs", action="store_true", help="do not update docs/benchmarks.md")
    args = parser.parse_args()
    base = get_settings()
    settings = base.model_copy(update={"database_url": SecretStr(server_url(base, DATABASE))})
    upgrade(get_engine(settings))
    bearer = token(settings)
    headers = {"Authorization": f"Bearer {bearer}"}
    out = sys.stdout
    with tempfile.TemporaryDirectory(prefix="finops-baseline-") as tmp:
        baseline = export(args.baseline, Path(tmp))
        label = f"{args.baseline} ({baseline.name})"
        candidate = None if args.candidate is None else export(args.candidate, Path(tmp))
        revisions = ((label, baseline), ("this branch", candidate))
        micros: dict[str, tuple[float, str]] = {}
        for name, code in revisions:
            before = load()
            micros[name] = (in_process(settings, bearer, code=code, requests=args.requests), before)
            out.write(f"in process, {name}: {micros[name][0]:.0f} us per cached request\n")
        procs = {
            name: (
                port,
                serve(
                    settings, port=port, rollups=True, cache=True, workers=args.workers, code=code
                ),
            )
            for port, (name, code) in enumerate(revisions, start=18741)
        }
        try:
            results = {
                rate: load_run(
                    procs, headers, rate=rate, duration=args.duration, slices=args.slices
                )
                for rate in args.rate
            }
        finally:
            for _, proc in procs.values():
                stop(proc)
    text = report(args, label, micros, results)
    out.write(text + "\n")
    if not args.no_docs:
        write_section("api-overhead", text)


def report(
    args: argparse.Namespace,
    label: str,
    micros: dict[str, tuple[float, str]],
    results: dict[float, Result],
) -> str:
    rates = " ".join(f"{r:g}" for r in args.rate)
    base_us, this_us = micros[label][0], micros["this branch"][0]
    lines = [
        "## A cached answer's cost, before and after (`benchmarks/api_overhead.py`)",
        "",
        f"`uv run python benchmarks/api_overhead.py --baseline {args.baseline} "
        + ("" if args.candidate is None else f"--candidate {args.candidate} ")
        + f"--rate {rates} "
        f"--duration {args.duration:g} --slices {args.slices} --workers {args.workers} "
        f"--requests {args.requests}` "
        f"on {platform.machine()} ({os.cpu_count()} CPUs, shared with other work), "
        f"{date.today()}: the database of `benchmarks/api.py` (50 accounts, 13 months), rollups "
        f"and response cache on; baseline `{label}` served from a `git archive` of it, same "
        "virtualenv and database, both served at once and loaded in alternating slices "
        "(A B, B A, ...) (`this branch`: "
        + ("this checkout" if args.candidate is None else f"`{args.candidate}`, exported alike")
        + "). Load average (1 min): before each step or slice.",
        "",
        "### In process: cached `GET /api/v1/kpi/summary` through the ASGI app",
        "",
        "| revision | µs per request | load |",
        "|---|---:|---:|",
        *(f"| {name} | {us:.0f} | {before} |" for name, (us, before) in micros.items()),
        "",
        f"This branch: {this_us / base_us:.2f}× the baseline's time per request.",
        "",
    ]
    for rate in args.rate:
        for name in (label, "this branch"):
            samples, loads = results[rate][name]
            lines += [
                f"### {name}, {rate:g} requests/s for {args.duration:g} s "
                f"(`finops serve --workers {args.workers}`; {args.slices} slices, load "
                f"{', '.join(loads)})",
                "",
                "| endpoint | answered/s | p50 ms | p95 ms | p99 ms | errors |",
                "|---|---:|---:|---:|---:|---:|",
                *table(samples, args.duration),
                "",
            ]
        lines += [*ratios(rate, results, label), ""]
    return "\n".join(lines)


def ratios(rate: float, results: dict[float, Result], label: str) -> list[str]:
    """This branch's p95 per endpoint as a ratio of the baseline's at ``rate``."""
    before, after = results[rate][label][0], results[rate]["this branch"][0]
    cells = []
    for name in ENDPOINTS:
        old = percentile([v * 1000 for v in before.latencies.get(name, [])], 0.95)
        new = percentile([v * 1000 for v in after.latencies.get(name, [])], 0.95)
        cells.append(f"{name} {new / old:.2f}×" if old == old and new == new else f"{name} n/a")
    return [f"p95 at {rate:g}/s, this branch against the baseline: " + "; ".join(cells) + "."]


if __name__ == "__main__":
    main()
