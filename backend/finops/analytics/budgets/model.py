"""Budget definitions: a scope, a period, an amount and the thresholds that alert."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, text

from finops.errors import FinOpsError

PERIODS = ("monthly", "quarterly", "annual")
SCOPE_DIMENSIONS = ("account", "service", "region", "usage_type")


class BudgetError(FinOpsError):
    """A budget definition is invalid (names the budget and the field)."""


@dataclass(frozen=True, slots=True)
class Threshold:
    kind: str  # actual | forecast
    percent: Decimal

    def as_json(self) -> dict[str, object]:
        return {"kind": self.kind, "percent": str(self.percent)}


DEFAULT_THRESHOLDS = (
    Threshold("actual", Decimal(80)),
    Threshold("actual", Decimal(100)),
    Threshold("forecast", Decimal(100)),
)


@dataclass(frozen=True, slots=True)
class Budget:
    name: str
    scope: dict[str, str]
    """{} for the whole bill, else dimensions: account, service, region, usage_type, or
    ``tag:<key>`` (``tag:team``, ``tag:cost-center``)."""
    period: str
    amount: Decimal
    thresholds: tuple[Threshold, ...] = DEFAULT_THRESHOLDS
    channels: dict[str, list[str]] = field(default_factory=dict)
    """{"webhook": [url, ...], "email": [address, ...]}"""
    currency: str = "USD"
    cost_metric: str = "billed_cost"
    id: int | None = None

    @property
    def scope_kind(self) -> str:
        if not self.scope:
            return "total"
        return "+".join(sorted(self.scope))

    def validate(self) -> None:
        where = f"budget {self.name!r}"
        if self.period not in PERIODS:
            raise BudgetError(f"{where}: period {self.period!r} is not one of {PERIODS}")
        if self.amount <= 0:
            raise BudgetError(f"{where}: amount must be positive, got {self.amount}")
        for key in self.scope:
            if key not in SCOPE_DIMENSIONS and not key.startswith("tag:"):
                raise BudgetError(f"{where}: scope dimension {key!r} is unknown")
        for t in self.thresholds:
            if t.kind not in ("actual", "forecast") or t.percent <= 0:
                raise BudgetError(f"{where}: threshold {t} is invalid")
        for channel in self.channels:
            if channel not in ("webhook", "email"):
                raise BudgetError(f"{where}: channel {channel!r} is not webhook or email")


def save_budget(conn: Connection, budget: Budget) -> int:
    """Create or replace a budget by name; returns its id."""
    budget.validate()
    return int(
        conn.execute(
            text(
                """
                INSERT INTO finops.budget_definitions
                  (name, scope_kind, scope, period, amount, currency, cost_metric, thresholds,
                   channels)
                VALUES (:name, :scope_kind, CAST(:scope AS jsonb), :period, :amount, :currency,
                        :metric, CAST(:thresholds AS jsonb), CAST(:channels AS jsonb))
                ON CONFLICT (name) DO UPDATE SET
                  scope_kind = excluded.scope_kind, scope = excluded.scope,
                  period = excluded.period, amount = excluded.amount,
                  currency = excluded.currency, cost_metric = excluded.cost_metric,
                  thresholds = excluded.thresholds, channels = excluded.channels
                RETURNING id
                """
            ),
            {
                "name": budget.name,
                "scope_kind": budget.scope_kind,
                "scope": json.dumps(budget.scope, sort_keys=True),
                "period": budget.period,
                "amount": budget.amount,
                "currency": budget.currency,
                "metric": budget.cost_metric,
                "thresholds": json.dumps([t.as_json() for t in budget.thresholds]),
                "channels": json.dumps(budget.channels, sort_keys=True),
            },
        ).scalar_one()
    )


def load_budgets(conn: Connection) -> list[Budget]:
    rows = conn.execute(
        text(
            "SELECT id, name, scope, period, amount, thresholds, channels, currency, cost_metric "
            "FROM finops.budget_definitions ORDER BY name"
        )
    )
    return [_budget(row._mapping) for row in rows]


def _budget(row: Any) -> Budget:
    return Budget(
        id=int(row["id"]),
        name=str(row["name"]),
        scope={str(k): str(v) for k, v in row["scope"].items()},
        period=str(row["period"]),
        amount=Decimal(row["amount"]),
        thresholds=tuple(
            Threshold(str(t["kind"]), Decimal(str(t["percent"]))) for t in row["thresholds"]
        ),
        channels={str(k): [str(x) for x in v] for k, v in row["channels"].items()},
        currency=str(row["currency"]),
        cost_metric=str(row["cost_metric"]),
    )
