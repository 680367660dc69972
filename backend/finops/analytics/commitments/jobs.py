"""The commitments job: rewrite utilization and coverage for the lookback window, the
under-used commitment findings and the Savings Plan purchase recommendations of ``as_of``."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import structlog
from sqlalchemy import Connection, text

from finops.analytics.commitments.policy import CommitmentPolicy
from finops.analytics.commitments.recommend import (
    DEFAULT_DISCOUNTS,
    PlanRecommendation,
    hourly_on_demand,
    recommend_plan,
)
from finops.analytics.commitments.utilization import (
    CommitmentDay,
    coverage_days,
    utilization_days,
)
from finops.analytics.optimization import warehouse as wh
from finops.analytics.optimization.findings import details_json, write_run
from finops.analytics.optimization.rules.commitments import underused_findings
from finops.config import Settings, get_settings
from finops.db.engine import get_engine

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class CommitmentsResult:
    as_of: date
    commitments: int
    findings: int
    recommendations: list[PlanRecommendation]


def _replace_window(
    conn: Connection,
    table: str,
    columns: str,
    rows: list[dict[str, object]],
    start: date,
    end: date,
) -> None:
    """Delete ``table``'s days in [start, end) and insert ``rows`` (``columns``: the named bind
    parameters of the INSERT, in column order); the table names are constants of this module."""
    conn.execute(
        text(f"DELETE FROM finops.{table} WHERE day >= :s AND day < :e"), {"s": start, "e": end}
    )
    if rows:
        conn.execute(text(f"INSERT INTO finops.{table} VALUES ({columns})"), rows)


def _replace_tables(conn: Connection, days: list[CommitmentDay], start: date, end: date) -> None:
    utilization: list[dict[str, object]] = [
        {
            "day": d.day,
            "cid": d.commitment_id,
            "kind": d.commitment_type,
            "cur": d.currency,
            "committed": d.committed,
            "used": d.used,
            "unused": d.unused,
            "list": d.covered_list_cost,
        }
        for d in days
    ]
    _replace_window(
        conn,
        "commitment_utilization_daily",
        ":day, :cid, :kind, :cur, :committed, :used, :unused, :list",
        utilization,
        start,
        end,
    )
    coverage: list[dict[str, object]] = [
        {
            "day": c.day,
            "acct": c.account_id,
            "svc": c.service_name,
            "cur": c.currency,
            "eligible": c.eligible_list_cost,
            "covered": c.covered_list_cost,
            "od": c.on_demand_cost,
        }
        for c in coverage_days(conn, start=start, end=end)
    ]
    _replace_window(
        conn,
        "commitment_coverage_daily",
        ":day, :acct, :svc, :cur, :eligible, :covered, :od",
        coverage,
        start,
        end,
    )


def _recommendations(
    conn: Connection,
    as_of: date,
    policy: CommitmentPolicy,
    discounts: dict[tuple[int, str], Decimal],
) -> list[PlanRecommendation]:
    end = as_of + timedelta(days=1)
    start = end - timedelta(days=policy.recommendation_lookback_days)
    spend, exact = hourly_on_demand(conn, start=start, end=end)
    recs = [
        recommend_plan(spend, term_years=term, payment_option=option, discount=discount)
        for (term, option), discount in sorted(discounts.items())
    ]
    conn.execute(
        text("DELETE FROM finops.savings_plan_recommendations WHERE as_of = :d"), {"d": as_of}
    )
    for r in recs:
        conn.execute(
            text(
                "INSERT INTO finops.savings_plan_recommendations VALUES "
                "(:as_of, :term, :option, :lookback, :commit, :savings, CAST(:details AS jsonb))"
            ),
            {
                "as_of": as_of,
                "term": r.term_years,
                "option": r.payment_option,
                "lookback": policy.recommendation_lookback_days,
                "commit": r.hourly_commitment,
                "savings": r.estimated_monthly_savings.quantize(Decimal("0.000001")),
                "details": details_json(
                    {
                        "discount": r.discount,
                        "simulated_hours": r.simulated_hours,
                        "hourly_grain": exact,
                        "simulation": [
                            {
                                "hourly_commitment": p.hourly_commitment,
                                "net_savings": p.net_savings.quantize(Decimal("0.01")),
                                "utilization": round(float(p.utilization), 4),
                                "coverage": round(float(p.coverage), 4),
                            }
                            for p in r.simulation
                        ],
                    }
                ),
            },
        )
    return recs


def run_commitments_job(
    *,
    as_of: date | None = None,
    settings: Settings | None = None,
    policy: CommitmentPolicy | None = None,
    discounts: dict[tuple[int, str], Decimal] | None = None,
    run_id: str | None = None,
) -> CommitmentsResult:
    policy = policy or CommitmentPolicy()
    run_id = run_id or uuid.uuid4().hex
    engine = get_engine(settings or get_settings())
    with engine.begin() as conn:
        day = as_of or wh.latest_charge_day(conn)
        end = day + timedelta(days=1)
        start = end - timedelta(days=policy.lookback_days)
        days = utilization_days(conn, start=start, end=end)
        _replace_tables(conn, days, start, end)
        findings = underused_findings(days, policy)
        count = write_run(
            conn,
            job="commitments",
            as_of=day,
            run_id=run_id,
            findings=findings,
            currency=wh.billing_currency(conn, as_of=day),
            parameters=json.loads(
                json.dumps(
                    {
                        "lookback_days": policy.lookback_days,
                        "min_utilization": str(policy.min_utilization),
                        "recommendation_lookback_days": policy.recommendation_lookback_days,
                    }
                )
            ),
        )
        recs = _recommendations(conn, day, policy, discounts or DEFAULT_DISCOUNTS)
    log.info("commitments.job", as_of=day.isoformat(), findings=count, run_id=run_id)
    return CommitmentsResult(day, len({d.commitment_id for d in days}), count, recs)
