"""The cost rollups (migration 0018) equal ``costs`` after every kind of billing load: a new
billing period, a restated one, and the removal of a source; every rollup row, every column,
exactly (``EXCEPT`` both ways against the same grouping of ``costs``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Connection, text

from finops.config import Settings
from finops.db.engine import get_engine
from finops.ingest.billing import ingest_billing
from finops.ingest.billing.manage import remove_source
from tests.factories.small_bill import A, B, BILL, C, write_bill

DIMS = (
    "billing_account_id, sub_account_id, sub_account_name, service_name, service_category, "
    "region_id, charge_category, x_usage_type, billing_currency"
)
NULLED = ", ".join(d if d == "billing_currency" else f"nullif({d}, '')" for d in DIMS.split(", "))
SUMS = (
    "sum(billed_cost), sum(effective_cost), sum(list_cost), sum(contracted_cost), "
    "coalesce(sum(consumed_quantity), 0), count(*)"
)
MEASURES = "billed_cost, effective_cost, list_cost, contracted_cost, consumed_quantity, row_count"
DAY = "(charge_period_start AT TIME ZONE 'UTC')::date"
PERIOD = "(billing_period_start AT TIME ZONE 'UTC')::date"
FROM_COSTS = {
    "rollup_cost_daily": (
        f"SELECT {DAY}, {PERIOD}, {NULLED}, {SUMS} FROM finops.costs "
        "GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11",
        f"SELECT day, billing_period_start, {DIMS}, {MEASURES} FROM finops.rollup_cost_daily",
    ),
    "rollup_cost_monthly": (
        f"SELECT date_trunc('month', {DAY})::date, {PERIOD}, {NULLED}, {SUMS} FROM finops.costs "
        "GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11",
        f"SELECT month, billing_period_start, {DIMS}, {MEASURES} FROM finops.rollup_cost_monthly",
    ),
    "rollup_cost_tag_daily": (
        f"SELECT {DAY}, t.key, t.value, {PERIOD}, {NULLED}, {SUMS} FROM finops.costs "
        "CROSS JOIN LATERAL jsonb_each_text(tags) t WHERE t.value <> '' "
        "GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13",
        f"SELECT day, tag_key, tag_value, billing_period_start, {DIMS}, {MEASURES} "
        "FROM finops.rollup_cost_tag_daily",
    ),
}


def _differences(conn: Connection) -> dict[str, int]:
    out = {}
    for table, (costs_sql, rollup_sql) in FROM_COSTS.items():
        missing = conn.execute(
            text(f"SELECT count(*) FROM ({costs_sql} EXCEPT ALL {rollup_sql}) d")
        )
        extra = conn.execute(text(f"SELECT count(*) FROM ({rollup_sql} EXCEPT ALL {costs_sql}) d"))
        out[table] = int(missing.scalar_one()) + int(extra.scalar_one())
    return out


def _reconciled(settings: Settings) -> dict[str, Decimal]:
    """Asserts every rollup equals costs; returns each rollup's billed total and row count."""
    with get_engine(settings).connect() as conn:
        assert _differences(conn) == dict.fromkeys(FROM_COSTS, 0)
        totals = {
            table: conn.execute(
                text(f"SELECT coalesce(sum(billed_cost), 0) FROM finops.{table}")
            ).scalar_one()
            for table in ("rollup_cost_daily", "rollup_cost_monthly")
        }
        totals["costs"] = conn.execute(
            text("SELECT coalesce(sum(billed_cost), 0) FROM finops.costs")
        ).scalar_one()
        totals["tagged"] = conn.execute(
            text("SELECT coalesce(sum(billed_cost), 0) FROM finops.rollup_cost_tag_daily")
        ).scalar_one()
    return {k: Decimal(v) for k, v in totals.items()}


def test_rollups_follow_new_periods_restatements_and_removed_sources(
    fresh_settings: Settings, tmp_path: Path
) -> None:
    january = [line for line in BILL if line[0].month == 1]
    ingest_billing(write_bill(tmp_path / "jan", january), settings=fresh_settings)
    totals = _reconciled(fresh_settings)
    assert totals["rollup_cost_daily"] == totals["costs"] == Decimal("33.9567")
    assert totals["tagged"] == Decimal("26.8333")

    # a new billing period
    ingest_billing(write_bill(tmp_path / "both", BILL), settings=fresh_settings)
    totals = _reconciled(fresh_settings)
    assert totals["rollup_cost_monthly"] == totals["costs"] == Decimal("202.9011")

    # January restated: one line changes, one goes, a new account appears
    restated = [
        (date(2026, 1, 30), A, "AmazonEC2", "9.5000", "us-east-1", {"user_team": "web"}, "Usage"),
        (date(2026, 1, 30), A, "AmazonRDS", "7.1234", "eu-west-1", {}, "Usage"),
        (date(2026, 1, 31), C, "AmazonS3", "1.0001", "us-east-1", {"user_team": "ops"}, "Usage"),
        *[line for line in BILL if line[0].month == 2],
    ]
    ingest_billing(write_bill(tmp_path / "restated", restated), settings=fresh_settings)
    totals = _reconciled(fresh_settings)
    assert totals["rollup_cost_daily"] == totals["costs"] == Decimal("186.5679")
    with get_engine(fresh_settings).connect() as conn:
        accounts = conn.execute(
            text(
                "SELECT DISTINCT sub_account_id FROM finops.rollup_cost_daily "
                "WHERE day < '2026-02-01' ORDER BY 1"
            )
        ).scalars()
        assert list(accounts) == [A, C]

    # a second source (another payer) for February, then removed
    other = [(date(2026, 2, 3), B, "AmazonS3", "5.0000", "us-east-1", {"user_team": "x"}, "Usage")]
    ingest_billing(
        write_bill(tmp_path / "other", other, name="other-export", payer="999999999999"),
        settings=fresh_settings,
    )
    assert _reconciled(fresh_settings)["costs"] == Decimal("191.5679")
    with get_engine(fresh_settings).connect() as conn:
        source = conn.execute(
            text("SELECT source_id FROM finops.billing_sources WHERE source_id LIKE '%other%'")
        ).scalar_one()
    remove_source(str(source), settings=fresh_settings)
    totals = _reconciled(fresh_settings)
    assert totals["rollup_cost_daily"] == totals["costs"] == Decimal("186.5679")
