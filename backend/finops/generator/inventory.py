"""Inventory: daily AWS Config configuration snapshots, as Config delivers them to S3:
``AWSLogs/<account>/Config/<region>/YYYY/M/D/ConfigSnapshot/<account>_Config_<region>_ConfigSnapshot_<time>_<id>.json.gz``.

Each configuration item carries what the describe call would return for the resource
(``describe_instances``, ``describe_volumes``, ``describe_addresses``, ``describe_db_instances``,
``describe_load_balancers`` …). AWS Config does not record EBS snapshots; they are included with
``resourceType`` ``AWS::EC2::Snapshot`` and the ``describe_snapshots`` shape so the inventory
is complete.

Snapshots are written for every day of the utilization window and for the first day of every
billing period in the range. A day's snapshot lists every resource that existed at any time that
day: ``configurationItemStatus`` is ``ResourceDiscovered`` for resources created that day,
``ResourceDeleted`` (EC2 state ``terminated``) for those deleted that day, ``OK`` otherwise.
"""

from __future__ import annotations

import gzip
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from finops.generator.config_items import config_item
from finops.generator.estate.model import Estate, Resource
from finops.generator.textforms import text_uuid
from finops.generator.timeline import DAY_H

CAPTURE_HOUR = 3  # snapshots are taken at 03:00 UTC


def snapshot_days(estate: Estate, utilization_days: int) -> list[int]:
    tl = estate.timeline
    days = {p.first_day for p in tl.periods()}
    days.update(range(max(0, tl.days - utilization_days), tl.days))
    return sorted(days)


def day_status(r: Resource, day: int) -> str | None:
    """Config item status of a resource in the snapshot of ``day``; None if it did not exist."""
    start, end = day * DAY_H, (day + 1) * DAY_H
    terminate = r.terminate_hour if r.terminate_hour is not None else 2**40
    if r.launch_hour >= end or terminate <= start:
        return None
    if terminate < end:
        return "ResourceDeleted"
    if r.launch_hour >= start:
        return "ResourceDiscovered"
    return "OK"


def instance_state(r: Resource, hour: int, weekday: int, status: str = "OK") -> str:
    """EC2-style state name of a resource at ``hour`` in a snapshot with item ``status``."""
    if status == "ResourceDeleted":
        return "terminated"
    if r.kind == "ec2_instance" and r.attrs.get("schedule") == "office_hours":
        running = weekday < 5 and 7 <= hour % DAY_H < 19
        return "running" if running else "stopped"
    return "running"


def write_inventory(*, root: Path, estate: Estate, utilization_days: int) -> list[Path]:
    files: list[Path] = []
    tl = estate.timeline
    groups: dict[tuple[str, str], list[Resource]] = {}
    for r in estate.resources:
        groups.setdefault((r.account_id, r.region), []).append(r)
    for day in snapshot_days(estate, utilization_days):
        hour = day * DAY_H + CAPTURE_HOUR
        weekday = (tl.start + timedelta(days=day)).weekday()
        moment = tl.day(day)
        for (account, region), resources in sorted(groups.items()):
            items = []
            for r in resources:
                status = day_status(r, day)
                if status is not None:
                    state = instance_state(r, hour, weekday, status)
                    items.append(config_item(estate, r, hour, state, status))
            files.append(_write(root, estate, account, region, moment, hour, items))
    return files


def _write(
    root: Path,
    estate: Estate,
    account: str,
    region: str,
    moment: date,
    hour: int,
    items: list[dict[str, Any]],
) -> Path:
    stamp = f"{moment:%Y%m%d}T{CAPTURE_HOUR:02d}0000Z"
    snapshot_id = text_uuid(f"{estate.seed}|{account}|{region}|{hour}")
    folder = (
        root
        / "AWSLogs"
        / account
        / "Config"
        / region
        / str(moment.year)
        / str(moment.month)
        / str(moment.day)
        / "ConfigSnapshot"
    )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{account}_Config_{region}_ConfigSnapshot_{stamp}_{snapshot_id}.json.gz"
    document = {"fileVersion": "1.0", "configSnapshotId": snapshot_id, "configurationItems": items}
    payload = json.dumps(document, sort_keys=False, separators=(",", ":")).encode()
    with path.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
        gz.write(payload)
    return path
