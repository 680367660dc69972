"""Usage ingestion benchmark: resources × days of metrics ingested per second, and GetMetricData
calls per 1,000 resources, through the API (against a moto server) and from Metric Streams files.

    uv run python benchmarks/usage.py [--api-instances 60] [--api-days 2] [--file-days 7]

Writes its table between markers in docs/benchmarks.md. moto's GetMetricData scans every stored
point once per query and 5-minute period, so the API figure measures moto more than the
collector; the calls-per-1,000-resources figure is what carries over to AWS.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import boto3
import psycopg
from moto.server import ThreadedMotoServer

from finops.config import REPO_ROOT, Settings
from finops.db.embedded import ensure_server, stop_server
from finops.db.engine import get_engine
from finops.db.migrate import upgrade
from finops.generator import GenerateOptions, generate
from finops.ingest.inventory import ingest_inventory
from finops.ingest.usage import Scope, ingest_usage

ACCOUNT = "111111111111"
REGION = "us-east-1"
START = date(2026, 9, 1)
MARK_START = "<!-- usage-benchmark:start -->"
MARK_END = "<!-- usage-benchmark:end -->"


def _settings(home: Path, name: str) -> Settings:
    server = ensure_server(home / "pgdata")
    admin = server.url("postgres").replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    settings = Settings(home=home, database_url=server.url(name), environment="test")
    upgrade(get_engine(settings))
    return settings


def _populate(endpoint: str, instances: int, days: int, points_per_day: int) -> None:
    creds = boto3.client(
        "sts",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    ).assume_role(
        RoleArn=f"arn:aws:iam::{ACCOUNT}:role/OrganizationAccountAccessRole",
        RoleSessionName="benchmark",
    )["Credentials"]
    cloudwatch = boto3.client(
        "cloudwatch",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )
    step = timedelta(minutes=5 * (288 // points_per_day))
    data = []
    for i in range(instances):
        dims = [{"Name": "InstanceId", "Value": f"i-{i:017x}"}]
        for d in range(days):
            for k in range(points_per_day):
                ts = datetime(START.year, START.month, START.day, tzinfo=UTC) + timedelta(days=d)
                ts += k * step
                for metric, value in (("CPUUtilization", 10.0 + i % 50), ("NetworkIn", 1e6)):
                    data.append(
                        {
                            "MetricName": metric,
                            "Dimensions": dims,
                            "Timestamp": ts,
                            "StatisticValues": {
                                "SampleCount": 5.0,
                                "Sum": value * 5,
                                "Minimum": value / 2,
                                "Maximum": value * 1.5,
                            },
                        }
                    )
    for start in range(0, len(data), 1000):
        cloudwatch.put_metric_data(Namespace="AWS/EC2", MetricData=data[start : start + 1000])


def bench_api(home: Path, instances: int, days: int) -> dict[str, float]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    os.environ.update(
        AWS_ENDPOINT_URL=endpoint,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION=REGION,
    )
    try:
        _populate(endpoint, instances, days, points_per_day=6)
        settings = _settings(home, "bench_api")
        began = time.perf_counter()
        result = ingest_usage(
            scope=Scope(
                accounts=[ACCOUNT], regions=[REGION], start=START, end=START + timedelta(days=days)
            ),
            settings=settings,
        )
        elapsed = time.perf_counter() - began
    finally:
        server.stop()
    assert result.status == "succeeded", result.summary()
    queries_per_resource = result.metric_queries / (instances * days)
    return {
        "resources": instances,
        "days": days,
        "seconds": elapsed,
        "resource_days_per_s": instances * days / elapsed,
        "gmd_calls": result.get_metric_data_calls,
        "gmd_calls_per_1000_resources_day": result.get_metric_data_calls
        / (instances * days)
        * 1000,
        "queries_per_resource": queries_per_resource,
        # on AWS a call returns at most 100,800 datapoints: 500 queries × 288 points need 2 pages
        "aws_calls_per_1000_resources_day": math.ceil(1000 * queries_per_resource / 500)
        * math.ceil(500 * 288 / 100_800),
        "unbatched_calls_per_1000_resources_day": 1000 * queries_per_resource,
    }


def bench_files(home: Path, days: int) -> dict[str, float]:
    out = home / "estate"
    generate(
        GenerateOptions(
            out_dir=out,
            start=START,
            end=START + timedelta(days=days),
            formats=("cur2",),
            utilization_days=days,
            restatement=False,
        )
    )
    settings = _settings(home, "bench_files")
    began = time.perf_counter()
    inventory = ingest_inventory(str(out / "config"), settings=settings)
    inventory_s = time.perf_counter() - began
    began = time.perf_counter()
    usage = ingest_usage(str(out / "cloudwatch" / "metric-streams"), settings=settings)
    elapsed = time.perf_counter() - began
    with get_engine(settings).connect() as conn:
        from sqlalchemy import text

        resource_days = conn.execute(
            text("SELECT count(DISTINCT (resource_id, day)) FROM utilization_daily")
        ).scalar_one()
    return {
        "resource_days": float(resource_days),
        "seconds": elapsed,
        "resource_days_per_s": resource_days / elapsed,
        "points": usage.points,
        "points_per_s": usage.points / elapsed,
        "inventory_rows": inventory.resources,
        "inventory_rows_per_s": inventory.resources / inventory_s,
    }


def write_doc(api: dict[str, float], files: dict[str, float]) -> str:
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    table = f"""{MARK_START}
## Usage ingestion (`benchmarks/usage.py`)

Machine: {machine}; embedded PostgreSQL; DuckDB 2 threads.

| path | workload | resources × days / s | other |
|---|---|---|---|
| GetMetricData vs moto | {api["resources"]:.0f} instances × {api["days"]:.0f} days, \
{api["queries_per_resource"]:.0f} queries per instance-day | {api["resource_days_per_s"]:.1f} | \
{api["seconds"]:.1f} s (moto-bound) |
| Metric Streams files | {files["resource_days"]:.0f} resource-days (8 accounts) | \
{files["resource_days_per_s"]:.0f} | {files["points_per_s"]:,.0f} points/s, \
{files["points"]:,.0f} points |
| Config snapshots | {files["inventory_rows"]:.0f} resource-days | \
{files["inventory_rows_per_s"]:.0f} | |

GetMetricData calls per 1,000 resources per day (EC2: CPU Average + Maximum, NetworkIn Sum):

| | calls |
|---|---|
| measured against moto ({api["resources"]:.0f} instances: one partial batch per day) | \
{api["gmd_calls_per_1000_resources_day"]:.1f} |
| on AWS (500 queries per call, 2 pages of ≤ 100,800 datapoints) | \
{api["aws_calls_per_1000_resources_day"]:.0f} |
| without batching (one query per call) | {api["unbatched_calls_per_1000_resources_day"]:.0f} |
{MARK_END}"""
    path = REPO_ROOT / "docs" / "benchmarks.md"
    text_ = path.read_text() if path.exists() else "# Benchmarks\n"
    if MARK_START in text_:
        head, rest = text_.split(MARK_START, 1)
        tail = rest.split(MARK_END, 1)[1]
        text_ = head + table + tail
    else:
        text_ = text_.rstrip("\n") + "\n\n" + table + "\n"
    path.write_text(text_)
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--api-instances", type=int, default=60)
    parser.add_argument("--api-days", type=int, default=2)
    parser.add_argument("--file-days", type=int, default=7)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="finops-bench-usage-"))
    try:
        api = bench_api(home, args.api_instances, args.api_days)
        files = bench_files(home, args.file_days)
    finally:
        stop_server(home / "pgdata")
    print(write_doc(api, files))


if __name__ == "__main__":
    main()
