"""Savings Plan purchase recommendation: simulate every candidate hourly commitment against the
hourly on-demand spend that no commitment covers today, and keep the one with the largest net
savings for each term and payment option.

With a commitment ``C`` ($/hour at plan rates) and a discount ``d``, an hour with on-demand
spend ``E`` costs ``C + max(0, E − C / (1 − d))``; net savings = Σ E − Σ cost. The net savings
function is concave and piecewise linear in ``C``, so its maximum is at one of the breakpoints
``E_h × (1 − d)``: every one of them is tried (exact, no search heuristics).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import Connection, text

from finops.analytics.optimization.policy import HOURS_PER_MONTH
from finops.errors import ConfigurationError

# Typical Compute Savings Plan discounts off on-demand by (term years, payment option); the
# bill's observed discount replaces the entry of the plan type it shows. Configurable.
DEFAULT_DISCOUNTS: dict[tuple[int, str], Decimal] = {
    (1, "No Upfront"): Decimal("0.20"),
    (1, "Partial Upfront"): Decimal("0.24"),
    (1, "All Upfront"): Decimal("0.26"),
    (3, "No Upfront"): Decimal("0.28"),
    (3, "Partial Upfront"): Decimal("0.33"),
    (3, "All Upfront"): Decimal("0.36"),
}

_HOURLY = text(
    """
    SELECT charge_period_start AS start,
           extract(epoch FROM (charge_period_end - charge_period_start)) / 3600 AS hours,
           sum(list_cost) AS on_demand
    FROM finops.costs
    WHERE charge_period_start >= :start AND charge_period_start < :end
      AND x_line_item_type = 'Usage' AND x_usage_type LIKE '%BoxUsage:%'
    GROUP BY 1, 2
    ORDER BY 1
    """
)


def hourly_on_demand(conn: Connection, *, start: date, end: date) -> tuple[list[Decimal], bool]:
    """On-demand (uncovered) eligible spend per hour; daily rows are spread over their hours.
    Returns (hourly spend, whether the bill had hourly grain)."""
    hourly: list[Decimal] = []
    exact = True
    for row in conn.execute(_HOURLY, {"start": start, "end": end}):
        hours = int(row.hours)
        if hours <= 1:
            hourly.append(Decimal(row.on_demand))
        else:
            exact = False
            hourly.extend([Decimal(row.on_demand) / hours] * hours)
    return hourly, exact


@dataclass(frozen=True, slots=True)
class SimulationPoint:
    hourly_commitment: Decimal
    net_savings: Decimal  # over the simulated hours
    utilization: Decimal
    coverage: Decimal


@dataclass(frozen=True, slots=True)
class PlanRecommendation:
    term_years: int
    payment_option: str
    discount: Decimal
    hourly_commitment: Decimal
    estimated_monthly_savings: Decimal
    simulated_hours: int
    simulation: list[SimulationPoint]


def simulate(spend: list[Decimal], commitment: Decimal, discount: Decimal) -> SimulationPoint:
    capacity = commitment / (1 - discount)
    total = sum(spend, Decimal(0))
    covered = sum((min(e, capacity) for e in spend), Decimal(0))
    cost = commitment * len(spend) + (total - covered)
    used = covered * (1 - discount)
    committed = commitment * len(spend)
    return SimulationPoint(
        hourly_commitment=commitment,
        net_savings=total - cost,
        utilization=used / committed if committed else Decimal(0),
        coverage=covered / total if total else Decimal(0),
    )


def recommend_plan(
    spend: list[Decimal], *, term_years: int, payment_option: str, discount: Decimal
) -> PlanRecommendation:
    if not Decimal(0) < discount < 1:
        raise ConfigurationError(f"discount for {term_years}yr {payment_option}: got {discount}")
    quantum = Decimal("0.001")
    candidates = sorted(
        {(e * (1 - discount)).quantize(quantum, ROUND_HALF_UP) for e in spend} | {Decimal(0)}
    )
    points = [simulate(spend, c, discount) for c in candidates]
    best = max(points, key=lambda p: (p.net_savings, -p.hourly_commitment))
    step = max(1, len(points) // 10)
    shown = sorted({*points[::step], best}, key=lambda p: p.hourly_commitment)
    hours = len(spend)
    monthly = best.net_savings * HOURS_PER_MONTH / hours if hours else Decimal(0)
    return PlanRecommendation(
        term_years=term_years,
        payment_option=payment_option,
        discount=discount,
        hourly_commitment=best.hourly_commitment,
        estimated_monthly_savings=monthly,
        simulated_hours=hours,
        simulation=shown,
    )
