"""Find the billing export files of a source and group them by billing period."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from finops.errors import IngestError

_PERIOD_DIR = re.compile(r"^BILLING_PERIOD=(\d{4}-\d{2})$")


@dataclass(frozen=True)
class PeriodFiles:
    """The data files of one billing period of one export."""

    source_id: str
    source_format: str
    billing_period: str  # YYYY-MM
    files: tuple[Path, ...]
    manifest: Path | None = None


@dataclass(frozen=True)
class DiscoveredSource:
    location: Path
    source_format: str
    periods: list[PeriodFiles] = field(default_factory=list)


def discover(location: Path, *, source_format: str = "auto") -> DiscoveredSource:
    """Group the export files under ``location`` by billing period.

    Understands the AWS Data Exports layout (``<export>/data/BILLING_PERIOD=YYYY-MM/*.parquet``
    with manifests in ``<export>/metadata/BILLING_PERIOD=YYYY-MM/``) and a single parquet file.
    """
    if not location.exists():
        raise IngestError(f"billing source {location} does not exist")
    if source_format not in ("auto", "cur2"):
        raise IngestError(
            f"--format {source_format}: only CUR 2.0 (cur2) is ingested so far; legacy CUR and "
            "FOCUS ingestion are not built yet"
        )
    if location.is_file():
        if location.suffix != ".parquet":
            raise IngestError(f"{location}: expected a CUR 2.0 parquet file")
        return DiscoveredSource(
            location=location,
            source_format="cur2",
            periods=[PeriodFiles(f"cur2:{location.stem}", "cur2", "", (location,))],
        )
    periods = _cur2_periods(location)
    if not periods:
        raise IngestError(
            f"{location}: no CUR 2.0 export found (expected "
            "<export>/data/BILLING_PERIOD=YYYY-MM/*.parquet below it)"
        )
    return DiscoveredSource(location=location, source_format="cur2", periods=periods)


def _cur2_periods(root: Path) -> list[PeriodFiles]:
    found: list[PeriodFiles] = []
    for period_dir in sorted(p for p in root.rglob("BILLING_PERIOD=*") if p.is_dir()):
        match = _PERIOD_DIR.match(period_dir.name)
        if match is None or period_dir.parent.name != "data":
            continue
        export_dir = period_dir.parent.parent
        manifest = export_dir / "metadata" / period_dir.name / f"{export_dir.name}-Manifest.json"
        files = _listed_files(period_dir, manifest)
        if files:
            found.append(
                PeriodFiles(
                    source_id=f"cur2:{export_dir.name}",
                    source_format="cur2",
                    billing_period=match.group(1),
                    files=files,
                    manifest=manifest if manifest.exists() else None,
                )
            )
    return found


def _listed_files(period_dir: Path, manifest: Path) -> tuple[Path, ...]:
    """The period's data files: those the manifest lists when there is one, else every parquet."""
    present = sorted(period_dir.glob("*.parquet"))
    if not manifest.exists():
        return tuple(present)
    try:
        listed = json.loads(manifest.read_text()).get("dataFiles", [])
    except json.JSONDecodeError as exc:
        raise IngestError(f"{manifest}: manifest is not valid JSON ({exc})") from exc
    names = [str(entry).rsplit("/", 1)[-1] for entry in listed]
    by_name = {p.name: p for p in present}
    missing = [n for n in names if n not in by_name]
    if missing:
        raise IngestError(f"{manifest}: lists data files that are not present: {missing[:5]}")
    return tuple(by_name[n] for n in sorted(names))
