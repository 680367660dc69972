"""Generator throughput (line items/s) and peak memory (RSS) for explicit line-item targets.

Each size runs in a fresh subprocess so peak RSS is that run's own. CUR 2.0 only, hourly
granularity, 8 accounts, the default 13-month range; utilization and inventory are switched off
so the figures are about billing line items.

    uv run python benchmarks/generator.py              # 1M and 10M
    uv run python benchmarks/generator.py 100000000    # any sizes
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run_one(target: int, out_dir: Path) -> dict[str, float | int]:
    from finops.generator import GenerateOptions, generate

    started = time.perf_counter()
    result = generate(
        GenerateOptions(
            out_dir=out_dir, scale=target, formats=("cur2",), utilization=False, inventory=False
        )
    )
    elapsed = time.perf_counter() - started
    size = sum(p.stat().st_size for p in result.files)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "target": target,
        "line_items": result.line_items,
        "seconds": round(elapsed, 1),
        "line_items_per_second": round(result.line_items / elapsed),
        "peak_rss_mib": round(peak_kib / 1024),
        "output_mib": round(size / 2**20),
        "files": len(result.files),
    }


def main(argv: list[str]) -> None:
    if argv and argv[0] == "--child":
        target, out = int(argv[1]), Path(argv[2])
        print(json.dumps(run_one(target, out)))
        return
    sizes = [int(a) for a in argv] or [1_000_000, 10_000_000]
    rows = []
    for target in sizes:
        with tempfile.TemporaryDirectory(prefix="finops-bench-") as tmp:
            output = subprocess.run(
                [sys.executable, __file__, "--child", str(target), tmp],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            rows.append(json.loads(output.strip().splitlines()[-1]))
            print(rows[-1], flush=True)
    print("\n| target | line items | seconds | line items/s | peak RSS (MiB) | output (MiB) |")
    print("|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['target']:,} | {r['line_items']:,} | {r['seconds']} | "
            f"{r['line_items_per_second']:,} | {r['peak_rss_mib']} | {r['output_mib']} |"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
