"""``/api/v1/optimization/coh-comparison``: a Cost Optimization Hub export built from the
estate's own findings (one agreeing, one off on savings, one on another action, one resource the
platform does not flag) is loaded with ``ingest_coh`` and compared with the ``findings`` view."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from finops.api.routes.optimization import PLATFORM_ACTIONS
from finops.config import Settings
from finops.db.engine import get_engine
from finops.ingest.exports import ingest_coh
from tests.factories.aws_exports import CohExport


def _active_findings(settings: Settings) -> list[Any]:
    with get_engine(settings).connect() as conn:
        return list(
            conn.execute(
                text(
                    "SELECT fingerprint, finding_type, resource_id, account_id, region, "
                    "estimated_monthly_savings FROM finops.findings WHERE status IN ('new', "
                    "'open') AND resource_id IS NOT NULL AND finding_type = ANY(:types) "
                    "ORDER BY fingerprint"
                ),
                {"types": list(PLATFORM_ACTIONS)},
            )
        )


@pytest.fixture
def coh_loaded(estate_settings: Settings, tmp_path: Path) -> Iterator[tuple[CohExport, list[Any]]]:
    found = _active_findings(estate_settings)
    by_resource: dict[str, list[Any]] = {}
    for f in found:
        by_resource.setdefault(f.resource_id, []).append(f)
    single = [fs[0] for fs in by_resource.values() if len(fs) == 1]
    assert len(single) >= 3, "the estate has too few findings to compare"
    agree, off, other = single[:3]
    export = CohExport()
    for finding, action, savings in (
        (agree, PLATFORM_ACTIONS[agree.finding_type], agree.estimated_monthly_savings),
        (off, PLATFORM_ACTIONS[off.finding_type], off.estimated_monthly_savings * 2 + 1),
        (other, "MigrateToGraviton", Decimal("7.5")),
    ):
        export.add(resource_id=finding.resource_id, action_type=action, savings=float(savings),
                   account_id=finding.account_id, region=finding.region or "us-east-1")  # fmt: skip
    export.add(resource_id="i-0cohonly0000000", action_type="Rightsize", savings=12.25)
    ingest_coh(str(export.write(tmp_path / "coh")), settings=estate_settings)
    yield export, [agree, off, other]
    with get_engine(estate_settings).begin() as conn:
        conn.execute(text("DELETE FROM finops.coh_recommendation_rows"))


def test_comparison_pairs_by_resource_and_action(
    client: TestClient, estate_settings: Settings, coh_loaded: tuple[CohExport, list[Any]]
) -> None:
    export, (agree, off, other) = coh_loaded
    body = client.get("/api/v1/optimization/coh-comparison").json()
    rows = {(r["resource_id"], r["agreement"]): r for r in body["data"]}
    flagged = {f.resource_id for f in _active_findings(estate_settings)}
    assert body["counts"] == {
        "agree": 1,
        "disagree_action": 1,
        "disagree_savings": 1,
        "coh_only": 1,
        "platform_only": len(_active_findings(estate_settings)) - 3,
    }
    assert body["count"] == len(body["data"]) == sum(body["counts"].values())
    assert body["coh_recommendations"] == len(export.rows)
    assert sorted(
        r["coh_recommendation_id"] for r in body["data"] if r["coh_recommendation_id"]
    ) == sorted(r["recommendation_id"] for r in export.rows)
    same = rows[(agree.resource_id, "agree")]
    assert Decimal(same["coh_monthly_savings"]) == Decimal(same["platform_monthly_savings"])
    assert same["platform_fingerprint"] == agree.fingerprint
    assert Decimal(same["savings_difference"]) == 0
    apart = rows[(off.resource_id, "disagree_savings")]
    assert Decimal(apart["savings_difference"]) == (
        Decimal(repr(float(off.estimated_monthly_savings * 2 + 1))) - off.estimated_monthly_savings
    )
    other_row = rows[(other.resource_id, "disagree_action")]
    assert (other_row["coh_action_type"], other_row["platform_action_type"]) == (
        "MigrateToGraviton",
        PLATFORM_ACTIONS[other.finding_type],
    )
    only = rows[("i-0cohonly0000000", "coh_only")]
    assert (only["coh_monthly_savings"], only["platform_fingerprint"]) == ("12.2500000000", None)
    platform_only = {r["resource_id"] for r in body["data"] if r["agreement"] == "platform_only"}
    assert platform_only == flagged - {agree.resource_id, off.resource_id, other.resource_id}
    # filtered to one outcome; a tolerance wide enough makes the savings pair agree
    filtered = client.get(
        "/api/v1/optimization/coh-comparison", params={"agreement": "coh_only"}
    ).json()
    assert [r["resource_id"] for r in filtered["data"]] == ["i-0cohonly0000000"]
    wide = client.get(
        "/api/v1/optimization/coh-comparison", params={"savings_tolerance_pct": 100}
    ).json()
    assert wide["counts"]["agree"] == 2 and wide["counts"]["disagree_savings"] == 0


def test_nothing_to_compare_without_an_export(client: TestClient) -> None:
    body = client.get("/api/v1/optimization/coh-comparison").json()
    assert (body["coh_recommendations"], body["count"], body["data"]) == (0, 0, [])
    assert set(body["counts"].values()) == {0}
