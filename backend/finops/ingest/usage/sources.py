"""File sources: a local folder, or an ``s3://bucket/prefix`` mirrored into the local cache.

The mirror keeps the S3 layout under ``FINOPS_HOME/cache/s3/<bucket>/<key>``; an object whose
size and ETag match the copy already mirrored is not fetched again.
"""

from __future__ import annotations

import json
from pathlib import Path

import structlog
from botocore.exceptions import BotoCoreError, ClientError

from finops.config import Settings
from finops.errors import IngestError
from finops.ingest.aws import AwsSessions

log = structlog.get_logger(__name__)


def local_root(source: str, *, settings: Settings, sessions: AwsSessions | None = None) -> Path:
    """The local folder holding ``source`` (mirroring it first when it is on S3)."""
    if not source.startswith("s3://"):
        root = Path(source).expanduser()
        if not root.exists():
            raise IngestError(f"{root}: no such folder")
        return root
    bucket, _, prefix = source[len("s3://") :].partition("/")
    if not bucket:
        raise IngestError(f"{source}: not an s3://bucket/prefix location")
    mirror = settings.cache_path / "s3" / bucket
    _mirror(sessions or AwsSessions(), bucket, prefix, mirror)
    return mirror / prefix if prefix else mirror


def _mirror(sessions: AwsSessions, bucket: str, prefix: str, mirror: Path) -> None:
    s3 = sessions.client("s3", account_id=None, region=sessions.base().region_name or "us-east-1")
    index_path = mirror / ".finops-etags.json"
    index: dict[str, str] = json.loads(index_path.read_text()) if index_path.exists() else {}
    fetched = 0
    try:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for obj in page.get("Contents", []):
                key, etag = obj["Key"], f"{obj['ETag']}:{obj['Size']}"
                target = mirror / key
                if index.get(key) == etag and target.exists():
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                s3.download_file(bucket, key, str(target))
                index[key] = etag
                fetched += 1
    except (ClientError, BotoCoreError) as exc:
        raise IngestError(f"s3://{bucket}/{prefix}: cannot mirror the objects: {exc}") from exc
    mirror.mkdir(parents=True, exist_ok=True)
    index_path.write_text(json.dumps(index, sort_keys=True))
    log.info("usage.s3_mirrored", bucket=bucket, prefix=prefix, fetched=fetched)
