"""Every billing format, from local folders and from S3 (a moto server), reconciles exactly."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import psycopg
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import text

from finops.config import Settings
from finops.db.engine import get_engine, libpq_url, server_url
from finops.errors import IngestError
from finops.ingest.billing import ingest_billing
from tests.factories.cur2 import Cur2Export, legacy_rows, write_legacy_cur
from tests.factories.focus import FocusFile
from tests.factories.moto import start_moto_server, stop_moto_server


def _export() -> Cur2Export:
    export = Cur2Export(name="fmt")
    for day in range(1, 4):
        export.add_usage(
            day=datetime(2026, 6, day),
            account="210000000001",
            service="AmazonEC2",
            cost="3.3333333333",
            resource_id="i-1",
            hours=3,
            tags={"user:team": "core", "user:cost-center": "cc-1"},
        )
        export.add_usage(
            day=datetime(2026, 7, day),
            account="210000000002",
            service="AmazonS3",
            cost="0.0100000001",
            hours=2,
        )
    return export


def _sums(settings: Settings, by: str = "x_source_format") -> dict[str, Decimal]:
    with get_engine(settings).connect() as conn:
        rows = conn.execute(
            text(
                f"SELECT {by}, sum(billed_cost) FROM finops.cost_facts "
                "JOIN finops.cost_attributes USING (attribute_id) GROUP BY 1 ORDER BY 1"
            )
        ).all()
    return {str(k): Decimal(v) for k, v in rows}


@pytest.mark.parametrize("naming,compression", [("slash", "gzip"), ("athena", "none")])
def test_legacy_cur_csv(
    fresh_settings: Settings, tmp_path: Path, naming: str, compression: str
) -> None:
    export = _export()
    root = write_legacy_cur(export, tmp_path, naming=naming, compression=compression)
    outcomes = ingest_billing(str(root), settings=fresh_settings)
    assert [(o.source_id, o.billing_period) for o in outcomes] == [
        ("cur:legacy", "2026-06"),
        ("cur:legacy", "2026-07"),
    ]
    assert _sums(fresh_settings) == {"cur": export.total()}
    with get_engine(fresh_settings).connect() as conn:
        tags = conn.execute(
            text("SELECT tags FROM costs WHERE resource_id = 'i-1' LIMIT 1")
        ).scalar()
    expected_key = "user:team" if naming == "slash" else "user_team"
    assert tags[expected_key] == "core"


def test_legacy_cur_zip_and_parquet(fresh_settings: Settings, tmp_path: Path) -> None:
    export = _export()
    write_legacy_cur(export, tmp_path / "csv", naming="slash", compression="none")
    csv_file = next((tmp_path / "csv").rglob("20260601-*/*.csv"))
    zipped = tmp_path / "zip" / "legacy-2026.zip"
    zipped.parent.mkdir()
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.write(csv_file, csv_file.name)
    ingest_billing(str(zipped), settings=fresh_settings)
    june = export.total(period="2026-06")
    assert _sums(fresh_settings, by="x_source_id") == {"cur:legacy-2026": june}
    parquet = tmp_path / "parquet" / "athena-cur.parquet"
    parquet.parent.mkdir()
    pq.write_table(pa.Table.from_pylist(legacy_rows(export, naming="athena")), parquet)
    # the same June charges again, in another file: refused, nothing changed ...
    with pytest.raises(IngestError, match=r"cur:athena-cur overlaps .* cur:legacy-2026"):
        ingest_billing(str(parquet), settings=fresh_settings)
    assert _sums(fresh_settings, by="x_source_id") == {"cur:legacy-2026": june}
    # ... until the user says the parquet file wins: June counted once, July added
    ingest_billing(str(parquet), supersede=True, settings=fresh_settings)
    assert _sums(fresh_settings, by="x_source_id") == {"cur:athena-cur": export.total()}


def test_focus_csv_mixed_providers(fresh_settings: Settings, tmp_path: Path) -> None:
    focus = FocusFile()
    for day in range(1, 6):
        focus.add(
            provider="Google Cloud",
            day=datetime(2026, 8, day),
            billed="1.0000000001",
            tags={"team": "ml", "Cost Center": "42"},
        )
        focus.add(
            provider="Microsoft",
            day=datetime(2026, 8, day),
            billed="2.5",
            effective="2.25",
            service="Virtual Machines",
        )
        focus.add(provider="Oracle", day=datetime(2026, 9, day), billed="0.3333333333")
    path = focus.write_csv(tmp_path / "focus" / "mixed.csv")
    outcomes = ingest_billing(str(path.parent), settings=fresh_settings)
    assert [(o.source_id, o.billing_period) for o in outcomes] == [
        ("focus:focus", "2026-08,2026-09")
    ]
    assert _sums(fresh_settings, by="provider_name") == {
        p: focus.total(provider=p) for p in ("Google Cloud", "Microsoft", "Oracle")
    }
    env = dict(os.environ, FINOPS_DATABASE_URL=server_url(fresh_settings))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "finops",
            "sql",
            "select provider_name, sum(billed_cost) from costs group by 1 order by 1",
            "--format",
            "json",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(result.stdout) == [
        {"provider_name": "Google Cloud", "sum": "5.0000000005"},
        {"provider_name": "Microsoft", "sum": "12.5"},  # the source's own scale
        {"provider_name": "Oracle", "sum": "1.6666666665"},
    ]
    with get_engine(fresh_settings).connect() as conn:
        tags, description = conn.execute(
            text(
                "SELECT tags, charge_description FROM costs WHERE provider_name = 'Google Cloud' "
                "LIMIT 1"
            )
        ).one()
        effective = conn.execute(
            text("SELECT sum(effective_cost) FROM costs WHERE provider_name = 'Microsoft'")
        ).scalar()
    assert tags == {"team": "ml", "Cost Center": "42"}
    assert description is None  # the literal NULL and the empty string both load as NULL
    assert effective == Decimal("11.25")


def test_focus_parquet_and_hourly_grain(fresh_settings: Settings, tmp_path: Path) -> None:
    focus = FocusFile()
    for hour in range(6):
        focus.add(provider="AWS", day=datetime(2026, 10, 1, hour), billed="0.1", hours=1)
    table = pa.Table.from_pylist(focus.rows)
    path = tmp_path / "focus-hourly.parquet"
    pq.write_table(table, path)
    ingest_billing(str(path), grain="hourly", settings=fresh_settings)
    with get_engine(fresh_settings).connect() as conn:
        count, total = conn.execute(text("SELECT count(*), sum(billed_cost) FROM costs")).one()
    assert (count, total) == (6, Decimal("0.6"))
    ingest_billing(str(path), grain="daily", settings=fresh_settings)  # a grain change reloads
    with get_engine(fresh_settings).connect() as conn:
        count, total = conn.execute(text("SELECT count(*), sum(billed_cost) FROM costs")).one()
    assert (count, total) == (1, Decimal("0.6"))


def test_format_mismatch_and_forced_format(fresh_settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    FocusFile(rows=[]).write_csv(folder / "a.csv")
    focus = FocusFile()
    focus.add(provider="AWS", day=datetime(2026, 1, 1), billed="1")
    focus.write_csv(folder / "a.csv")
    pq.write_table(
        pa.Table.from_pylist(legacy_rows(_export(), naming="athena")), folder / "b.parquet"
    )
    with pytest.raises(IngestError, match=r"b\.parquet: a cur file among focus files"):
        ingest_billing(str(folder), settings=fresh_settings)
    with pytest.raises(IngestError, match=r"--format cur2 was given but the file is focus"):
        ingest_billing(str(folder / "a.csv"), source_format="cur2", settings=fresh_settings)


BAD_FOCUS = [
    ("BilledCost", "12,5", r"column BilledCost, data row 2: value '12,5' cannot be converted"),
    ("ChargePeriodStart", "yesterday", r"column ChargePeriodStart, data row 2"),
    ("BillingCurrency", "XYZ", r"unknown billing currency XYZ in billing period 2026-02"),
    ("BillingCurrency", "EUR", r"billing period 2026-02 mixes currencies EUR, USD"),
]


@pytest.mark.parametrize("column,value,message", BAD_FOCUS)
def test_bad_values_name_file_column_and_row(
    fresh_settings: Settings, tmp_path: Path, column: str, value: str, message: str
) -> None:
    good = FocusFile()
    good.add(provider="AWS", day=datetime(2026, 2, 1), billed="5")
    ingest_billing(str(good.write_csv(tmp_path / "ok" / "focus.csv")), settings=fresh_settings)
    focus = FocusFile()
    focus.add(provider="AWS", day=datetime(2026, 2, 1), billed="1")
    focus.add(provider="AWS", day=datetime(2026, 2, 2), billed="2")
    focus.rows[1][column] = value
    path = focus.write_csv(tmp_path / "ok" / "focus.csv")
    with pytest.raises(IngestError, match=message) as info:
        ingest_billing(str(path), settings=fresh_settings)
    assert "focus.csv" in str(info.value)
    assert _sums(fresh_settings) == {"focus": Decimal(5)}  # the earlier load is untouched


def test_empty_and_headerless_files(fresh_settings: Settings, tmp_path: Path) -> None:
    empty = FocusFile().write_csv(tmp_path / "empty.csv")
    with pytest.raises(IngestError, match=r"empty\.csv.*no line items"):
        ingest_billing(str(empty), settings=fresh_settings)
    nothing = tmp_path / "nothing.csv"
    nothing.write_text("")
    with pytest.raises(IngestError, match=r"nothing\.csv"):
        ingest_billing(str(nothing), settings=fresh_settings)


# --- S3 through a moto server --------------------------------------------------------------


@pytest.fixture
def s3_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    server, endpoint = start_moto_server()
    for name, value in (
        ("AWS_ENDPOINT_URL", endpoint),
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("AWS_DEFAULT_REGION", "us-east-1"),
    ):
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    yield endpoint
    stop_moto_server(server, endpoint)


def _upload(root: Path, bucket: str, prefix: str) -> None:
    import boto3

    client = boto3.client("s3")
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        client.upload_file(str(path), bucket, f"{prefix}/{path.relative_to(root)}")


def test_s3_source_is_mirrored_once(
    fresh_settings: Settings, tmp_path: Path, s3_endpoint: str
) -> None:
    import boto3

    boto3.client("s3").create_bucket(Bucket="billing")
    export = _export()
    _upload(export.write(tmp_path / "local"), "billing", "cur/exports")
    outcomes = ingest_billing("s3://billing/cur/exports", settings=fresh_settings)
    assert {o.status for o in outcomes} == {"succeeded"}
    assert _sums(fresh_settings) == {"cur2": export.total()}
    with psycopg.connect(libpq_url(server_url(fresh_settings))) as conn:
        first = conn.execute(
            "SELECT key, etag, fetched_at FROM finops.source_objects ORDER BY key"
        ).fetchall()
    assert [k for k, _, _ in first] == [
        "cur/exports/fmt/data/BILLING_PERIOD=2026-06/fmt-00001.snappy.parquet",
        "cur/exports/fmt/data/BILLING_PERIOD=2026-07/fmt-00001.snappy.parquet",
        "cur/exports/fmt/metadata/BILLING_PERIOD=2026-06/fmt-Manifest.json",
        "cur/exports/fmt/metadata/BILLING_PERIOD=2026-07/fmt-Manifest.json",
    ]
    again = ingest_billing("s3://billing/cur/exports", settings=fresh_settings)
    assert {o.status for o in again} == {"skipped"}
    restated = Cur2Export(
        name="fmt", rows=[r for r in export.rows if r["billing_period"] == "2026-07"]
    )
    restated.add_usage(
        day=datetime(2026, 7, 20), account="210000000002", service="AmazonS3", cost="9", hours=1
    )
    shutil.rmtree(tmp_path / "local")
    _upload(restated.write(tmp_path / "local"), "billing", "cur/exports")
    third = ingest_billing("s3://billing/cur/exports", settings=fresh_settings)
    assert {o.billing_period: o.status for o in third} == {
        "2026-06": "skipped",
        "2026-07": "succeeded",
    }
    with psycopg.connect(libpq_url(server_url(fresh_settings))) as conn:
        later = dict(conn.execute("SELECT key, fetched_at FROM finops.source_objects").fetchall())
    assert later[first[0][0]] == first[0][2]  # the unchanged June object was not fetched again
    assert _sums(fresh_settings) == {"cur2": export.total(period="2026-06") + restated.total()}


def test_the_billing_job_reads_s3_through_the_airflow_connection(
    fresh_settings: Settings,
    tmp_path: Path,
    s3_endpoint: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What billing_ingest's tasks do: the base session of the Airflow connection finops_aws
    (``AIRFLOW_CONN_FINOPS_AWS``, moto's endpoint) reads the export, while the process's own
    AWS_ENDPOINT_URL leads to a closed port."""
    import boto3

    from finops.jobs.billing import discover_slices, ingest_slice
    from finops.orchestration.aws_connection import connection_session

    boto3.client("s3").create_bucket(Bucket="billing")
    export = _export()
    _upload(export.write(tmp_path / "local"), "billing", "cur/exports")
    connection = {"conn_type": "aws", "extra": {"endpoint_url": s3_endpoint}}
    monkeypatch.setenv("AIRFLOW_CONN_FINOPS_AWS", json.dumps(connection))
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    base = connection_session(settings=fresh_settings)
    assert base is not None and base.endpoint_url == s3_endpoint
    slices = discover_slices(
        sources=["s3://billing/cur/exports"], settings=fresh_settings, base=base
    )
    assert sorted(s["billing_period"] for s in slices) == ["2026-06", "2026-07"]
    loaded = [ingest_slice(slice_=s, settings=fresh_settings, base=base) for s in slices]
    assert {str(r["status"]) for r in loaded} == {"succeeded"}
    assert _sums(fresh_settings) == {"cur2": export.total()}


def test_missing_bucket_fails_clearly(fresh_settings: Settings, s3_endpoint: str) -> None:
    with pytest.raises(IngestError, match=r"s3://nope/x: cannot read from S3"):
        ingest_billing("s3://nope/x", settings=fresh_settings)


# --- a load killed part-way -----------------------------------------------------------------


def test_killed_load_leaves_previous_slice_and_next_run_completes(
    fresh_settings: Settings, tmp_path: Path
) -> None:
    export = _export()
    source = export.write(tmp_path)
    ingest_billing(str(source), settings=fresh_settings)
    before = _sums(fresh_settings)
    restated = Cur2Export(
        name="fmt", rows=[r for r in export.rows if r["billing_period"] == "2026-07"]
    )
    restated.add_usage(
        day=datetime(2026, 7, 21), account="210000000002", service="AmazonS3", cost="50", hours=1
    )
    restated.write(source)
    url = libpq_url(server_url(fresh_settings))
    env = dict(os.environ, FINOPS_DATABASE_URL=server_url(fresh_settings))
    with psycopg.connect(url) as blocker:
        # hold the slice's lock: the loader stops inside its transaction, after COPY
        blocker.execute("SELECT pg_advisory_lock(hashtext('finops.billing:2026-07-01'))")
        loader = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "finops",
                "ingest",
                "billing",
                str(source),
                "--billing-period",
                "2026-07",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while True:
            waiting = blocker.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            ).fetchone()
            if waiting and waiting[0]:
                break
            assert loader.poll() is None and time.monotonic() < deadline, "loader never waited"
            time.sleep(0.1)
        loader.send_signal(signal.SIGKILL)
        loader.wait()
        blocker.execute("SELECT pg_advisory_unlock_all()")
    assert _sums(fresh_settings) == before
    # the dead loader's log row is seen as abandoned at once (nobody holds its lock), not
    # after hours: `finops ingest status` shows it failed
    env_status = subprocess.run(
        [sys.executable, "-m", "finops", "ingest", "status"],
        env=dict(env, COLUMNS="300"),
        capture_output=True,
        text=True,
        check=True,
    )
    assert "abandoned" in env_status.stdout
    with get_engine(fresh_settings).connect() as conn:
        states = conn.execute(
            text("SELECT status, count(*) FROM finops.ingest_log GROUP BY 1 ORDER BY 1")
        ).all()
    assert dict(states) == {"failed": 1, "succeeded": 2}
    outcomes = ingest_billing(str(source), settings=fresh_settings)
    assert {o.billing_period: o.status for o in outcomes}["2026-07"] == "succeeded"
    assert _sums(fresh_settings) == {"cur2": export.total(period="2026-06") + restated.total()}
