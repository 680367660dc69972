"""The filters of spend and KPI queries over the ``costs`` view (SQLAlchemy Core, no
string-built SQL): a billing period and an account, and the helpers every such query shares."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Connection, Date, Select, and_, cast, literal_column, select

from finops.warehouse.tables import costs

NONE: ColumnElement[str] = literal_column("'(none)'")
"""The key of cost without a value in the grouped dimension."""


@dataclass(frozen=True)
class SpendFilter:
    billing_period: date | None = None  # first day of the billing period
    account_id: str | None = None

    def conditions(self, *, include_period: bool = True) -> list[ColumnElement[bool]]:
        conds: list[ColumnElement[bool]] = []
        if self.billing_period is not None and include_period:
            conds.append(cast(costs.c.billing_period_start, Date) == self.billing_period)
        if self.account_id is not None:
            conds.append(costs.c.sub_account_id == self.account_id)
        return conds


_S = TypeVar("_S", bound="Select[*tuple[Any, ...]]")


def where(stmt: _S, conds: list[ColumnElement[bool]]) -> _S:
    return stmt.where(and_(*conds)) if conds else stmt


def currency(conn: Connection, conds: list[ColumnElement[bool]]) -> str:
    """The billing currencies of the selected cost, comma-separated (USD when there is none)."""
    rows = conn.execute(where(select(costs.c.billing_currency).distinct(), conds)).scalars().all()
    return ",".join(sorted(str(r) for r in rows)) or "USD"
