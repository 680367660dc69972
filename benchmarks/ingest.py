"""Billing ingest benchmark: raw CUR 2.0 line items per second, end to end, beside the
practical limit on this machine and a pandas baseline, all measured in the same run.

    uv run python benchmarks/ingest.py [--sizes 1000000 10000000] [--work DIR]

Steps, each in its own process (so each peak RSS is its own):
  e2e     ``finops ingest billing`` on the export: discover, DuckDB transform streamed into
          COPY, swap, reconcile, logs
  transform  the platform's DuckDB transform alone (scan, map, aggregate, write the COPY file)
  duckdb  (a) DuckDB scanning and aggregating the same files on the same keys, no mapping
  copy    (b) PostgreSQL COPY of the transform's rows alone, into an unindexed temp table
  pandas  baseline: pandas reads the parquet, aggregates daily, ``to_sql`` (1M only: at 10M
          pandas needs more memory than the 2 GB budget allows)
The practical limit is (a) + (b) run back to back; the target is e2e >= 1M line items/s
and >= 50% of that limit, under 2 GB peak RSS at 10M.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import REPO, run_child, write_section

PANDAS_MAX = 2_000_000


def generate(out: Path, line_items: int) -> int:
    code = f"""
from datetime import date
from pathlib import Path
from finops.generator import GenerateOptions, generate
r = generate(GenerateOptions(out_dir=Path({str(out)!r}), scale={line_items}, formats=("cur2",),
             start=date(2026, 10, 1), end=date(2026, 11, 1), utilization=False, inventory=False,
             restatement=False))
print(r.line_items)
"""
    return int(run_child(code).output.strip().splitlines()[-1])


def fresh_database(name: str) -> str:
    code = f"""
from finops.config import get_settings
from finops.db.engine import ensure_database, get_engine, server_url
from finops.db.migrate import upgrade
import psycopg
from finops.db.engine import libpq_url
settings = get_settings()
admin = libpq_url(server_url(settings, "postgres"))
with psycopg.connect(admin, autocommit=True) as c:
    c.execute('DROP DATABASE IF EXISTS "{name}"')
url = ensure_database(settings, "{name}")
from sqlalchemy import create_engine
upgrade(create_engine(url))
print(url)
"""
    return run_child(code).output.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--work", type=Path, default=REPO / ".finops" / "bench-ingest")
    parser.add_argument("--no-docs", action="store_true", help="do not update docs/benchmarks.md")
    args = parser.parse_args()
    rows: list[str] = []
    for size in args.sizes:
        export = args.work / f"export-{size}"
        if not (export / "cur2").exists():
            shutil.rmtree(export, ignore_errors=True)
            generate(export, size)
        source = str(export / "cur2")
        count_code = f"""
import duckdb
con = duckdb.connect()
print(con.execute("select count(*) from read_parquet('{source}/*/data/*/*.parquet')").fetchone()[0])
"""
        line_items = int(run_child(count_code).output.strip().splitlines()[-1])
        url = fresh_database(f"bench_e2e_{size}")
        e2e = run_child(
            f"from finops.ingest.billing import ingest_billing\nimport sys\n"
            f"ingest_billing({source!r})",
            env={"FINOPS_DATABASE_URL": url, "FINOPS_LOG_LEVEL": "WARNING"},
        )
        work = args.work / f"transform-{size}"
        duck = run_child(f"""
import duckdb
from finops.ingest.billing.cur_columns import CUR_COLUMNS
con = duckdb.connect(config={{"threads": 2, "memory_limit": "1GB"}})
money = [c for c, t in CUR_COLUMNS.items() if t.startswith("DECIMAL")]
dims = [c for c in CUR_COLUMNS if c not in money and not c.endswith("_date")]
sql = (f"SELECT {{', '.join(dims)}}, map_extract_value(product, 'product_name'), "
       f"CAST(to_json(resource_tags) AS VARCHAR), "
       f"date_trunc('day', line_item_usage_start_date) AS day, "
       f"{{', '.join(f'sum(CAST({{m}} AS DECIMAL(38, 10)))' for m in money)}}, count(*) "
       f"FROM read_parquet('{source}/*/data/*/*.parquet') GROUP BY ALL")
con.execute(f"COPY ({{sql}}) TO '{work!s}.csv' (FORMAT csv)")
""")
        transform = run_child(f"""
from pathlib import Path
from finops.ingest.billing.sources import discover
from finops.ingest.billing.transform import transform_unit
units = discover(Path({source!r}), work_dir=Path({str(work)!r}) / "d")
for i, unit in enumerate(units):
    transform_unit(unit, work_dir=Path({str(work)!r}) / f"u{{i}}")
""")
        copy_url = fresh_database(f"bench_copy_{size}")
        copy = run_child(f"""
import psycopg
from pathlib import Path
from finops.db.engine import libpq_url
from finops.ingest.billing.columns import ATTRIBUTE_COPY_COLUMNS, FACT_COPY_COLUMNS
with psycopg.connect(libpq_url({copy_url!r})) as conn:
    conn.execute("CREATE TEMP TABLE a (LIKE finops.cost_attributes INCLUDING DEFAULTS)")
    conn.execute("CREATE TEMP TABLE f (LIKE finops.cost_facts INCLUDING DEFAULTS)")
    for table, cols, name in (("a", ATTRIBUTE_COPY_COLUMNS, "focus_attributes.csv"),
                              ("f", FACT_COPY_COLUMNS, "focus_facts.csv")):
        for path in sorted(Path({str(work)!r}).glob(f"u*/{{name}}")):
            sql = f"COPY {{table}} ({{', '.join(cols)}}) FROM STDIN WITH (FORMAT csv, NULL '\\\\N')"
            with conn.cursor().copy(sql) as cp, path.open("rb") as fh:
                while chunk := fh.read(1 << 20):
                    cp.write(chunk)
""")
        results = [
            ("e2e: finops ingest billing", e2e),
            ("the platform's DuckDB transform alone (no PostgreSQL)", transform),
            ("(a) DuckDB scan + aggregate alone (same keys, no mapping)", duck),
            ("(b) PostgreSQL COPY of the resulting rows alone", copy),
        ]
        if size <= PANDAS_MAX:
            pandas_url = fresh_database(f"bench_pandas_{size}")
            pandas = run_child(f"""
import glob
import pandas as pd
from sqlalchemy import create_engine
files = sorted(glob.glob('{source}/*/data/*/*.parquet'))
df = pd.concat([pd.read_parquet(f) for f in files])
df["day"] = df["line_item_usage_start_date"].dt.floor("D")
keys = ["day", "line_item_usage_account_id", "line_item_product_code", "line_item_usage_type",
        "line_item_operation", "line_item_resource_id", "line_item_line_item_type"]
money = ["line_item_unblended_cost", "pricing_public_on_demand_cost"]
agg = df.groupby(keys, dropna=False)[money].sum().reset_index()
agg.to_sql("pandas_costs", create_engine({pandas_url!r}), schema="public", if_exists="replace",
           index=False, chunksize=5000, method="multi")
""")
            results.append(("baseline: pandas + to_sql", pandas))
        limit = duck.seconds + copy.seconds
        rows.append(
            f"\n### {line_items:,} CUR 2.0 line items "
            f"({len(list(Path(source).rglob('*.parquet')))} parquet files)\n"
        )
        rows.append("| step | seconds | line items/s | peak RSS (MB) |")
        rows.append("|---|---:|---:|---:|")
        for label, m in results:
            rows.append(
                f"| {label} | {m.seconds:.2f} | {line_items / m.seconds:,.0f} | "
                f"{m.peak_rss_mb:,.0f} |"
            )
        rows.append(
            f"| practical limit: (a) + (b) back to back | {limit:.2f} | "
            f"{line_items / limit:,.0f} | |"
        )
        rows.append(
            f"\nEnd to end reaches **{limit / e2e.seconds:.0%}** of the practical limit"
            + (
                f" and runs **{results[-1][1].seconds / e2e.seconds:.1f}x** faster than "
                "the pandas baseline."
                if size <= PANDAS_MAX
                else "."
            )
        )
        print("\n".join(rows[-(len(results) + 5) :]))
    body = (
        "## Billing ingest\n\n"
        f"`uv run python benchmarks/ingest.py` on {platform.machine()}, "
        f"{date.today().isoformat()}; the generator's hourly CUR 2.0 export for one month; each "
        "step in its own process. Includes process start-up (≈1.5 s for e2e, which imports the "
        "ingest stack). Absolute times on this VM vary by about ±30% from run to run (its page "
        "cache is reclaimed between steps); compare the steps of one run.\n" + "\n".join(rows)
    )
    if not args.no_docs:
        write_section("ingest", body)


if __name__ == "__main__":
    main()
