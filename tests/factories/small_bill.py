"""A hand-written bill of a few CUR 2.0 lines with known totals (cost query and rollup tests)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from tests.factories.cur2 import Cur2Export

A, B, C = "222222222222", "333333333333", "444444444444"

Line = tuple[date, str, str, str, str, dict[str, str], str]
"""(day, account, service, cost, region, tags, line item type)"""

BILL: list[Line] = [
    (date(2026, 1, 30), A, "AmazonEC2", "10.0000", "us-east-1", {"user_team": "web"}, "Usage"),
    (date(2026, 1, 30), B, "AmazonS3", "2.5000", "us-east-1", {"user_team": "data"}, "Usage"),
    (date(2026, 1, 30), A, "AmazonRDS", "7.1234", "eu-west-1", {}, "Usage"),
    (date(2026, 1, 31), A, "AmazonEC2", "11.0000", "us-east-1", {"user_team": "web"}, "Usage"),
    (date(2026, 1, 31), B, "AmazonEC2", "3.3333", "us-east-1", {"user_team": "data"}, "Usage"),
    (date(2026, 2, 1), A, "AmazonEC2", "12.0000", "us-east-1", {"user_team": "web"}, "Usage"),
    (date(2026, 2, 1), B, "AmazonS3", "2.5000", "us-east-1", {}, "Usage"),
    (date(2026, 2, 1), A, "AmazonRDS", "150.0000", "us-east-1", {}, "Fee"),
    (date(2026, 2, 2), B, "AmazonEC2", "4.4444", "eu-west-1", {"user_team": "data"}, "Usage"),
]


def write_bill(
    root: Path, bill: list[Line], *, name: str = "test-export", payer: str = "111111111111"
) -> str:
    """Write ``bill`` as a CUR 2.0 export ``name`` under ``root``; returns the path to ingest."""
    export = Cur2Export(name=name, payer=payer)
    for day, account, service, cost, region, tags, kind in bill:
        export.add_usage(
            day=datetime(day.year, day.month, day.day),
            account=account,
            service=service,
            cost=cost,
            region=region,
            tags=tags,
            line_item_type=kind,
            resource_id=f"{service}-{account[-2:]}",
        )
    return str(export.write(root))
