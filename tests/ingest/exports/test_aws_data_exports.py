"""Cost Optimization Hub and carbon emissions exports load into their tables and views, values
exact, a reload replacing the source's snapshot (COH) or months (carbon)."""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text

from finops.config import Settings
from finops.db.engine import get_engine, server_url
from finops.errors import IngestError
from finops.ingest.exports import ingest_carbon, ingest_coh
from tests.factories.aws_exports import CarbonExport, CohExport


def test_coh_export_replaces_its_snapshot(fresh_settings: Settings, tmp_path: Path) -> None:
    export = CohExport()
    export.add(resource_id="i-0aaa", action_type="Rightsize", savings=61.3211)
    export.add(resource_id="i-0bbb", action_type="Stop", savings=140.16)
    export.add(
        resource_id="vol-0ccc", action_type="Upgrade", savings=1.6, resource_type="EbsVolume"
    )
    root = export.write(tmp_path / "exports")
    load = ingest_coh(str(root), settings=fresh_settings)
    assert (load.source_id, load.files, load.rows) == ("coh:coh-recommendations", 1, 3)
    with get_engine(fresh_settings).connect() as conn:
        total = conn.execute(
            text("SELECT sum(estimated_monthly_savings_after_discount) FROM coh_recommendations")
        ).scalar()
        row = conn.execute(
            text(
                "SELECT action_type, restart_needed, tags, recommendation_lookback_period_in_days, "
                "resource_arn FROM coh_recommendations WHERE resource_id = 'i-0bbb'"
            )
        ).one()
    assert total == export.total_savings() == Decimal("203.0811")
    assert tuple(row) == (
        "Stop",
        True,
        {"team": "core"},
        14,
        "arn:aws:ec2:us-east-1:210000000001:instance/i-0bbb",
    )
    # the next delivery is the whole current set: a recommendation no longer there is gone
    later = CohExport(rows=export.rows[1:2])
    ingest_coh(str(later.write(tmp_path / "later")), settings=fresh_settings)
    with get_engine(fresh_settings).connect() as conn:
        ids = conn.execute(text("SELECT resource_id FROM coh_recommendations")).scalars().all()
    assert ids == ["i-0bbb"]


def test_carbon_export_by_month_through_the_cli(fresh_settings: Settings, tmp_path: Path) -> None:
    export = CarbonExport()
    export.add(month="2026-08", account="210000000001", product="AmazonEC2", region="us-east-1",
               lbm="0.123456789", mbm="0.001")  # fmt: skip
    export.add(month="2026-08", account="210000000002", product="AmazonS3", region="eu-west-1",
               lbm="0.000012", mbm="0")  # fmt: skip
    export.add(month="2026-09", account="210000000001", product="AmazonEC2", region="us-east-1",
               lbm="0.2", mbm="0.01")  # fmt: skip
    root = tmp_path / "exports"
    export.write(root, "2026-08")
    export.write(root, "2026-09")
    env = dict(os.environ, FINOPS_DATABASE_URL=server_url(fresh_settings))
    result = subprocess.run(
        [sys.executable, "-m", "finops", "ingest", "carbon", str(root / "carbon")],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "carbon:carbon: 3 rows from 2 file(s) into carbon_emissions" in result.stdout
    # September restated: its rows are replaced, August's stay
    export.rows[2]["total_lbm_emissions_value"] = "0.25"
    ingest_carbon(str(export.write(tmp_path / "again", "2026-09")), settings=fresh_settings)
    with get_engine(fresh_settings).connect() as conn:
        rows = conn.execute(
            text(
                "SELECT to_char(usage_period_start, 'YYYY-MM'), sum(total_lbm_emissions_value), "
                "sum(total_mbm_emissions_value), count(*) FROM carbon_emissions GROUP BY 1 "
                "ORDER BY 1"
            )
        ).all()
    assert [tuple(r) for r in rows] == [
        ("2026-08", Decimal("0.123468789"), Decimal("0.001"), 2),
        ("2026-09", Decimal("0.25"), Decimal("0.01"), 1),
    ]


def test_bad_export_files_are_named(fresh_settings: Settings, tmp_path: Path) -> None:
    export = CarbonExport()
    export.add(month="2026-08", account="1", product="AmazonEC2", region="us-east-1",
               lbm="lots", mbm="0")  # fmt: skip
    root = export.write(tmp_path, "2026-08")
    with pytest.raises(
        IngestError, match=r"carbon-00001\.csv\.gz: column total_lbm_emissions_value, data row 1"
    ):
        ingest_carbon(str(root), settings=fresh_settings)
    bad = tmp_path / "coh.csv"
    bad.write_text("account_id,action_type\n1,Stop\n")
    with pytest.raises(IngestError, match=r"coh\.csv: missing required columns: currency_code"):
        ingest_coh(str(bad), settings=fresh_settings)


def test_migration_0010_downgrades_and_upgrades(pg_server: object, admin_url: str) -> None:
    import uuid

    from alembic import command
    from sqlalchemy import create_engine

    from finops.db.migrate import alembic_config, upgrade
    from tests.conftest import create_database

    name = f"t_{uuid.uuid4().hex[:12]}"
    create_database(admin_url, name)
    url = pg_server.url(name)  # type: ignore[attr-defined]
    engine = create_engine(url)
    exists = (
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'finops' "
        "AND table_name IN ('coh_recommendations', 'coh_recommendation_rows', "
        "'carbon_emissions', 'carbon_emission_rows')"
    )
    try:
        assert upgrade(engine, revision="0010") == "0010"
        with engine.connect() as conn:
            assert conn.execute(text(exists)).scalar() == 4
        command.downgrade(alembic_config(url), "0006")
        with engine.connect() as conn:
            assert conn.execute(text(exists)).scalar() == 0
        assert upgrade(engine, revision="0010") == "0010"
    finally:
        engine.dispose()
