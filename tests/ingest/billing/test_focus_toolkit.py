"""FOCUS 1.2 and 1.3 files written by ``focus-data-toolkit`` (an independent, provider-realistic
generator) for AWS, Azure and GCP load through ``finops ingest billing`` and reconcile exactly:
per provider, per charge day, per service and per tag value, for BilledCost, EffectiveCost,
ListCost and ContractedCost, against sums the test computes from the CSV text itself.

Each provider's export sits in a folder of the same name (``<provider>/cost-and-usage/``), as
exports delivered by three providers to one bucket or share often do, and all three are
loaded into one warehouse.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import text

from finops.config import Settings
from finops.db.engine import get_engine, server_url
from finops.export import export_focus
from tests.conftest import create_database
from tests.export.focus_validator import ValidatorInstall, check_export, install_validator
from tests.factories.focus_toolkit import (
    MONEY,
    PROVIDERS,
    Sums,
    ToolkitFile,
    generate_cost_and_usage,
    source_sums,
)

_MONEY_SQL = (
    "coalesce(sum(billed_cost), 0), coalesce(sum(effective_cost), 0), "
    "coalesce(sum(list_cost), 0), coalesce(sum(contracted_cost), 0)"
)
WAREHOUSE_SUMS: dict[str, str] = {
    "provider": f"SELECT provider_name, billing_currency, {_MONEY_SQL} "
    "FROM finops.costs GROUP BY 1, 2",
    "day": "SELECT provider_name, billing_currency, "
    f"to_char(charge_period_start AT TIME ZONE 'UTC', 'YYYY-MM-DD'), {_MONEY_SQL} "
    "FROM finops.costs GROUP BY 1, 2, 3",
    "service": f"SELECT provider_name, billing_currency, service_name, {_MONEY_SQL} "
    "FROM finops.costs GROUP BY 1, 2, 3",
    "tag": f"SELECT provider_name, billing_currency, t.key, t.value, {_MONEY_SQL} "
    "FROM finops.costs CROSS JOIN LATERAL jsonb_each_text(tags) AS t GROUP BY 1, 2, 3, 4",
}


@dataclass
class LoadedToolkit:
    version: str
    settings: Settings
    files: list[ToolkitFile]
    loads: dict[str, subprocess.CompletedProcess[str]]


@pytest.fixture(scope="module", params=["1.2", "1.3"])
def toolkit_warehouse(
    request: pytest.FixtureRequest,
    pg_server: Any,
    admin_url: str,
    finops_home: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[LoadedToolkit]:
    from finops.db.migrate import upgrade

    version: str = request.param
    name = f"t_{uuid.uuid4().hex[:12]}"
    create_database(admin_url, name)
    settings = Settings(home=finops_home, database_url=pg_server.url(name), environment="test")
    engine = get_engine(settings)
    upgrade(engine)
    root = tmp_path_factory.mktemp(f"toolkit-{version}")
    files = [
        generate_cost_and_usage(provider=p, version=version, export_dir=root / p / "cost-and-usage")
        for p in PROVIDERS
    ]
    env = dict(os.environ, FINOPS_DATABASE_URL=server_url(settings), FINOPS_LOG_JSON="false")
    loads = {
        f.provider: subprocess.run(
            [sys.executable, "-m", "finops", "ingest", "billing", str(f.path.parent)],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        for f in files
    }
    yield LoadedToolkit(version=version, settings=settings, files=files, loads=loads)
    engine.dispose()


def _assert_loaded(loaded: LoadedToolkit) -> None:
    failed = {p: " ".join(r.stderr.split())[-600:] for p, r in loaded.loads.items() if r.returncode}
    assert not failed, (
        f"finops ingest billing failed on focus-data-toolkit {loaded.version}: {failed}"
    )


def _warehouse_sums(settings: Settings, query: str) -> Sums:
    with get_engine(settings).connect() as conn:
        rows = conn.execute(text(query)).all()
    width = len(MONEY)
    return {
        tuple(str(v) for v in row[:-width]): tuple(Decimal(v) for v in row[-width:]) for row in rows
    }


def _differences(expected: Sums, actual: Sums) -> list[str]:
    lines = []
    for key in sorted(set(expected) | set(actual)):
        want = expected.get(key)
        got = actual.get(key)
        if want != got:
            lines.append(f"{key}: source {want} warehouse {got}")
    return lines


@pytest.mark.parametrize("grouping", ["provider", "day", "service", "tag"])
def test_toolkit_files_reconcile_exactly(toolkit_warehouse: LoadedToolkit, grouping: str) -> None:
    _assert_loaded(toolkit_warehouse)
    expected = source_sums(toolkit_warehouse.files)[grouping]
    assert len({k[0] for k in expected}) == 3  # AWS, Microsoft Azure, Google Cloud
    assert sum(v[0] for v in expected.values()) > 0
    actual = _warehouse_sums(toolkit_warehouse.settings, WAREHOUSE_SUMS[grouping])
    differences = _differences(expected, actual)
    assert not differences, (
        f"{len(differences)} of {len(expected)} {grouping} sums of focus-data-toolkit "
        f"{toolkit_warehouse.version} differ ({', '.join(MONEY)}):\n" + "\n".join(differences[:8])
    )


def _snake(pascal: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", pascal).lower()


def test_every_column_the_toolkit_fills_arrives_in_costs(toolkit_warehouse: LoadedToolkit) -> None:
    """Each FOCUS column of the files is a column of ``finops.costs`` and, where the files
    give it a value, holds values there too (nothing dropped, nothing left empty)."""
    _assert_loaded(toolkit_warehouse)
    with get_engine(toolkit_warehouse.settings).connect() as conn:
        view_columns = set(conn.execute(text("SELECT * FROM finops.costs LIMIT 0")).keys())
    missing: set[str] = set()
    empty: list[str] = []
    for file in toolkit_warehouse.files:
        rows = file.rows()
        provider = rows[0]["ProviderName"]
        for column in file.header():
            snake = _snake(column)
            if snake not in view_columns:
                missing.add(column)
                continue
            filled = sum(1 for r in rows if r[column] not in ("", "NULL"))
            if not filled:
                continue
            with get_engine(toolkit_warehouse.settings).connect() as conn:
                stored = conn.execute(
                    sa.select(sa.func.count(sa.column(snake)))
                    .select_from(sa.table("costs", schema="finops"))
                    .where(sa.column("provider_name") == provider)
                ).scalar_one()
            if not stored:
                empty.append(f"{provider} {column} ({filled} source rows)")
    assert not missing and not empty, (
        f"focus-data-toolkit {toolkit_warehouse.version}: columns missing from finops.costs: "
        f"{sorted(missing)}; columns the source fills that arrive empty: {empty}"
    )


@pytest.fixture(scope="module")
def validator() -> ValidatorInstall:
    return install_validator()


def test_export_of_toolkit_data_passes_the_validator(
    toolkit_warehouse: LoadedToolkit, validator: ValidatorInstall, tmp_path: Path
) -> None:
    """The three providers' rows, exported as FOCUS 1.2 (FOCUS 1.3 columns as x_ columns),
    pass every mandatory rule but the validator's known false positives."""
    _assert_loaded(toolkit_warehouse)
    result = export_focus(out_dir=tmp_path, settings=toolkit_warehouse.settings)
    assert [f.billing_period for f in result.files] == ["2026-05"]
    assert result.rows > 0
    report = validator.validate(result.files[0].path)
    check_export(
        report,
        toolkit_warehouse.settings,
        period="2026-05",
        file_format="parquet",
        version=validator.version,
    )
