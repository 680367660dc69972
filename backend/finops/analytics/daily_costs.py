"""Where the dashboard's spend and KPI queries read daily cost: the daily rollup by account,
service, region and charge category (``rollup_cost_daily_service``, kept equal to ``costs`` by
the billing load), or ``costs`` itself when the transaction's scope restricts tag values, which
the rollup cannot honour (``finops.analytics.cost_sources.scope_restricts_tags``). Either way
the same numbers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    FromClause,
    cast,
    func,
    literal_column,
    select,
)

from finops.analytics.cost_sources import rollups_enabled, scope_restricts_tags
from finops.analytics.filters import SpendFilter, where
from finops.warehouse.cost_rows import charge_day, charge_days
from finops.warehouse.metrics import CostMetric
from finops.warehouse.tables import costs, rollup_cost_daily_service, rollup_cost_monthly


@dataclass(frozen=True)
class DailyCosts:
    """A relation of daily cost: ``day`` (UTC charge day) and the columns of ``costs`` the
    dashboard groups by (``sub_account_id``, ``service_name``, ...)."""

    name: str  # "rollup_daily_service" | "costs"
    table: FromClause
    day: ColumnElement[date]
    billing_period: ColumnElement[date]
    # the same cost by month (periods, accounts, currencies read fewer rows); None: this one
    monthly: DailyCosts | None = None

    @property
    def coarse(self) -> DailyCosts:
        return self.monthly or self

    def c(self, name: str) -> ColumnElement[Any]:
        return self.table.c[name]

    def metric(self, metric: CostMetric) -> ColumnElement[Decimal]:
        return self.table.c[metric.value]

    def between(self, first: date | None, last: date | None) -> list[ColumnElement[bool]]:
        """Days ``first`` to ``last`` (inclusive; None: open); on ``costs`` pruned to their
        months (``charge_days``)."""
        if self.table is costs:
            return charge_days(first, last)
        conds: list[ColumnElement[bool]] = []
        if first is not None:
            conds.append(self.day >= first)
        if last is not None:
            conds.append(self.day <= last)
        return conds

    def last_day(
        self, conn: Connection, conds: list[ColumnElement[bool]] | None = None
    ) -> date | None:
        """The last charge day of the rows ``conds`` select (None: none); on ``costs`` the
        newest ``charge_period_start`` (the partition key: a backward index scan)."""
        if self.table is costs:
            newest = where(select(func.max(costs.c.charge_period_start)), conds or [])
            instant = conn.execute(newest).scalar_one_or_none()
            return None if instant is None else instant.astimezone(UTC).date()
        last: date | None = conn.execute(
            where(select(func.max(self.day)), conds or [])
        ).scalar_one_or_none()
        return last

    def conditions(
        self, spend_filter: SpendFilter, *, include_period: bool = True
    ) -> list[ColumnElement[bool]]:
        conds: list[ColumnElement[bool]] = []
        if spend_filter.billing_period is not None and include_period:
            conds.append(self.billing_period == spend_filter.billing_period)
        if spend_filter.account_id is not None:
            conds.append(self.table.c.sub_account_id == spend_filter.account_id)
        return conds

    def currency(self, conn: Connection, conds: list[ColumnElement[bool]]) -> str:
        """The billing currencies of the selected cost, comma-separated (USD when none)."""
        stmt = where(select(self.table.c.billing_currency).distinct(), conds)
        rows = conn.execute(stmt).scalars().all()
        return ",".join(sorted(str(r) for r in rows)) or "USD"


_monthly = rollup_cost_monthly.c
ROLLUP = DailyCosts(
    "rollup_daily_service",
    rollup_cost_daily_service,
    rollup_cost_daily_service.c.day,
    rollup_cost_daily_service.c.billing_period_start,
    DailyCosts(
        "rollup_monthly", rollup_cost_monthly, _monthly.month, _monthly.billing_period_start
    ),
)
COSTS = DailyCosts(
    "costs",
    costs,
    charge_day(),
    cast(func.timezone(literal_column("'UTC'"), costs.c.billing_period_start), Date),
)


def daily_costs(conn: Connection) -> DailyCosts:
    """The rollup unless the scope restricts tags or ``FINOPS_DASHBOARD_ROLLUPS`` is false."""
    if rollups_enabled() and not scope_restricts_tags(conn):
        return ROLLUP
    return COSTS
