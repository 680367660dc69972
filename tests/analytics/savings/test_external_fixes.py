"""Findings that disappeared while open because someone fixed them outside the platform: the
resource vanished from the bill, or is billed under other usage types. A finding resolved
because its resource became busy (same usage types) is no fix and is not measured."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine

from finops.config import Settings
from tests.factories.remediation import plant_findings
from tests.factories.savings import DailyBill, measure_all, measurements

SEEN, RESOLVED, LAST = date(2026, 3, 10), date(2026, 3, 11), date(2026, 3, 31)


def test_fixes_outside_the_platform_are_measured(
    engine: Engine, fresh_settings: Settings, tmp_path: Path
) -> None:
    plant_findings(engine, "i-gone", "i-resized", "i-busy", as_of=SEEN, savings="50.00")
    plant_findings(engine, "i-still-idle", as_of=RESOLVED, savings="50.00")
    bill = DailyBill(first=date(2026, 2, 20), last=LAST)
    bill.put("i-gone", bill.first, SEEN, cost="2.00", usage=24)
    bill.put(
        "i-resized", bill.first, RESOLVED, cost="4.80", usage=24, usage_type="BoxUsage:m5.2xlarge"
    )
    bill.put(
        "i-resized",
        RESOLVED + timedelta(days=1),
        LAST,
        cost="2.40",
        usage=24,
        usage_type="BoxUsage:m5.large",
    )
    bill.put("i-busy", bill.first, LAST, cost="1.00", usage=24)
    bill.put("i-still-idle", bill.first, LAST, cost="1.00", usage=24)

    # six days after it was resolved the bill cannot tell a fix yet
    bill.load(fresh_settings, tmp_path, until=RESOLVED + timedelta(days=6))
    assert measure_all(engine, LAST) == 0
    bill.load(fresh_settings, tmp_path)
    assert measure_all(engine, LAST) == 2
    found = measurements(engine)
    assert sorted(found) == ["i-gone", "i-resized"]
    gone, resized = found["i-gone"], found["i-resized"]
    for r in (gone, resized):
        assert r["subject_kind"] == "external_fix"
        assert (r["proposal_id"], r["action"], r["policy"]) == (None, None, None)
        assert r["finding_type"] == "idle_instance"
        assert (r["change_day"], r["baseline_start"], r["baseline_end"]) == (
            RESOLVED,
            date(2026, 2, 25),
            SEEN,
        )
        assert (r["after_start"], r["after_end"], r["after_days"]) == (date(2026, 3, 12), LAST, 20)
        assert r["status"] == "measured"
        assert r["estimated_monthly_savings"] == Decimal("50.00")
        assert r["confidence"] == "medium"
        assert [x["code"] for x in r["reasons"]] == ["outside_platform"]
    assert gone["method"].startswith("resource's bill before; gone from the bill after")
    assert gone["realized_monthly_effective"] == Decimal("2.00") * 31
    assert resized["method"].startswith("same resource id billed under other usage types")
    assert resized["realized_monthly_list"] == Decimal("2.40") * 31
