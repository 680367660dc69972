"""CUR 2.0 ingestion into the real warehouse: exact totals, idempotence, restatement, bad input."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from sqlalchemy import text

from finops.config import Settings
from finops.db.engine import get_engine
from finops.errors import IngestError
from finops.ingest.billing import ingest_billing
from tests.factories.cur2 import Cur2Export


def _export() -> Cur2Export:
    export = Cur2Export()
    for day in range(1, 6):
        export.add_usage(
            day=datetime(2026, 1, day),
            account="222222222222",
            service="AmazonEC2",
            cost="24.0000000001",
            resource_id="i-0abc",
            hours=24,
            tags={"user:team": "payments"},
        )
        export.add_usage(
            day=datetime(2026, 1, day),
            account="333333333333",
            service="AmazonS3",
            cost="0.3333333333",
            hours=3,
        )
        export.add_usage(
            day=datetime(2026, 2, day),
            account="333333333333",
            service="AmazonRDS",
            cost="7.77",
            resource_id="db-1",
            hours=2,
        )
    return export


def _warehouse(settings: Settings) -> tuple[int, Decimal, str]:
    with get_engine(settings).connect() as conn:
        count, total = conn.execute(
            text("SELECT count(*), coalesce(sum(billed_cost), 0) FROM costs")
        ).one()
        checksum = conn.execute(
            text(
                "SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM ("
                "SELECT charge_period_start, sub_account_id, service_name, resource_id, "
                "billed_cost, effective_cost, list_cost, tags FROM costs) t"
            )
        ).scalar()
    return int(count), Decimal(total), str(checksum)


def test_totals_reconcile_exactly_and_rows_are_daily(
    fresh_settings: Settings, tmp_path: Path
) -> None:
    export = _export()
    outcomes = ingest_billing(str(export.write(tmp_path)), settings=fresh_settings)
    assert [(o.billing_period, o.status) for o in outcomes] == [
        ("2026-01", "succeeded"),
        ("2026-02", "succeeded"),
    ]
    assert sum(o.raw_line_items for o in outcomes) == len(export.rows) == 5 * (24 + 3 + 2)
    count, total, _ = _warehouse(fresh_settings)
    assert count == 15  # one row per day x account x resource
    assert total == export.total() == Decimal("160.5166666670")
    with get_engine(fresh_settings).connect() as conn:
        row = conn.execute(
            text(
                "SELECT service_name, service_category, charge_category, provider_name, "
                "tags->>'user:team', x_raw_line_items, billed_cost FROM costs "
                "WHERE resource_id = 'i-0abc' ORDER BY charge_period_start LIMIT 1"
            )
        ).one()
    assert row == (
        "Amazon Elastic Compute Cloud",
        "Compute",
        "Usage",
        "AWS",
        "payments",
        24,
        Decimal("24.0000000001"),
    )


def test_rerun_changes_nothing(fresh_settings: Settings, tmp_path: Path) -> None:
    source = str(_export().write(tmp_path))
    ingest_billing(source, settings=fresh_settings)
    before = _warehouse(fresh_settings)
    again = ingest_billing(source, settings=fresh_settings)
    assert {o.status for o in again} == {"skipped"}
    assert _warehouse(fresh_settings) == before


def test_restated_period_replaces_the_old_slice(fresh_settings: Settings, tmp_path: Path) -> None:
    export = _export()
    source = export.write(tmp_path)
    ingest_billing(str(source), settings=fresh_settings)
    restated = Cur2Export(rows=[r for r in export.rows if r["billing_period"] == "2026-02"])
    restated.add_usage(
        day=datetime(2026, 2, 9), account="333333333333", service="AmazonRDS", cost="100", hours=1
    )
    restated.write(source)  # AWS rewrites the period's files in place
    outcomes = ingest_billing(str(source), settings=fresh_settings)
    assert {o.billing_period: o.status for o in outcomes} == {
        "2026-01": "skipped",
        "2026-02": "succeeded",
    }
    _, total, _ = _warehouse(fresh_settings)
    assert total == export.total(period="2026-01") + restated.total()


def test_missing_column_fails_clearly_and_keeps_previous_data(
    fresh_settings: Settings, tmp_path: Path
) -> None:
    source = _export().write(tmp_path)
    ingest_billing(str(source), settings=fresh_settings)
    before = _warehouse(fresh_settings)
    bad = next((source / "test-export" / "data" / "BILLING_PERIOD=2026-02").glob("*.parquet"))
    table = pq.read_table(bad).drop_columns(["line_item_unblended_cost"])
    pq.write_table(table, bad)
    with pytest.raises(IngestError, match=r"test-export-00001.*line_item_unblended_cost"):
        ingest_billing(str(source), settings=fresh_settings)
    assert _warehouse(fresh_settings) == before


def test_truncated_file_fails_clearly(fresh_settings: Settings, tmp_path: Path) -> None:
    source = _export().write(tmp_path)
    bad = next((source / "test-export" / "data" / "BILLING_PERIOD=2026-01").glob("*.parquet"))
    bad.write_bytes(bad.read_bytes()[:200])
    with pytest.raises(IngestError, match=r"BILLING_PERIOD=2026-01.*not a readable parquet"):
        ingest_billing(str(source), settings=fresh_settings)
    # January failed alone: February's valid files loaded in the same run
    count, total, _ = _warehouse(fresh_settings)
    assert (count, total) == (5, Decimal("38.85"))


def test_file_of_another_period_is_refused(fresh_settings: Settings, tmp_path: Path) -> None:
    source = _export().write(tmp_path)
    jan = next((source / "test-export" / "data" / "BILLING_PERIOD=2026-01").glob("*.parquet"))
    feb_dir = source / "test-export" / "data" / "BILLING_PERIOD=2026-02"
    feb = next(feb_dir.glob("*.parquet"))
    feb.write_bytes(jan.read_bytes())
    with pytest.raises(IngestError, match=r"billing period\(s\) 2026-01 in the folder of 2026-02"):
        ingest_billing(str(source), billing_period="2026-02", settings=fresh_settings)


def test_ingest_log_records_each_load(fresh_settings: Settings, tmp_path: Path) -> None:
    export = _export()
    ingest_billing(str(export.write(tmp_path)), settings=fresh_settings)
    with get_engine(fresh_settings).connect() as conn:
        rows = conn.execute(
            text(
                "SELECT to_char(billing_period, 'YYYY-MM'), status, raw_line_items, billed_cost "
                "FROM finops.ingest_log ORDER BY billing_period"
            )
        ).all()
        audit = conn.execute(
            text("SELECT count(*) FROM finops.audit_log WHERE action = 'billing.replace_slice'")
        ).scalar()
    assert rows == [
        ("2026-01", "succeeded", 135, export.total(period="2026-01")),
        ("2026-02", "succeeded", 10, export.total(period="2026-02")),
    ]
    assert audit == 2
