"""Content digests of everything the generator writes, to prove a refactor changes no output.

Each file is digested by its content, not its bytes where a format embeds the writer's version:
a Parquet file by its schema (with the export's own metadata) and the rows read back, a gzip
file by its decompressed text, anything else by its bytes. Two estates are generated with fixed
seeds: the test estate at daily grain in every format, and a short hourly one with extra
anomalies (the paths a larger scale takes).

Compare two checkouts (e.g. before and after a restructuring) with:

    uv run python -m tests.generator.output_digest /tmp/before.json   # in the old checkout
    uv run python -m tests.generator.output_digest /tmp/after.json    # in the new one
    diff /tmp/before.json /tmp/after.json
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sys
import tempfile
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq

from finops.generator import GenerateResult, generate
from tests.generator.helpers import small_options

WRITER_KEYS = {b"created_by", b"ARROW:schema"}


def content_digest(path: Path) -> str:
    """The SHA-256 of a file's content as a reader sees it (see the module docstring)."""
    h = hashlib.sha256()
    if path.name.endswith(".parquet"):
        table = pq.read_table(path)
        metadata = {k: v for k, v in (table.schema.metadata or {}).items() if k not in WRITER_KEYS}
        h.update(str(table.schema.remove_metadata()).encode())
        h.update(repr(sorted(metadata.items())).encode())
        for name in table.column_names:
            h.update(name.encode())
            h.update(repr(table.column(name).to_pylist()).encode())
    elif path.name.endswith(".gz"):
        h.update(gzip.decompress(path.read_bytes()))
    else:
        h.update(path.read_bytes())
    return h.hexdigest()


def estate_digests(result: GenerateResult) -> dict[str, str]:
    """Every written file (relative path) with its content digest, plus the result's figures."""
    root = result.out_dir
    digests = {str(p.relative_to(root)): content_digest(p) for p in sorted(result.files)}
    digests["(result)"] = hashlib.sha256(
        repr(
            (
                result.line_items,
                sorted(result.totals.items()),
                sorted(result.original_totals.items()),
                result.restated_period,
                result.granularity,
            )
        ).encode()
    ).hexdigest()
    return digests


def all_digests(root: Path) -> dict[str, dict[str, str]]:
    """The daily estate in every format and a short hourly estate with extra anomalies."""
    daily = generate(small_options(root / "daily"))
    hourly = generate(
        small_options(
            root / "hourly",
            start=date(2026, 9, 20),
            end=date(2026, 10, 6),
            seed=11,
            accounts=3,
            scale=40_000,
            extra_anomalies=4,
            utilization_days=2,
        )
    )
    return {"daily": estate_digests(daily), "hourly": estate_digests(hourly)}


def main(argv: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        digests = all_digests(Path(tmp))
    Path(argv[1]).write_text(json.dumps(digests, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main(sys.argv)
