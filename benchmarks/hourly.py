"""Hourly grain benchmark: ``finops ingest billing --grain hourly`` beside the FinOps
Foundation's ``focus-converter`` 1.0.0 converting the same line items (without loading them),
and beside the platform's daily grain, all in the same run.

    uv run python benchmarks/hourly.py [--size 1000000] [--work DIR]

The converter runs in its own venv (``--converter-venv``, created on first use with
``multimethod<1.11 typer<0.10 click<8.2``, which its 1.0.0 release needs) on legacy CUR with
Athena-style column names in parquet (what it reads), written from the generator's legacy CUR
export; the platform loads those same parquet files. Each step in its own process, so each peak
RSS is its own. Targets (issue 11): hourly >= 2x the converter's line items/s, under 1 GiB.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import REPO, Measured, run_child, write_section
from ingest import fresh_database

CONVERTER = ("focus-converter==1.0.0", "multimethod<1.11", "typer<0.10", "click<8.2")


def legacy_cur(out: Path, line_items: int) -> Path:
    """The generator's legacy CUR export for one month (csv.gz, ``lineItem/…`` names)."""
    if not (out / "cur").exists():
        shutil.rmtree(out, ignore_errors=True)
        run_child(f"""
from datetime import date
from pathlib import Path
from finops.generator import GenerateOptions, generate
generate(GenerateOptions(out_dir=Path({str(out)!r}), scale={line_items}, formats=("cur",),
         start=date(2026, 10, 1), end=date(2026, 11, 1), utilization=False, inventory=False,
         restatement=False))
""")
    return out / "cur"


def athena_parquet(cur: Path, out: Path) -> Path:
    """The same line items as Athena-named parquet: costs double, dates timestamps, ids text."""
    if out.exists() and any(out.glob("*.parquet")):
        return out
    out.mkdir(parents=True, exist_ok=True)
    run_child(f"""
import duckdb
from pathlib import Path
from finops.ingest.billing.formats import athena_name
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
for i, src in enumerate(sorted(Path({str(cur)!r}).rglob("*.csv.gz"))):
    read = f"read_csv('{{src}}', header=true, all_varchar=true)"
    describe = f"SELECT column_name FROM (DESCRIBE SELECT * FROM {{read}})"
    names = [r[0] for r in con.execute(describe).fetchall()]
    def expr(n):
        a = athena_name(n)
        if a.endswith(("_cost", "_rate", "_amount", "_factor", "_fee", "_commitment", "_to_date")):
            return f'CAST(NULLIF("{{n}}", \\'\\') AS DOUBLE) AS "{{a}}"'
        if a.endswith(("_date", "_time")):
            return f'CAST(NULLIF("{{n}}", \\'\\') AS TIMESTAMP) AS "{{a}}"'
        return f'"{{n}}" AS "{{a}}"'
    sql = ", ".join(expr(n) for n in names)
    target = f"{out!s}/part-{{i}}.parquet"
    con.execute(f"COPY (SELECT {{sql}} FROM {{read}}) TO '{{target}}' (FORMAT parquet)")
""")
    return out


def converter_venv(venv: Path) -> Path:
    binary = venv / "bin" / "focus-converter"
    if not binary.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", *CONVERTER], check=True)
    return binary


def run_converter(binary: Path, data: Path, out: Path) -> Measured:
    shutil.rmtree(out, ignore_errors=True)
    code = f"""
import subprocess
subprocess.run([{str(binary)!r}, "convert", "--provider", "aws", "--data-path", {str(data)!r},
                "--data-format", "parquet", "--parquet-data-format", "dataset",
                "--export-path", {str(out)!r}], check=True, capture_output=True)
"""
    # the converter's own process is the child's child: its RSS is read from the wait
    started = time.perf_counter()
    proc = subprocess.run(
        ["/usr/bin/time", "-f", "%M", sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"focus-converter failed:\n{proc.stderr[-4000:]}")
    return Measured(seconds, int(proc.stderr.strip().splitlines()[-1]) / 1024, proc.stdout)


def load(data: Path, grain: str, name: str) -> Measured:
    url = fresh_database(name)
    return run_child(
        "from finops.ingest.billing import ingest_billing\n"
        f"ingest_billing({str(data)!r}, grain={grain!r})",
        env={"FINOPS_DATABASE_URL": url, "FINOPS_LOG_LEVEL": "WARNING"},
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--work", type=Path, default=REPO / ".finops" / "bench-hourly")
    parser.add_argument("--converter-venv", type=Path, default=None)
    parser.add_argument("--no-docs", action="store_true", help="do not update docs/benchmarks.md")
    args = parser.parse_args()
    cur = legacy_cur(args.work / f"export-{args.size}", args.size)
    data = athena_parquet(cur, args.work / f"athena-{args.size}")
    binary = converter_venv(args.converter_venv or args.work / "converter-venv")
    count = run_child(
        f'import duckdb\nprint(duckdb.connect().execute("SELECT count(*) FROM '
        f"read_parquet('{data}/*.parquet')\").fetchone()[0])"
    )
    line_items = int(count.output.strip().splitlines()[-1])
    results = [
        (
            "focus-converter 1.0.0 (convert only, parquet out)",
            run_converter(binary, data, args.work / "fc-out"),
        ),
        (
            "finops ingest billing --grain hourly (load + reconcile)",
            load(data, "hourly", "bench_hourly"),
        ),
        (
            "finops ingest billing --grain daily (load + reconcile)",
            load(data, "daily", "bench_daily"),
        ),
    ]
    converter = results[0][1]
    rows = [
        f"\n### {line_items:,} legacy CUR line items (Athena-named parquet)\n",
        "| step | seconds | line items/s | × converter | peak RSS (MB) |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, m in results:
        rows.append(
            f"| {label} | {m.seconds:.2f} | {line_items / m.seconds:,.0f} | "
            f"{converter.seconds / m.seconds:.2f} | {m.peak_rss_mb:,.0f} |"
        )
    print("\n".join(rows))
    body = (
        "## Hourly grain beside the FOCUS converter\n\n"
        f"`uv run python benchmarks/hourly.py` on {platform.machine()}, "
        f"{date.today().isoformat()}; each step in its own process, process start-up included. "
        "The converter only converts (no database); the platform's steps load into PostgreSQL "
        "and reconcile. Compare the ratios of one run: absolute times on this VM drift.\n"
        + "\n".join(rows)
    )
    if not args.no_docs:
        write_section("hourly", body)


if __name__ == "__main__":
    main()
