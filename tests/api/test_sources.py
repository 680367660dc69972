"""``/api/v1/sources``, ``/sources/loads`` and ``/sources/quality``: billing sources, the ingest
log and the data-quality reports, on a warehouse loaded through the real ``ingest_billing``:
the FinOps Foundation's FOCUS 1.0 sample (AWS, Microsoft and Oracle rows; Oracle's break two
FOCUS rules), a CUR 2.0 export whose first period is corrupt and a FOCUS file whose periods are
billed in two currencies. Expected figures are computed from the source files with decimals."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from finops.config import Settings
from finops.db.engine import get_engine, server_url
from finops.ingest.billing import IngestFailures, ingest_billing
from tests.conftest import create_database
from tests.factories.cur2 import Cur2Export
from tests.factories.focus import FocusFile

SAMPLE = Path(__file__).parents[1] / "data" / "focus-sample-1.0" / "focus_sample.csv"
CHARGE_FREQUENCIES = ("One-Time", "Recurring", "Usage-Based")


@dataclass(frozen=True)
class SourcesEstate:
    settings: Settings
    sample_source: str
    cur: Cur2Export
    cur_root: Path
    cur_source: str
    mixed: FocusFile
    mixed_source: str


def _sample_rows() -> list[dict[str, str]]:
    with SAMPLE.open(newline="") as handle:
        return list(csv.DictReader(handle))


def _by_period(rows: list[dict[str, str]]) -> dict[str, Decimal]:
    """BilledCost per billing period (YYYY-MM), summed from the CSV with decimals."""
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        sums[row["BillingPeriodStart"][:7]] += Decimal(row["BilledCost"])
    return dict(sums)


@pytest.fixture(scope="module")
def estate(
    pg_server: object, admin_url: str, finops_home: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SourcesEstate]:
    from finops.db.migrate import upgrade

    name = f"t_sources_{uuid.uuid4().hex[:10]}"
    create_database(admin_url, name)
    settings = Settings(
        home=finops_home,
        database_url=pg_server.url(name),  # type: ignore[attr-defined]
        environment="test",
    )
    engine = get_engine(settings)
    upgrade(engine)
    root = tmp_path_factory.mktemp("sources")

    sample = ingest_billing(str(SAMPLE), settings=settings)

    cur = Cur2Export(name="cur-prod", payer="123456789012")
    for month, cost in ((1, "7"), (2, "12.5"), (3, "3.3333333333")):
        cur.add_usage(
            day=datetime(2026, month, 3), account="210000000001", service="AmazonEC2", cost=cost
        )
        cur.add_usage(
            day=datetime(2026, month, 4), account="210000000002", service="AmazonS3", cost="1.25"
        )
    cur_root = cur.write(root / "cur")
    bad = next((cur_root / "cur-prod" / "data" / "BILLING_PERIOD=2026-01").glob("*.parquet"))
    bad.write_bytes(bad.read_bytes()[:150])  # the first period's file is corrupt
    with pytest.raises(IngestFailures, match="not a readable parquet"):
        ingest_billing(str(cur_root), settings=settings)

    mixed = FocusFile()  # a period is billed in one currency; this source changed currency
    for day in (1, 2, 3):
        mixed.add(provider="Microsoft", day=datetime(2026, 8, day), billed="10.000000000000001")
        mixed.add(provider="Microsoft", day=datetime(2026, 9, day), billed="2.5", currency="EUR")
    mixed_path = mixed.write_csv(root / "mca" / "august.csv")
    (mixed_outcome,) = ingest_billing(str(mixed_path), settings=settings)

    yield SourcesEstate(
        settings=settings,
        sample_source=sample[0].source_id,
        cur=cur,
        cur_root=cur_root,
        cur_source="cur2:cur-prod",
        mixed=mixed,
        mixed_source=mixed_outcome.source_id,
    )
    engine.dispose()


@pytest.fixture(scope="module")
def api(estate: SourcesEstate) -> Iterator[TestClient]:
    from finops.api.main import create_app
    from tests.factories.identity import admin_headers

    app = create_app(settings=estate.settings, frontend_dist=None)
    with TestClient(app, headers=admin_headers(estate.settings)) as test_client:
        yield test_client


def _get(api: TestClient, path: str, **params: Any) -> dict[str, Any]:
    response = api.get(path, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _scalar(estate: SourcesEstate, sql: str, **params: Any) -> Any:
    with get_engine(estate.settings).connect() as conn:
        return conn.execute(text(sql), params).scalar_one()


# --- /sources ---------------------------------------------------------------------------------


def test_sources_list_every_source_with_its_identity_periods_and_billed_cost(
    api: TestClient, estate: SourcesEstate
) -> None:
    body = _get(api, "/api/v1/sources")
    assert body["count"] == 3
    sources = {s["source_id"]: s for s in body["data"]}
    assert [s["source_id"] for s in body["data"]] == sorted(sources)
    rows = _sample_rows()

    sample = sources[estate.sample_source]
    assert sample["source_format"] == "focus"
    assert sample["provider_names"] == ["AWS", "Microsoft", "Oracle"]
    assert sample["billing_account_ids"] == sorted({r["BillingAccountId"] for r in rows})
    assert sample["location"] == str(SAMPLE.resolve())
    assert sample["billing_periods"] == ["2024-09", "2024-10"]
    (billed,) = sample["billed_cost"]
    assert billed["currency"] == "USD"
    assert Decimal(billed["amount"]) == sum(_by_period(rows).values())
    assert billed["amount"] == "20.52022672899"  # the CSV's 11 decimal places, as a string
    assert sample["rows"] == _scalar(
        estate, "SELECT count(*) FROM costs WHERE x_source_id = :s", s=estate.sample_source
    )
    # one report row per rule and period: ContractedCost in both periods, ChargeFrequency in
    # the periods where Oracle wrote 'Usage-based'
    oracle_periods = {
        (r["BillingPeriodStart"][:7], "frequency")
        for r in rows
        if r["ChargeFrequency"] not in CHARGE_FREQUENCIES
    } | {(r["BillingPeriodStart"][:7], "contracted") for r in rows if r["ContractedCost"] == "NULL"}
    assert sample["quality_findings"] == len(oracle_periods) == 4
    assert sample["last_loaded_at"] is not None

    cur = sources[estate.cur_source]
    assert cur["source_format"] == "cur2"
    assert cur["export_name"] == "cur-prod"
    assert cur["billing_account_ids"] == ["123456789012"]
    assert cur["billing_periods"] == ["2026-02", "2026-03"]  # 2026-01 failed to load
    assert cur["billed_cost"] == [
        {
            "currency": "USD",
            "amount": str(estate.cur.total(period="2026-02") + estate.cur.total(period="2026-03")),
        }
    ]
    assert Decimal(cur["billed_cost"][0]["amount"]) == Decimal(
        "18.3333333333"
    )  # 12.5 + 1.25 + 3.3333333333 + 1.25
    assert cur["quality_findings"] == 0

    mixed = sources[estate.mixed_source]
    assert mixed["provider_names"] == ["Microsoft"]
    assert mixed["billing_periods"] == ["2026-08", "2026-09"]
    # several currencies are never added together
    assert [(c["currency"], Decimal(c["amount"])) for c in mixed["billed_cost"]] == [
        ("EUR", Decimal("7.5")),
        ("USD", Decimal("30.000000000000003")),
    ]


# --- /sources/loads ---------------------------------------------------------------------------


def test_loads_are_the_ingest_log_newest_first_with_totals_and_errors(
    api: TestClient, estate: SourcesEstate
) -> None:
    body = _get(api, "/api/v1/sources/loads")
    # one load per billing period: the sample's two, the CUR export's three, the mixed file's two
    assert body["count"] == 2 + 3 + 2
    ids = [load["id"] for load in body["data"]]
    assert ids == sorted(ids, reverse=True)
    assert body["data"][0]["source_id"] == estate.mixed_source
    assert Counter(load["status"] for load in body["data"]) == {"succeeded": 6, "failed": 1}

    sample = {
        load["billing_period"]: load
        for load in body["data"]
        if load["source_id"] == estate.sample_source
    }
    rows = _sample_rows()
    by_period = _by_period(rows)
    line_items = Counter(r["BillingPeriodStart"][:7] for r in rows)
    assert set(sample) == {"2024-09", "2024-10"}
    for period, load in sample.items():
        assert load["status"] == "succeeded"
        assert load["source_format"] == "focus"
        assert load["raw_line_items"] == line_items[period]
        assert Decimal(load["billed_cost"]) == by_period[period]
        assert load["billing_currency"] == "USD"
        assert load["error"] is None
        assert load["finished_at"] >= load["started_at"]
    assert sample["2024-09"]["raw_line_items"] == 999
    assert sample["2024-09"]["quality_findings"] + sample["2024-10"]["quality_findings"] == 4

    failed = _get(api, "/api/v1/sources/loads", status="failed")
    assert failed["count"] == 1
    (load,) = failed["data"]
    assert (load["source_id"], load["billing_period"]) == (estate.cur_source, "2026-01")
    assert "BILLING_PERIOD=2026-01" in load["error"]
    assert "not a readable parquet" in load["error"]
    assert load["billed_cost"] is None and load["rows_loaded"] == 0  # nothing of it loaded


def test_loads_filter_by_source_and_page(api: TestClient, estate: SourcesEstate) -> None:
    cur = _get(api, "/api/v1/sources/loads", source_id=estate.cur_source)
    assert cur["count"] == 3
    succeeded = {
        load["billing_period"]: Decimal(load["billed_cost"])
        for load in cur["data"]
        if load["status"] == "succeeded"
    }
    assert succeeded == {
        "2026-02": estate.cur.total(period="2026-02"),
        "2026-03": estate.cur.total(period="2026-03"),
    }
    assert {load["source_id"] for load in cur["data"]} == {estate.cur_source}

    everything = _get(api, "/api/v1/sources/loads")["data"]
    first = _get(api, "/api/v1/sources/loads", limit=4, offset=0)
    second = _get(api, "/api/v1/sources/loads", limit=4, offset=4)
    assert first["count"] == second["count"] == 7
    assert [len(first["data"]), len(second["data"])] == [4, 3]
    assert [x["id"] for x in first["data"] + second["data"]] == [x["id"] for x in everything]


# --- /sources/quality -------------------------------------------------------------------------


def test_quality_report_counts_line_items_per_rule_with_examples(
    api: TestClient, estate: SourcesEstate
) -> None:
    body = _get(api, "/api/v1/sources/quality")
    assert body["count"] == 4
    assert {f["source_id"] for f in body["data"]} == {estate.sample_source}
    rows = _sample_rows()
    per_rule: Counter[str] = Counter()
    for finding in body["data"]:
        per_rule[finding["rule_id"]] += finding["line_items"]
        assert finding["examples"], finding
        assert len(finding["examples"]) <= 3
        assert {e["provider_name"] for e in finding["examples"]} == {"Oracle"}
    assert per_rule == {
        "ContractedCost.not_null": sum(1 for r in rows if r["ContractedCost"] == "NULL"),
        "ChargeFrequency.allowed_values": sum(
            1 for r in rows if r["ChargeFrequency"] not in CHARGE_FREQUENCIES
        ),
    }
    assert per_rule == {"ContractedCost.not_null": 7, "ChargeFrequency.allowed_values": 7}
    contracted = next(f for f in body["data"] if f["rule_id"] == "ContractedCost.not_null")
    # example rows read in the report's column order, not JSONB's
    assert list(contracted["examples"][0]) == [
        "provider_name",
        "billing_account_id",
        "sub_account_id",
        "service_name",
        "charge_category",
        "charge_description",
        "resource_id",
        "billed_cost",
        "charge_period_start",
    ]
    assert contracted["severity"] == "error"
    assert contracted["column_name"] == "ContractedCost"
    assert "MUST NOT be null" in contracted["message"]
    # newest period first, errors before warnings within a period
    order = [(f["billing_period"], f["severity"]) for f in body["data"]]
    assert order == sorted(order, key=lambda o: (o[0], o[1] == "error"), reverse=True)
    # the report is the data_quality view's, example for example
    assert sum(f["line_items"] for f in body["data"]) == _scalar(
        estate, "SELECT sum(line_items) FROM data_quality"
    )


def test_quality_filters_by_source_period_and_severity(
    api: TestClient, estate: SourcesEstate
) -> None:
    rows = _sample_rows()
    october = _get(
        api, "/api/v1/sources/quality", source_id=estate.sample_source, billing_period="2024-10"
    )
    assert {f["billing_period"] for f in october["data"]} == {"2024-10"}
    october_nulls = sum(
        1
        for r in rows
        if r["ContractedCost"] == "NULL" and r["BillingPeriodStart"][:7] == "2024-10"
    )
    assert [f["line_items"] for f in october["data"] if f["severity"] == "error"] == [october_nulls]
    warnings = _get(api, "/api/v1/sources/quality", severity="warning")
    assert {f["rule_id"] for f in warnings["data"]} == {"ChargeFrequency.allowed_values"}
    assert sum(f["line_items"] for f in warnings["data"]) == 7
    clean = _get(api, "/api/v1/sources/quality", source_id=estate.cur_source)
    assert clean == {"data": [], "count": 0}
    loaded_clean = _get(
        api, "/api/v1/sources/quality", source_id=estate.cur_source, billing_period="2026-02"
    )
    assert loaded_clean["count"] == 0


# --- errors name the parameter ----------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/sources/loads", "/api/v1/sources/quality"])
def test_unknown_source_is_404_naming_the_parameter(
    api: TestClient, estate: SourcesEstate, path: str
) -> None:
    response = api.get(path, params={"source_id": "focus:nowhere"})
    assert response.status_code == 404
    detail = response.json()["detail"]
    assert detail.startswith("source_id: no billing source named 'focus:nowhere'")
    assert estate.cur_source in detail


def test_bad_parameters_are_422_or_404_naming_them(api: TestClient, estate: SourcesEstate) -> None:
    bad_period = api.get("/api/v1/sources/quality", params={"billing_period": "2024-13"})
    assert bad_period.status_code == 422
    assert "billing_period must look like YYYY-MM" in bad_period.json()["detail"]

    for path, name, value in (
        ("/api/v1/sources/loads", "status", "done"),
        ("/api/v1/sources/loads", "limit", "0"),
        ("/api/v1/sources/loads", "offset", "-1"),
        ("/api/v1/sources/quality", "severity", "fatal"),
    ):
        response = api.get(path, params={name: value})
        assert response.status_code == 422, (name, response.text)
        assert response.json()["detail"][0]["loc"] == ["query", name]

    # a well-formed period that was never loaded is not reported as clean
    never = api.get(
        "/api/v1/sources/quality",
        params={"source_id": estate.cur_source, "billing_period": "2026-01"},
    )
    assert never.status_code == 404
    assert never.json()["detail"] == (
        "billing_period: no successful load of 2026-01 of source 'cur2:cur-prod'; "
        "loaded: 2026-02, 2026-03"
    )


def test_cli_sources_list_shows_the_same_billed_cost_per_currency(estate: SourcesEstate) -> None:
    """``finops sources list`` reads the same summaries: two currencies are never added up."""
    env = dict(
        os.environ,
        FINOPS_DATABASE_URL=server_url(estate.settings),
        FINOPS_LOG_JSON="false",
        COLUMNS="400",
    )
    shown = subprocess.run(
        [sys.executable, "-m", "finops", "sources", "list"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert shown.returncode == 0, shown.stderr
    line = next(x for x in shown.stdout.splitlines() if estate.mixed_source in x)
    assert "7.5 EUR; 30.000000000000003 USD" in line
    sample = next(x for x in shown.stdout.splitlines() if estate.sample_source in x)
    assert "20.52022672899 USD" in sample
    assert "4 rule(s) broken" in sample
