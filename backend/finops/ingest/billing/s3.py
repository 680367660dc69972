"""Mirror an ``s3://bucket/prefix`` into the local cache, keeping the S3 layout.

Every object's key, ETag and size is recorded in ``finops.source_objects``; an object whose
ETag and size are unchanged is never downloaded again. The local copy's modification time is
the object's LastModified, so the ingest's file fingerprints change exactly when S3 changes.
boto3 honours ``AWS_ENDPOINT_URL``, ``AWS_PROFILE`` and the usual credential chain, unless the
caller hands in a base session (the DAGs: their Airflow AWS connection, with its endpoint); set
``FINOPS_AWS_ROLE_ARN`` to read through a role assumed from that base.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg
import structlog

from finops.config import Settings
from finops.db.engine import app_url, libpq_url
from finops.errors import IngestError

if TYPE_CHECKING:
    from finops.ingest.aws import BaseSession

log = structlog.get_logger(__name__)


def parse_s3_uri(uri: str) -> tuple[str, str]:
    if not uri.startswith("s3://") or len(uri) <= 5:
        raise IngestError(f"{uri!r} is not an s3://bucket/prefix URI")
    bucket, _, prefix = uri[5:].partition("/")
    if not bucket:
        raise IngestError(f"{uri!r} names no bucket")
    return bucket, prefix


def s3_client(settings: Settings, *, base: BaseSession | None = None) -> Any:
    """The S3 client of the billing mirror: ``base``'s session and endpoint when given, else
    the default chain; through ``FINOPS_AWS_ROLE_ARN`` when set."""
    import boto3
    from botocore.config import Config

    config = Config(retries={"mode": "adaptive", "max_attempts": 8})
    session = base.session if base is not None else boto3.Session()
    endpoint = base.endpoint_url if base is not None else None
    if settings.aws_role_arn:
        credentials = session.client("sts", endpoint_url=endpoint).assume_role(
            RoleArn=settings.aws_role_arn, RoleSessionName="finops-billing-ingest"
        )["Credentials"]
        session = boto3.Session(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
            region_name=session.region_name,
        )
    return session.client("s3", config=config, endpoint_url=endpoint)


def mirror_prefix(uri: str, *, settings: Settings, base: BaseSession | None = None) -> Path:
    """Download new or changed objects under ``uri``; return the local folder of the prefix."""
    from botocore.exceptions import BotoCoreError, ClientError

    bucket, prefix = parse_s3_uri(uri)
    root = settings.cache_path / "s3" / bucket
    client = s3_client(settings, base=base)
    url = libpq_url(app_url(settings))
    fetched = kept = 0
    try:
        with psycopg.connect(url) as conn:
            known = {
                str(key): (str(etag), int(str(size)))
                for key, etag, size in conn.execute(
                    "SELECT key, etag, size_bytes FROM finops.source_objects WHERE bucket = %s "
                    "AND key LIKE %s",
                    (bucket, prefix.replace("%", r"\%").replace("_", r"\_") + "%"),
                ).fetchall()
            }
            for page in client.get_paginator("list_objects_v2").paginate(
                Bucket=bucket, Prefix=prefix
            ):
                for obj in page.get("Contents", []):
                    key, etag, size = obj["Key"], obj["ETag"].strip('"'), int(obj["Size"])
                    if key.endswith("/"):
                        continue
                    local = root / key
                    if known.get(key) == (etag, size) and local.exists():
                        kept += 1
                        continue
                    _download(client, bucket, key, local, obj["LastModified"])
                    conn.execute(
                        """
                        INSERT INTO finops.source_objects
                          (bucket, key, etag, size_bytes, last_modified, local_path)
                        VALUES (%s, %s, %s, %s, %s, %s)
                        ON CONFLICT (bucket, key) DO UPDATE SET etag = excluded.etag,
                          size_bytes = excluded.size_bytes, last_modified = excluded.last_modified,
                          local_path = excluded.local_path, fetched_at = clock_timestamp()
                        """,
                        (bucket, key, etag, size, obj["LastModified"], str(local)),
                    )
                    conn.commit()
                    fetched += 1
    except (ClientError, BotoCoreError) as exc:
        raise IngestError(f"{uri}: cannot read from S3 ({exc})") from exc
    if fetched + kept == 0:
        raise IngestError(f"{uri}: no objects under this prefix")
    log.info("s3.mirrored", uri=uri, fetched=fetched, unchanged=kept, local=str(root / prefix))
    return root / prefix


def _download(client: Any, bucket: str, key: str, local: Path, modified: datetime) -> None:
    local.parent.mkdir(parents=True, exist_ok=True)
    partial = local.with_name(local.name + ".part")
    client.download_file(bucket, key, str(partial))
    os.replace(partial, local)  # never a half-written file under the real name
    stamp = modified.timestamp()
    os.utime(local, (stamp, stamp))
