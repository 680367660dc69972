"""One idle EC2 instance planted in a moto server and in the warehouse the way the platform
learns of it: a running m5.large in moto (moto's own account, so the remediation clients use
the base session), its CUR 2.0 bill (24 billed hours a day for two weeks), CloudWatch Metric
Streams files with CPU under 1 % and almost no network, and the inventory read from moto's
EC2 API. The real waste job then finds it idle."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq

from finops.config import Settings
from finops.ingest.billing import ingest_billing
from finops.ingest.inventory import Scope, ingest_inventory
from finops.jobs.usage import run_usage_ingest
from finops.jobs.waste import run_waste
from tests.factories.cur2 import Cur2Export
from tests.factories.usage import MotoAws, run_instance

ACCOUNT = "123456789012"  # moto's own account
REGION = "us-east-1"
BILLED_DAYS = 14
METRIC_DAYS = 3  # 864 five-minute periods: far past the idle rule's 30 hours


@dataclass(frozen=True)
class IdleInstance:
    instance_id: str
    as_of: date


def _metric_records(instance_id: str, as_of: date) -> list[dict[str, object]]:
    records: list[dict[str, object]] = []
    start = datetime(as_of.year, as_of.month, as_of.day, tzinfo=UTC) - timedelta(
        days=METRIC_DAYS - 1
    )
    for period in range(METRIC_DAYS * 288):
        moment = start + timedelta(minutes=5 * period)
        for metric, unit, value in (
            ("CPUUtilization", "Percent", 0.4 + (period % 3) * 0.2),  # peak 0.8 %
            ("NetworkIn", "Bytes", 2000.0),
            ("NetworkOut", "Bytes", 1000.0),
        ):
            records.append(
                {
                    "metric_stream_name": "finops-test",
                    "account_id": ACCOUNT,
                    "region": REGION,
                    "namespace": "AWS/EC2",
                    "metric_name": metric,
                    "dimensions": {"InstanceId": instance_id},
                    "timestamp": int(moment.timestamp() * 1000),
                    "value": {"max": value, "min": value, "sum": value * 5, "count": 5.0},
                    "unit": unit,
                }
            )
    return records


def _write_streams(records: list[dict[str, object]], out: Path) -> Path:
    by_hour: dict[datetime, list[dict[str, object]]] = {}
    for r in records:
        moment = datetime.fromtimestamp(int(str(r["timestamp"])) / 1000, UTC)
        by_hour.setdefault(moment.replace(minute=0), []).append(r)
    for hour, rows in by_hour.items():
        folder = out / f"{hour:%Y/%m/%d/%H}"
        folder.mkdir(parents=True, exist_ok=True)
        payload = "".join(json.dumps(r) + "\n" for r in rows).encode()
        (folder / f"finops-test-{hour:%Y-%m-%d-%H}.gz").write_bytes(gzip.compress(payload))
    return out


def _with_public_rate(root: Path) -> Path:
    """Add the CUR's ``pricing_public_on_demand_rate`` (what the bill says an hour costs; the
    factory writes only the cost) to every data file: the findings price savings with it."""
    for path in root.rglob("*.parquet"):
        table = pq.read_table(path)
        rate = pc.divide(table["pricing_public_on_demand_cost"], table["line_item_usage_amount"])
        pq.write_table(table.append_column("pricing_public_on_demand_rate", rate), path)
    return root


def plant_idle_instance(
    aws: MotoAws, settings: Settings, folder: Path, as_of: date
) -> IdleInstance:
    """Run the instance in moto, load its bill, metrics and inventory, and run the waste job
    for ``as_of``: its findings hold the instance as ``idle_instance``."""
    instance_id = run_instance(
        aws.client("ec2", REGION), instance_type="m5.large", tags={"Name": "idle", "team": "web"}
    )
    export = Cur2Export()
    for back in range(BILLED_DAYS):
        day = datetime(as_of.year, as_of.month, as_of.day) - timedelta(days=back)
        export.add_usage(
            day=day,
            account=ACCOUNT,
            service="AmazonEC2",
            cost="2.304",  # 24 h at 0.096
            resource_id=instance_id,
            hours=24,
            region=REGION,
        )
    ingest_billing(str(_with_public_rate(export.write(folder / "cur"))), settings=settings)
    streams = _write_streams(_metric_records(instance_id, as_of), folder / "streams")
    run_usage_ingest(str(streams), settings=settings)
    ingest_inventory(
        scope=Scope(accounts=[ACCOUNT], regions=[REGION]), day=as_of, settings=settings
    )
    run_waste(run_date=as_of, settings=settings, force=True)
    return IdleInstance(instance_id, as_of)
