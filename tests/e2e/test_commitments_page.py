"""Browser end to end: the Commitments page on the served generated estate. Every monthly
utilization row (unused cost, utilization), coverage row (eligible and covered on-demand
equivalent, coverage) and purchase recommendation (monthly savings) shows what ``finops sql``
sums from the tables the commitments job writes; the chart is drawn; at phone width (390 px)
the page does not scroll sideways."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import text

from finops.db.engine import get_engine
from tests.e2e.conftest import ServedEstate, browser, dollars, printed


def _pct(value: float) -> str:
    """JavaScript's ``value.toFixed(1)``: the exact binary value rounded, ties upwards."""
    return f"{Decimal(value).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


def _sql(estate: ServedEstate, statement: str) -> list[dict[str, Any]]:
    """The commitments job's tables are not public views (``finops sql`` reads those only):
    asked directly as the application role."""
    with get_engine(estate.settings).connect() as conn:
        return [dict(r._mapping) for r in conn.execute(text(statement))]


def _shown(stdout: str, prefix: str) -> dict[str, list[str]]:
    return {
        line[len(prefix) + 1 :].split(": ", 1)[0]: line.split(": ", 1)[1].split(" | ")
        for line in stdout.splitlines()
        if line.startswith(f"{prefix} ")
    }


def test_commitments_show_the_warehouse_figures(served_estate: ServedEstate) -> None:
    utilization = {
        f"{r['period']}|{r['commitment_type']}": [
            dollars(Decimal(r["unused"])),
            "n/a" if r["pct"] is None else _pct(float(r["pct"])),
        ]
        for r in _sql(
            served_estate,
            "select to_char(date_trunc('month', day), 'YYYY-MM-DD') as period, commitment_type, "
            "sum(unused_cost) as unused, round(sum(used_cost) * 100 / "
            "nullif(sum(committed_cost), 0), 2) as pct "
            "from finops.commitment_utilization_daily group by 1, 2",
        )
    }
    coverage = {}
    for r in _sql(
        served_estate,
        "select to_char(date_trunc('month', day), 'YYYY-MM-DD') as period, "
        "sum(eligible_list_cost) as eligible, sum(covered_list_cost) as covered "
        "from finops.commitment_coverage_daily group by 1",
    ):
        eligible, covered = Decimal(r["eligible"]), Decimal(r["covered"])
        pct = "n/a" if eligible == 0 else _pct(float(covered) / float(eligible) * 100)
        coverage[r["period"]] = [dollars(eligible), dollars(covered), pct]
    recommendations = {
        f"{r['term_years']}|{r['payment_option']}": [dollars(Decimal(r["savings"]))]
        for r in _sql(
            served_estate,
            "select term_years, payment_option, estimated_monthly_savings as savings "
            "from finops.savings_plan_recommendations "
            "where as_of = (select max(as_of) from finops.savings_plan_recommendations)",
        )
    }
    assert utilization and coverage, "the estate's commitments job wrote nothing"

    stdout = browser(
        "commitments.e2e.mjs", base_url=served_estate.base_url, E2E_LOGIN=served_estate.login
    )
    assert _shown(stdout, "utilization") == utilization
    assert _shown(stdout, "coverage") == coverage
    assert _shown(stdout, "recommendation") == recommendations
    shown = printed(stdout)
    assert shown["chart"] == "drawn"
    assert int(shown["phone scroll width"]) <= 390
