"""A bill with a day missing under a window: measured, but with low confidence naming it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine

from finops.config import Settings
from tests.factories.remediation import plant_findings
from tests.factories.savings import KEEP, DailyBill, measure_all, measurements

SEEN, RESOLVED, LAST = date(2026, 3, 10), date(2026, 3, 11), date(2026, 3, 25)


def test_a_day_missing_from_the_bill_lowers_confidence(
    engine: Engine, fresh_settings: Settings, tmp_path: Path
) -> None:
    plant_findings(engine, "i-gone", as_of=SEEN, savings="50.00")
    plant_findings(engine, as_of=RESOLVED)
    bill = DailyBill(first=date(2026, 2, 20), last=LAST)
    bill.put("i-gone", bill.first, SEEN, cost="2.00", usage=24)
    bill.drop(KEEP, date(2026, 3, 2), date(2026, 3, 3))  # two days the export lacks
    bill.drop("i-gone", date(2026, 3, 2), date(2026, 3, 3))
    bill.load(fresh_settings, tmp_path)
    assert measure_all(engine, LAST) == 1
    r = measurements(engine)["i-gone"]
    assert r["status"] == "measured"
    assert r["baseline_effective_cost"] == Decimal("24.00")  # 12 of 14 days at 2.00
    assert r["confidence"] == "low"
    assert [x["code"] for x in r["reasons"]] == ["incomplete_bill", "outside_platform"]
    assert r["reasons"][0]["text"] == (
        "the bill has no line of account 123456789012 on 2 day(s) of the windows (first 2026-03-02)"
    )
