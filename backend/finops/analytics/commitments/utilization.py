"""Commitment utilization and coverage by day from the ``costs`` view.

Utilization, per commitment and day (amortized dollars):
- Savings Plan: used = effective cost of ``SavingsPlanCoveredUsage``; committed = billed cost of
  ``SavingsPlanRecurringFee`` (the hourly commitment); unused = the fee lines' effective cost.
- Reserved Instance: used = effective cost of ``DiscountedUsage``; committed = the month's
  ``RIFee`` billed cost spread evenly over the days of its month; unused = committed − used.
Coverage, per day × account × service: the on-demand-equivalent (list) cost of usage that a
commitment covered over all commitment-eligible usage (EC2 ``BoxUsage`` and RDS instance hours).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, text

_UTILIZATION = text(
    """
    WITH sp AS (
      SELECT charge_period_start::date AS day, commitment_discount_id AS id,
             'Savings Plan' AS kind, billing_currency AS currency,
             sum(billed_cost) FILTER (WHERE x_line_item_type = 'SavingsPlanRecurringFee')
               AS committed,
             sum(effective_cost) FILTER (WHERE x_line_item_type = 'SavingsPlanCoveredUsage')
               AS used,
             sum(list_cost) FILTER (WHERE x_line_item_type = 'SavingsPlanCoveredUsage') AS list
      FROM finops.costs
      WHERE commitment_discount_type = 'Savings Plan'
        AND charge_period_start >= :start AND charge_period_start < :end
      GROUP BY 1, 2, 3, 4
    ), ri_fee AS (
      SELECT date_trunc('month', charge_period_start)::date AS month, commitment_discount_id AS id,
             billing_currency AS currency, sum(billed_cost) AS fee
      FROM finops.costs
      WHERE x_line_item_type = 'RIFee'
        AND charge_period_start >= date_trunc('month', CAST(:start AS date))
        AND charge_period_start < :end
      GROUP BY 1, 2, 3
    ), ri_days AS (
      SELECT d::date AS day, f.id, f.currency,
             f.fee / extract(day FROM (f.month + interval '1 month' - interval '1 day'))
               AS committed
      FROM ri_fee f
      CROSS JOIN LATERAL generate_series(
        greatest(f.month, CAST(:start AS date)),
        least((f.month + interval '1 month' - interval '1 day')::date,
              CAST(:end AS date) - 1),
        interval '1 day') AS d
    ), ri_used AS (
      SELECT charge_period_start::date AS day, commitment_discount_id AS id,
             sum(effective_cost) AS used, sum(list_cost) AS list
      FROM finops.costs
      WHERE x_line_item_type = 'DiscountedUsage'
        AND charge_period_start >= :start AND charge_period_start < :end
      GROUP BY 1, 2
    )
    SELECT day, id, kind, currency, coalesce(committed, 0) AS committed,
           coalesce(used, 0) AS used, coalesce(list, 0) AS list
    FROM sp
    UNION ALL
    SELECT r.day, r.id, 'Reserved Instance', r.currency, r.committed,
           coalesce(u.used, 0), coalesce(u.list, 0)
    FROM ri_days r LEFT JOIN ri_used u USING (day, id)
    ORDER BY 1, 2
    """
)


@dataclass(frozen=True, slots=True)
class CommitmentDay:
    day: date
    commitment_id: str
    commitment_type: str
    currency: str
    committed: Decimal
    used: Decimal
    covered_list_cost: Decimal

    @property
    def unused(self) -> Decimal:
        return max(Decimal(0), self.committed - self.used)


def utilization_days(conn: Connection, *, start: date, end: date) -> list[CommitmentDay]:
    rows = conn.execute(_UTILIZATION, {"start": start, "end": end}).all()
    return [
        CommitmentDay(
            r.day, r.id, r.kind, r.currency, Decimal(r.committed), Decimal(r.used), Decimal(r.list)
        )
        for r in rows
    ]


_COVERAGE = text(
    """
    SELECT charge_period_start::date AS day, sub_account_id AS account_id,
           service_name, billing_currency AS currency,
           sum(list_cost) FILTER (WHERE x_line_item_type IN
               ('DiscountedUsage', 'SavingsPlanCoveredUsage')) AS covered,
           sum(list_cost) FILTER (WHERE x_line_item_type = 'Usage') AS on_demand
    FROM finops.costs
    WHERE charge_period_start >= :start AND charge_period_start < :end
      AND (x_usage_type LIKE '%BoxUsage:%' OR x_usage_type LIKE '%InstanceUsage:%')
      AND x_line_item_type IN ('Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage')
    GROUP BY 1, 2, 3, 4
    ORDER BY 1, 2, 3
    """
)


@dataclass(frozen=True, slots=True)
class CoverageDay:
    day: date
    account_id: str
    service_name: str
    currency: str
    covered_list_cost: Decimal
    on_demand_cost: Decimal

    @property
    def eligible_list_cost(self) -> Decimal:
        return self.covered_list_cost + self.on_demand_cost

    @property
    def coverage(self) -> Decimal | None:
        total = self.eligible_list_cost
        return None if total == 0 else self.covered_list_cost / total


def coverage_days(conn: Connection, *, start: date, end: date) -> list[CoverageDay]:
    rows = conn.execute(_COVERAGE, {"start": start, "end": end}).all()
    return [
        CoverageDay(
            r.day,
            r.account_id or "",
            r.service_name or "",
            r.currency,
            Decimal(r.covered or 0),
            Decimal(r.on_demand or 0),
        )
        for r in rows
    ]
