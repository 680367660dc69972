"""Provider-realistic FOCUS files from ``focus-data-toolkit`` (PyPI, an independent generator),
and the sums a test reconciles against, computed from the CSV text with ``csv`` and ``Decimal``
(never through the platform's loader)."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

PROVIDERS = ("aws", "azure", "gcp")
VERSIONS = ("1.2", "1.3")
MONEY = ("BilledCost", "EffectiveCost", "ListCost", "ContractedCost")

Key = tuple[str, ...]
Sums = dict[Key, tuple[Decimal, ...]]


@dataclass(frozen=True)
class ToolkitFile:
    provider: str  # the toolkit's name: aws | azure | gcp
    version: str
    path: Path

    def rows(self) -> list[dict[str, str]]:
        with self.path.open(newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))

    def header(self) -> list[str]:
        with self.path.open(newline="", encoding="utf-8") as handle:
            return next(csv.reader(handle))


def generate_cost_and_usage(
    *, provider: str, version: str, export_dir: Path, rows: int = 300, seed: int = 11
) -> ToolkitFile:
    """Run ``focus-toolkit generate`` and place its cost-and-usage CSV in ``export_dir``, as a
    provider's export folder holds it."""
    scratch = export_dir.parent / f".toolkit-{provider}-{version}"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "focus_data_toolkit",
            "generate",
            "--provider",
            provider,
            "--focus-version",
            version,
            "--rows",
            str(rows),
            "--seed",
            str(seed),
            "--out",
            str(scratch),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    (generated,) = scratch.glob("*cost_and_usage*.csv")
    export_dir.mkdir(parents=True, exist_ok=True)
    target = export_dir / generated.name
    shutil.move(generated, target)
    shutil.rmtree(scratch)
    return ToolkitFile(provider=provider, version=version, path=target)


def _money(row: dict[str, str]) -> tuple[Decimal, ...]:
    return tuple(Decimal(row[c]) if row[c] not in ("", "NULL") else Decimal(0) for c in MONEY)


def _add(sums: dict[Key, list[Decimal]], key: Key, money: tuple[Decimal, ...]) -> None:
    acc = sums[key]
    for i, value in enumerate(money):
        acc[i] += value


def _tag_text(value: object) -> str:
    """A tag value as PostgreSQL's ``jsonb_each_text`` spells it."""
    return value if isinstance(value, str) else json.dumps(value)


def source_sums(files: list[ToolkitFile]) -> dict[str, Sums]:
    """Money per provider, per (provider, day), per (provider, service) and per
    (provider, tag key, tag value), each with the billing currency, from the CSV text."""
    groups: dict[str, dict[Key, list[Decimal]]] = {
        name: defaultdict(lambda: [Decimal(0)] * len(MONEY))
        for name in ("provider", "day", "service", "tag")
    }
    for file in files:
        for row in file.rows():
            money = _money(row)
            provider, currency = row["ProviderName"], row["BillingCurrency"]
            _add(groups["provider"], (provider, currency), money)
            _add(groups["day"], (provider, currency, row["ChargePeriodStart"][:10]), money)
            _add(groups["service"], (provider, currency, row["ServiceName"]), money)
            tags = json.loads(row["Tags"]) if row["Tags"] not in ("", "NULL") else {}
            for key, value in tags.items():
                _add(groups["tag"], (provider, currency, key, _tag_text(value)), money)
    return {name: {k: tuple(v) for k, v in sums.items()} for name, sums in groups.items()}
