"""The generator's three export formats of one estate land in the warehouse with identical
totals per day × account × service (and every slice reconciles to its own files).

They are the same charges, so the warehouse refuses to hold two of them at once: each format
is loaded, measured and removed before the next."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from finops.config import Settings
from finops.db.engine import get_engine
from finops.errors import IngestError
from finops.generator import GenerateOptions, generate
from finops.ingest.billing import ingest_billing
from finops.ingest.billing.manage import remove_source


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
    by_format: dict[str, dict[tuple[object, ...], tuple[object, ...]]] = {}
    for fmt in ("cur2", "cur", "focus"):
        outcomes = ingest_billing(str(result.out_dir / fmt), settings=fresh_settings)
        assert {o.status for o in outcomes} == {"succeeded"}
        by_format[fmt] = _per_day_account_service(fresh_settings)
        if fmt == "cur2":  # another format of the same estate now is the same charges twice
            with pytest.raises(IngestError, match=r"cur:finops-demo overlaps .*cur2:finops-demo"):
                ingest_billing(str(result.out_dir / "cur"), settings=fresh_settings)
        for source in {o.source_id for o in outcomes}:
            remove_source(source, settings=fresh_settings)
    assert len(by_format["cur2"]) > 50
    assert by_format["cur"] == by_format["cur2"]
    assert by_format["focus"] == by_format["cur2"]


def _per_day_account_service(
    settings: Settings,
) -> dict[tuple[object, ...], tuple[object, ...]]:
    with get_engine(settings).connect() as conn:
        rows = conn.execute(
            text(
                "SELECT charge_period_start::date, sub_account_id, service_name, "
                "sum(billed_cost), sum(effective_cost), sum(list_cost) "
                "FROM finops.costs GROUP BY 1, 2, 3"
            )
        ).all()
    return {(day, account, service): tuple(money) for day, account, service, *money in rows}
