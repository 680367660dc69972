"""``finops export focus``: the warehouse written back out as a FOCUS 1.2 dataset.

A generated AWS estate is loaded through the real ingest, exported through the real command,
read back (pyarrow for parquet, csv + Decimal for csv) and compared with the warehouse row for
row, and checked by the FinOps Foundation's ``focus-validator``.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import text

from finops.config import Settings
from finops.db.engine import get_engine, server_url
from finops.errors import ExportError
from finops.export import export_focus
from finops.export.columns import FOCUS_1_2_COLUMNS, focus_column_name
from finops.export.writers import ROW_GROUP_ROWS
from finops.generator import GenerateOptions, generate
from finops.ingest.billing import ingest_billing
from tests.conftest import create_database
from tests.export.focus_validator import ValidatorInstall, check_export, install_validator
from tests.factories.focus import FocusFile

PERIOD = "2026-10"


@pytest.fixture(scope="module")
def estate_settings(
    pg_server: Any, admin_url: str, finops_home: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Settings]:
    """A warehouse holding a generated AWS estate (CUR 2.0, two accounts, three weeks)."""
    from finops.db.migrate import upgrade

    name = f"t_{uuid.uuid4().hex[:12]}"
    create_database(admin_url, name)
    settings = Settings(home=finops_home, database_url=pg_server.url(name), environment="test")
    engine = get_engine(settings)
    upgrade(engine)
    estate = generate(
        GenerateOptions(
            out_dir=tmp_path_factory.mktemp("estate"),
            accounts=2,
            start=date(2026, 9, 24),
            end=date(2026, 10, 15),
            formats=("cur2",),
            utilization=False,
            inventory=False,
        )
    )
    outcomes = ingest_billing(str(estate.out_dir / "cur2"), settings=settings)
    assert {o.billing_period for o in outcomes} == {"2026-09", PERIOD}
    assert {o.status for o in outcomes} == {"succeeded"}
    yield settings
    engine.dispose()


@pytest.fixture(scope="module")
def validator() -> ValidatorInstall:
    return install_validator()


def _cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, FINOPS_DATABASE_URL=server_url(settings), FINOPS_LOG_JSON="false")
    return subprocess.run(
        [sys.executable, "-m", "finops", "export", "focus", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _view_columns(settings: Settings) -> list[str]:
    with get_engine(settings).connect() as conn:
        return list(conn.execute(text("SELECT * FROM finops.costs LIMIT 0")).keys())


def _warehouse_rows(settings: Settings, period: str) -> list[dict[str, Any]]:
    with get_engine(settings).connect() as conn:
        result = conn.execute(
            text("SELECT * FROM finops.costs WHERE to_char(billing_period_start, 'YYYY-MM') = :p"),
            {"p": period},
        )
        return [dict(row._mapping) for row in result]


def _json_text(value: Any) -> str | None:
    """A JSON value (dict from jsonb, or JSON text from a file) in one comparable spelling."""
    if value is None:
        return None
    parsed = json.loads(value) if isinstance(value, str) else value
    return json.dumps(parsed, sort_keys=True)


def _row_key(row: dict[str, Any], json_columns: set[str]) -> tuple[Any, ...]:
    return tuple(_json_text(v) if k in json_columns else v for k, v in sorted(row.items(), key=str))


# --- naming ---------------------------------------------------------------------------------


def _snake(pascal: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", pascal).lower()


def test_every_focus_1_2_column_gets_the_spec_name() -> None:
    assert {focus_column_name(_snake(c)) for c in FOCUS_1_2_COLUMNS} == set(FOCUS_1_2_COLUMNS)
    assert focus_column_name("sku_price_id") == "SkuPriceId"
    assert focus_column_name("sub_account_id") == "SubAccountId"
    assert (
        focus_column_name("pricing_currency_contracted_unit_price")
        == "PricingCurrencyContractedUnitPrice"
    )
    assert focus_column_name("billed_cost") == "BilledCost"
    assert focus_column_name("x_line_item_type") == "x_LineItemType"
    assert focus_column_name("x_raw_line_items") == "x_RawLineItems"
    # a column FOCUS 1.2 does not define (here one of FOCUS 1.3) is kept as a custom column
    assert focus_column_name("service_provider_name") == "x_ServiceProviderName"
    with pytest.raises(ExportError, match=r"--version '1\.1'.*supported: 1\.2"):
        focus_column_name("billed_cost", version="1.1")


# --- parquet and csv round trips ------------------------------------------------------------


def test_parquet_export_is_the_warehouse_typed_and_exact(
    estate_settings: Settings, tmp_path: Path
) -> None:
    result = _cli(estate_settings, "--out", str(tmp_path), "--period", PERIOD)
    assert result.returncode == 0, result.stderr
    path = tmp_path / f"focus-1.2-cost-and-usage-{PERIOD}.parquet"
    table = pq.read_table(path)
    columns = _view_columns(estate_settings)
    names = [focus_column_name(c) for c in columns]
    assert table.column_names == names
    for name in ("BilledCost", "ChargePeriodStart", "SkuPriceId", "SubAccountId", "Tags"):
        assert name in names
    assert {n for n in names if n.startswith("x_")} >= {"x_LineItemType", "x_SourceId"}

    schema = table.schema
    assert pa.types.is_decimal(schema.field("BilledCost").type)
    assert pa.types.is_decimal(schema.field("PricingQuantity").type)
    assert schema.field("ChargePeriodStart").type == pa.timestamp("us", tz="UTC")
    assert schema.field("BillingAccountId").type == pa.string()
    assert schema.field("Tags").type == pa.string()
    assert schema.metadata[b"focus_version"] == b"1.2"
    with get_engine(estate_settings).connect() as conn:
        money_scale = conn.execute(
            text("SELECT max(scale(billed_cost)), max(scale(effective_cost)) FROM finops.costs")
        ).one()
    assert schema.field("BilledCost").type.scale >= money_scale[0]
    assert schema.field("EffectiveCost").type.scale >= money_scale[1]

    warehouse = _warehouse_rows(estate_settings, PERIOD)
    exported = [dict(zip(columns, row.values(), strict=True)) for row in table.to_pylist()]
    json_columns = {"tags", "sku_price_details"}
    assert len(exported) == len(warehouse) > 1000
    assert Counter(_row_key(r, json_columns) for r in exported) == Counter(
        _row_key(r, json_columns) for r in warehouse
    )
    billed = sum((r["billed_cost"] for r in warehouse), Decimal(0))
    assert sum(table.column("BilledCost").to_pylist(), Decimal(0)) == billed > 0
    tagged = [json.loads(t) for t in table.column("Tags").to_pylist() if t not in (None, "{}")]
    assert tagged and all(isinstance(t, dict) for t in tagged)

    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["focus_version"] == "1.2"
    assert manifest["files"] == [
        {"path": path.name, "billing_period": PERIOD, "rows": len(warehouse)}
    ]
    assert [c["focus"] for c in manifest["columns"]] == names
    assert f"{len(warehouse):,}" in result.stdout


def _csv_expected(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        assert value.utcoffset() is not None and not value.utcoffset()
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value)


def test_csv_export_spells_every_value_as_focus_does(
    estate_settings: Settings, tmp_path: Path
) -> None:
    result = _cli(estate_settings, "--out", str(tmp_path), "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "focus-1.2-cost-and-usage-2026-09.csv",
        f"focus-1.2-cost-and-usage-{PERIOD}.csv",
        "manifest.json",
    ]
    columns = _view_columns(estate_settings)
    json_columns = {"tags", "sku_price_details"}
    for period in ("2026-09", PERIOD):
        with (tmp_path / f"focus-1.2-cost-and-usage-{period}.csv").open(newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            exported = [dict(zip(columns, row, strict=True)) for row in reader]
        assert header == [focus_column_name(c) for c in columns]
        warehouse = [
            {k: (v if k in json_columns else _csv_expected(v)) for k, v in row.items()}
            for row in _warehouse_rows(estate_settings, period)
        ]
        assert len(exported) == len(warehouse) > 100
        assert Counter(
            _row_key(
                {k: (v or None) if k in json_columns else v for k, v in r.items()}, json_columns
            )
            for r in exported
        ) == Counter(_row_key(r, json_columns) for r in warehouse)
        billed = sum((Decimal(r["billed_cost"]) for r in exported), Decimal(0))
        assert billed == sum((Decimal(r["billed_cost"]) for r in warehouse), Decimal(0)) > 0


def test_export_streams_in_bounded_batches(estate_settings: Settings, tmp_path: Path) -> None:
    seen: list[tuple[str, int]] = []
    planned: list[int] = []
    result = export_focus(
        out_dir=tmp_path,
        start="2026-09",
        end="2026-10",
        batch_rows=500,
        settings=estate_settings,
        progress=lambda period, rows: seen.append((period, rows)),
        on_plan=planned.append,
    )
    rows = {f.billing_period: f.rows for f in result.files}
    assert planned == [sum(rows.values())]
    assert max(n for _, n in seen) == 500  # never more than one batch in memory
    for period, count in rows.items():
        assert sum(n for p, n in seen if p == period) == count
        meta = pq.ParquetFile(tmp_path / f"focus-1.2-cost-and-usage-{period}.parquet").metadata
        assert meta.num_rows == count
        assert meta.num_row_groups == -(-count // ROW_GROUP_ROWS)
    assert not list(tmp_path.glob("*.partial"))


# --- errors name the parameter ------------------------------------------------------------------


def test_errors_name_the_parameter(estate_settings: Settings, tmp_path: Path) -> None:
    cases = [
        (["--version", "1.1"], "--version '1.1': FOCUS version not supported; supported: 1.2"),
        (["--period", "2019-01"], "--period 2019-01: the warehouse holds no cost rows for"),
        (["--period", "2026-13"], "--period '2026-13': expected a billing period as YYYY-MM"),
        (["--start", "2027-01"], "--start 2027-01 --end …: no billing period in that range"),
        (["--period", PERIOD, "--start", PERIOD], "give --period or --start/--end, not both"),
    ]
    for args, message in cases:
        result = _cli(estate_settings, "--out", str(tmp_path / "out"), *args)
        assert result.returncode == 1, (args, result.stdout)
        assert message in " ".join(result.stderr.split()), (args, result.stderr)
        assert "Traceback" not in result.stderr
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = _cli(estate_settings, "--out", str(blocker / "export"))
    assert result.returncode == 1
    assert f"--out {blocker / 'export'}: cannot write there" in " ".join(result.stderr.split())
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_an_empty_warehouse_is_refused(fresh_settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="the warehouse holds no cost rows to export"):
        export_focus(out_dir=tmp_path, settings=fresh_settings)


# --- the FinOps Foundation's validator ----------------------------------------------------------


@pytest.mark.parametrize("file_format", ["parquet", "csv"])
def test_focus_validator_passes_every_mandatory_rule(
    estate_settings: Settings, validator: ValidatorInstall, tmp_path: Path, file_format: str
) -> None:
    result = _cli(
        estate_settings, "--out", str(tmp_path), "--period", PERIOD, "--format", file_format
    )
    assert result.returncode == 0, result.stderr
    report = validator.validate(tmp_path / f"focus-1.2-cost-and-usage-{PERIOD}.{file_format}")
    check_export(
        report, estate_settings, period=PERIOD, file_format=file_format, version=validator.version
    )


# --- money at the warehouse's full precision ----------------------------------------------------


def test_unconstrained_money_is_exported_exactly(fresh_settings: Settings, tmp_path: Path) -> None:
    # money columns are unconstrained numeric (migration 0007): values keep their own scale
    values = {
        "fine": Decimal("11.366941430400001"),  # 15 decimal places, as FOCUS files carry
        "huge": Decimal("123456789012345678901234567890.123456789012345"),  # 45 digits
        "negative": Decimal("-0.000000000000001"),
    }
    with get_engine(fresh_settings).begin() as conn:
        conn.execute(text("SELECT finops.ensure_cost_partition('2026-05-01')"))
        for name, value in values.items():
            conn.execute(
                text(
                    "WITH a AS (INSERT INTO finops.cost_attributes (attribute_id, "
                    "billing_account_id, billing_currency, billing_period_start, "
                    "billing_period_end, charge_category, invoice_issuer_name, provider_name, "
                    "publisher_name, resource_id, x_source_id, x_source_format) VALUES "
                    "(nextval('finops.cost_attribute_ids'), 'acct', 'USD', '2026-05-01Z', "
                    "'2026-06-01Z', 'Usage', 'Example', 'Example', 'Example', :name, "
                    "'test:precision', 'focus') RETURNING attribute_id) "
                    "INSERT INTO finops.cost_facts (attribute_id, billed_cost, effective_cost, "
                    "list_cost, contracted_cost, charge_period_start, charge_period_end) "
                    "SELECT attribute_id, :v, :v, :v, :v, '2026-05-02Z', '2026-05-03Z' FROM a"
                ),
                {"v": value, "name": name},
            )
    result = export_focus(out_dir=tmp_path / "parquet", settings=fresh_settings)
    table = pq.read_table(result.files[0].path)
    billed_type = table.schema.field("BilledCost").type
    assert pa.types.is_decimal(billed_type) and billed_type.scale == 15
    assert billed_type.precision >= 45
    exported = dict(
        zip(
            table.column("ResourceId").to_pylist(),
            table.column("BilledCost").to_pylist(),
            strict=True,
        )
    )
    assert exported == values
    export_focus(out_dir=tmp_path / "csv", file_format="csv", settings=fresh_settings)
    with (tmp_path / "csv" / "focus-1.2-cost-and-usage-2026-05.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["ResourceId"]: Decimal(r["EffectiveCost"]) for r in rows} == values
    assert {r["ResourceId"]: r["ListCost"] for r in rows}["negative"] == "-0.000000000000001"


def test_export_reads_one_snapshot_while_a_load_changes_the_warehouse(
    fresh_settings: Settings, tmp_path: Path
) -> None:
    focus = FocusFile()
    for day in range(1, 4):
        focus.add(provider="Google Cloud", day=datetime(2026, 8, day), billed="1.25")
        focus.add(provider="Google Cloud", day=datetime(2026, 9, day), billed="2.5")
    ingest_billing(
        str(focus.write_csv(tmp_path / "focus" / "g.csv").parent), settings=fresh_settings
    )
    deleted: list[int] = []

    def delete_september_once(period: str, rows: int) -> None:
        if deleted:
            return
        with get_engine(fresh_settings).begin() as conn:  # another session, committed
            deleted.append(
                conn.execute(
                    text(
                        "DELETE FROM finops.cost_facts f USING finops.cost_attributes a "
                        "WHERE a.attribute_id = f.attribute_id "
                        "AND a.billing_period_start = '2026-09-01Z'"
                    )
                ).rowcount
            )

    result = export_focus(
        out_dir=tmp_path / "out", settings=fresh_settings, progress=delete_september_once
    )
    assert deleted == [3]
    assert [(f.billing_period, f.rows) for f in result.files] == [("2026-08", 3), ("2026-09", 3)]
    september = pq.read_table(result.files[1].path)
    assert sum(september.column("BilledCost").to_pylist(), Decimal(0)) == Decimal("7.5")
