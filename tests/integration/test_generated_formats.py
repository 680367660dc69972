"""The generator's three export formats of one estate land in the warehouse with identical
totals per day × account × service (and every slice reconciles to its own files)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import text

from finops.config import Settings
from finops.db.engine import get_engine
from finops.generator import GenerateOptions, generate
from finops.ingest.billing import ingest_billing


def test_cur2_cur_and_focus_agree_per_day_account_service(
    fresh_settings: Settings, tmp_path: Path
) -> None:
    result = generate(
        GenerateOptions(
            out_dir=tmp_path / "estate",
            accounts=2,
            start=date(2026, 9, 20),
            end=date(2026, 10, 10),
            formats=("cur2", "cur", "focus"),
            utilization=False,
            inventory=False,
        )
    )
    for fmt in ("cur2", "cur", "focus"):
        outcomes = ingest_billing(str(result.out_dir / fmt), settings=fresh_settings)
        assert {o.status for o in outcomes} == {"succeeded"}
    with get_engine(fresh_settings).connect() as conn:
        rows = conn.execute(
            text(
                "SELECT split_part(x_source_id, ':', 1) AS fmt, "
                "charge_period_start::date, sub_account_id, service_name, "
                "sum(billed_cost), sum(effective_cost), sum(list_cost) "
                "FROM finops.cost_line_items GROUP BY 1, 2, 3, 4"
            )
        ).all()
    by_format: dict[str, dict[tuple[object, ...], tuple[object, ...]]] = {}
    for fmt, day, account, service, *money in rows:
        by_format.setdefault(fmt, {})[(day, account, service)] = tuple(money)
    assert set(by_format) == {"cur2", "cur", "focus"}
    assert len(by_format["cur2"]) > 50
    assert by_format["cur"] == by_format["cur2"]
    assert by_format["focus"] == by_format["cur2"]
