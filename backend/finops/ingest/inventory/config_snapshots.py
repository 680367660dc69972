"""AWS Config configuration snapshots, as Config delivers them to S3:
``AWSLogs/<account>/Config/<region>/YYYY/M/D/ConfigSnapshot/<account>_Config_<region>_
ConfigSnapshot_<YYYYMMDDTHHMMSSZ>_<id>.json.gz`` — one JSON document with
``configurationItems``, each holding what the describe call returns for the resource.

The latest snapshot of a UTC day is that day's listing of the (account, region).
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import structlog

from finops.errors import IngestError
from finops.ingest.inventory.model import KNOWN_TYPES, ResourceRecord, make_record

log = structlog.get_logger(__name__)

_PATH = re.compile(
    r"AWSLogs/(?P<account>\d{12})/Config/(?P<region>[a-z0-9-]+)/"
    r"(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})/ConfigSnapshot/(?P<name>[^/]+\.json(?:\.gz)?)$"
)
_DELETED = frozenset({"ResourceDeleted", "ResourceDeletedNotRecorded"})


@dataclass(frozen=True, slots=True)
class SnapshotFile:
    account_id: str
    region: str
    day: date
    path: Path


def discover(root: Path) -> list[SnapshotFile]:
    """The latest snapshot per (account, region, day) under ``root``, ordered by day."""
    if not root.exists():
        raise IngestError(f"{root}: no such folder of AWS Config snapshots")
    latest: dict[tuple[str, str, date], Path] = {}
    for path in sorted(root.rglob("*ConfigSnapshot*.json*")):
        match = _PATH.search(path.as_posix())
        if match is None:
            continue
        day = date(int(match["y"]), int(match["m"]), int(match["d"]))
        key = (match["account"], match["region"], day)
        current = latest.get(key)
        if current is None or path.name > current.name:  # names sort by capture time
            latest[key] = path
    return [
        SnapshotFile(account, region, day, path)
        for (account, region, day), path in sorted(latest.items(), key=lambda kv: kv[0][::-1])
    ]


def read_snapshot(snapshot: SnapshotFile) -> list[ResourceRecord]:
    """The resources of one snapshot; items of types the platform does not track are ignored."""
    document = _load(snapshot.path)
    items = document.get("configurationItems")
    if not isinstance(items, list):
        raise IngestError(f"{snapshot.path}: no configurationItems list")
    return list(_records(snapshot, items))


def _load(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
        if path.name.endswith(".gz"):
            raw = gzip.decompress(raw)
        document = json.loads(raw)
    except (OSError, EOFError, json.JSONDecodeError) as exc:
        raise IngestError(f"{path}: not a readable AWS Config snapshot ({exc})") from exc
    if not isinstance(document, dict):
        raise IngestError(f"{path}: expected a JSON object with configurationItems")
    return document


def _records(snapshot: SnapshotFile, items: list[Any]) -> Iterator[ResourceRecord]:
    ignored: dict[str, int] = {}
    for item in items:
        resource_type = str(item.get("resourceType", ""))
        if resource_type not in KNOWN_TYPES:
            ignored[resource_type] = ignored.get(resource_type, 0) + 1
            continue
        configuration = item.get("configuration") or {}
        if isinstance(configuration, str):
            configuration = json.loads(configuration)
        tags = item.get("tags") or {}
        try:
            yield make_record(
                account_id=str(item.get("awsAccountId") or snapshot.account_id),
                region=snapshot.region,
                resource_type=resource_type,
                configuration=configuration,
                tags={str(k): str(v) for k, v in tags.items()},
                deleted=item.get("configurationItemStatus") in _DELETED,
            )
        except KeyError as exc:
            raise IngestError(
                f"{snapshot.path}: {resource_type} item {item.get('resourceId')!r} has no "
                f"{exc.args[0]!r} in its configuration"
            ) from exc
    if ignored:
        log.debug("inventory.config_types_ignored", file=str(snapshot.path), types=ignored)
