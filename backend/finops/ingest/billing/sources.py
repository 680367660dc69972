"""Find a billing source's export files, recognise their format, and group them into units.

A unit is what one load replaces atomically: the files of one billing period of an export
(CUR 2.0 and legacy CUR layouts), or a set of files whose rows name their own billing periods
(FOCUS files, single files). Every file's columns are read here, so a file that belongs to no
known format, or to another format than its neighbours, is refused before anything loads.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

import duckdb

from finops.errors import IngestError
from finops.ingest.billing.formats import FORMATS, FileColumns, classify

_CUR2_PERIOD_DIR = re.compile(r"^BILLING_PERIOD=(\d{4}-\d{2})$")
_CUR_PERIOD_DIR = re.compile(r"^(\d{4})(\d{2})01-\d{8}$")
JSON_SUFFIXES = (".json", ".jsonl", ".json.gz", ".jsonl.gz")  # newline-delimited (BigQuery)
_DATA_SUFFIXES = (".parquet", ".csv", ".csv.gz", ".zip", *JSON_SUFFIXES)


@dataclass(frozen=True)
class BillingFile:
    path: Path  # the file as found (a .zip stays a .zip; it is extracted for reading)
    readable: Path  # what DuckDB reads
    columns: FileColumns


@dataclass(frozen=True)
class PeriodFiles:
    """The files one load replaces atomically.

    ``default_name`` is the name a new source gets (``cur2:<export>``, ``focus:<folder>``);
    which source the files belong to is decided from what they contain (identity.py).
    ``location`` is where the export lives as the user gave it (an ``s3://`` URI stays one),
    and ``unit_key`` names these files for the ingest log: location plus billing period.
    """

    default_name: str
    source_format: str
    billing_period: str  # YYYY-MM, or "" when the rows name their periods
    files: tuple[BillingFile, ...]
    manifest: Path | None = None
    location: str = ""
    export_name: str | None = None  # the Data Exports export or legacy CUR report name
    problem: str | None = None  # why these files cannot be read (the unit fails alone)

    @property
    def paths(self) -> tuple[Path, ...]:
        return tuple(f.path for f in self.files)

    @property
    def unit_key(self) -> str:
        return f"{self.source_format}|{self.location}|{self.billing_period}"


def is_data_file(path: Path) -> bool:
    name = path.name.lower()
    # export manifests (CUR's <name>-Manifest.json, Azure's manifest.json) are not data
    return path.is_file() and name.endswith(_DATA_SUFFIXES) and not name.endswith("manifest.json")


def discover(
    location: Path, *, source_format: str = "auto", work_dir: Path, origin: str | None = None
) -> list[PeriodFiles]:
    """The load units under ``location`` (a file or a folder).

    ``origin`` is the source as the user named it when ``location`` is a local mirror of it
    (an ``s3://`` prefix); units are located relative to it.
    """
    if source_format not in ("auto", *FORMATS):
        raise IngestError(f"--format {source_format}: expected auto, {', '.join(FORMATS)}")
    if not location.exists():
        raise IngestError(f"billing source {location} does not exist")
    con = duckdb.connect(config={"threads": 1})
    place = _Locator(location, origin)
    try:
        if location.is_file():
            name = location.stem.split(".")[0]
            try:
                file = _inspect(con, location, work_dir)
            except IngestError as exc:
                guess = "focus" if source_format == "auto" else source_format
                return [_broken(f"{guess}:{name}", guess, "", place(location), None, exc)]
            units = [
                PeriodFiles(
                    f"{file.columns.source_format}:{name}",
                    file.columns.source_format,
                    "",
                    (file,),
                    location=place(location),
                )
            ]
        else:
            units = _discover_folder(con, location, work_dir, place)
    finally:
        con.close()
    for unit in units:
        if unit.problem is None and source_format not in ("auto", unit.source_format):
            raise IngestError(
                f"{unit.files[0].path}: --format {source_format} was given but the file is "
                f"{unit.source_format}"
            )
    return units


@dataclass(frozen=True)
class _Locator:
    """Where a local path lives as the user named it: an absolute path, or the ``s3://``
    URI a mirrored path stands for."""

    root: Path
    origin: str | None

    def __call__(self, path: Path) -> str:
        if self.origin is None:
            return str(path.resolve())
        relative = path.relative_to(self.root).as_posix()
        base = self.origin.rstrip("/")
        return base if relative == "." else f"{base}/{relative}"


def _discover_folder(
    con: duckdb.DuckDBPyConnection, root: Path, work_dir: Path, place: _Locator
) -> list[PeriodFiles]:
    claimed: set[Path] = set()
    units: list[PeriodFiles] = []
    # lazily, in order: the legacy layout skips the folders the Data Exports periods claimed
    periods = chain(_data_export_periods(root, place), _legacy_cur_periods(root, place, claimed))
    for found in periods:
        paths = _listed(found.period_dir, found.manifest, key=found.manifest_key)
        claimed.update(found.period_dir.rglob("*"))
        if paths:
            units.append(_period_unit(con, paths, work_dir, found=found))
    loose = sorted(p for p in root.rglob("*") if is_data_file(p) and p not in claimed)
    if loose and units:
        raise IngestError(
            f"{loose[0]}: a data file outside the export layout of {root} (a file from another "
            "export mixed into the folder?)"
        )
    if loose:
        return [_loose_unit(con, root, loose, work_dir, place)]
    if not units:
        raise IngestError(
            f"{root}: no billing export files found (parquet, csv, csv.gz, zip or json)"
        )
    return units


@dataclass(frozen=True)
class _Period:
    """One billing period's folder of an export layout, and its manifest."""

    period_dir: Path
    manifest: Path
    manifest_key: str  # the manifest's list of data files
    name: str  # the export's or report's name
    kind: str  # the format a period is named by when it cannot be read
    period: str
    location: str


def _data_export_periods(root: Path, place: _Locator) -> Iterator[_Period]:
    """AWS Data Exports (CUR 2.0 or FOCUS): <export>/data/BILLING_PERIOD=YYYY-MM/ with the
    manifest's dataFiles under <export>/metadata/."""
    for period_dir in sorted(p for p in root.rglob("BILLING_PERIOD=*") if p.is_dir()):
        match = _CUR2_PERIOD_DIR.match(period_dir.name)
        if match is None or period_dir.parent.name != "data":
            continue
        export_dir = period_dir.parent.parent
        manifest = export_dir / "metadata" / period_dir.name / f"{export_dir.name}-Manifest.json"
        yield _Period(
            period_dir,
            manifest,
            "dataFiles",
            export_dir.name,
            "cur2",
            match.group(1),
            place(export_dir),
        )


def _legacy_cur_periods(root: Path, place: _Locator, claimed: set[Path]) -> Iterator[_Period]:
    """Legacy CUR: <report>/YYYYMMDD-YYYYMMDD/ with the report's manifest (reportKeys); read
    after the Data Exports periods, whose folders it skips (``claimed``)."""
    for period_dir in sorted(p for p in root.rglob("*") if p.is_dir()):
        match = _CUR_PERIOD_DIR.match(period_dir.name)
        if match is None or period_dir in claimed:
            continue
        manifests = sorted(period_dir.glob("*-Manifest.json"))
        if manifests:
            yield _Period(
                period_dir,
                manifests[0],
                "reportKeys",
                manifests[0].name.removesuffix("-Manifest.json"),
                "cur",
                f"{match.group(1)}-{match.group(2)}",
                place(period_dir.parent),
            )


def _period_unit(
    con: duckdb.DuckDBPyConnection, paths: list[Path], work_dir: Path, *, found: _Period
) -> PeriodFiles:
    """One export's billing period; a file that cannot be read makes it fail alone."""
    try:
        files = tuple(_inspect(con, p, work_dir) for p in paths)
    except IngestError as exc:  # this period fails alone; the others still load
        name, kind = found.name, found.kind
        return _broken(f"{kind}:{name}", kind, found.period, found.location, name, exc)
    kind = files[0].columns.source_format
    return _unit(
        f"{kind}:{found.name}",
        found.period,
        files,
        found.manifest,
        location=found.location,
        export_name=found.name,
    )


def _loose_unit(
    con: duckdb.DuckDBPyConnection,
    root: Path,
    loose: list[Path],
    work_dir: Path,
    place: _Locator,
) -> PeriodFiles:
    """Files outside any export layout (FOCUS or native exports): one unit, one format."""
    try:
        files = tuple(_inspect(con, p, work_dir) for p in loose)
    except IngestError as exc:
        return _broken(f"focus:{root.name}", "focus", "", place(root), None, exc)
    formats = {f.columns.source_format for f in files}
    if len(formats) > 1:
        first = files[0].columns.source_format
        odd = next(f for f in files if f.columns.source_format != first)
        raise IngestError(
            f"{odd.path}: a {odd.columns.source_format} file among {first} files in {root} "
            "(files from different exports mixed in one folder)"
        )
    kind = formats.pop()
    return PeriodFiles(f"{kind}:{root.name}", kind, "", files, location=place(root))


def _broken(
    name: str,
    kind: str,
    period: str,
    location: str,
    export_name: str | None,
    exc: IngestError,
) -> PeriodFiles:
    return PeriodFiles(
        name, kind, period, (), location=location, export_name=export_name, problem=str(exc)
    )


def _unit(
    default_name: str,
    period: str,
    files: tuple[BillingFile, ...],
    manifest: Path,
    *,
    location: str,
    export_name: str,
) -> PeriodFiles:
    formats = {f.columns.source_format for f in files}
    expected = default_name.split(":", 1)[0]
    odd = [f for f in files if f.columns.source_format != expected]
    if odd:
        raise IngestError(
            f"{odd[0].path}: a {odd[0].columns.source_format} file in a {expected} export folder"
        )
    return PeriodFiles(
        default_name,
        formats.pop(),
        period,
        files,
        manifest if manifest.exists() else None,
        location=location,
        export_name=export_name,
    )


def _listed(period_dir: Path, manifest: Path, *, key: str) -> list[Path]:
    """The data files the manifest lists when there is one, else every data file present."""
    present = sorted(p for p in period_dir.rglob("*") if is_data_file(p))
    if not manifest.exists():
        return present
    try:
        listed = json.loads(manifest.read_text()).get(key, [])
    except json.JSONDecodeError as exc:
        raise IngestError(f"{manifest}: manifest is not valid JSON ({exc})") from exc
    by_name = {p.name: p for p in present}
    names = [str(entry).rsplit("/", 1)[-1] for entry in listed]
    missing = [n for n in names if n not in by_name]
    if missing:
        raise IngestError(f"{manifest}: lists data files that are not present: {missing[:5]}")
    return [by_name[n] for n in sorted(names)]


def _inspect(con: duckdb.DuckDBPyConnection, path: Path, work_dir: Path) -> BillingFile:
    readable = _extract(path, work_dir) if path.name.lower().endswith(".zip") else path
    lower = readable.name.lower()
    try:
        if lower.endswith(".parquet"):
            rows = con.execute(
                "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM "
                "read_parquet(?, hive_partitioning = false))",
                [str(readable)],
            ).fetchall()
        elif lower.endswith(JSON_SUFFIXES):
            rows = con.execute(
                "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM "
                "read_json(?, format = 'newline_delimited'))",
                [str(readable)],
            ).fetchall()
        else:
            rows = con.execute(
                "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM "
                "read_csv(?, header = true, all_varchar = true, hive_partitioning = false))",
                [str(readable)],
            ).fetchall()
    except duckdb.Error as exc:
        kind = (
            "parquet"
            if lower.endswith(".parquet")
            else "newline-delimited JSON"
            if lower.endswith(JSON_SUFFIXES)
            else "csv"
        )
        raise IngestError(f"{path}: not a readable {kind} file ({exc})") from exc
    if not rows:
        raise IngestError(f"{path}: the file has no columns")
    return BillingFile(path, readable, classify(str(path), [(str(n), str(t)) for n, t in rows]))


def _extract(path: Path, work_dir: Path) -> Path:
    try:
        with zipfile.ZipFile(path) as archive:
            members = [
                m for m in archive.namelist() if m.lower().endswith((".csv", ".csv.gz", ".parquet"))
            ]
            if len(members) != 1:
                raise IngestError(
                    f"{path}: expected one csv or parquet file in the zip, found {len(members)}"
                )
            target = work_dir / "unzipped" / hashlib.sha1(str(path).encode()).hexdigest()[:16]
            target.mkdir(parents=True, exist_ok=True)
            return Path(archive.extract(members[0], target))
    except zipfile.BadZipFile as exc:
        raise IngestError(f"{path}: not a readable zip file ({exc})") from exc
