"""Budget definitions: a scope, a period, an amount and the thresholds that alert."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, delete, text

from finops.currencies import ISO_4217
from finops.errors import ConflictError, FinOpsError, InvalidParameterError, NotFoundError
from finops.notify.targets import TargetRefusedError, check_email, check_webhook_url
from finops.warehouse.metrics import FORECAST_METRIC
from finops.warehouse.tables import budget_definitions

PERIODS = ("monthly", "quarterly", "annual")
SCOPE_DIMENSIONS = ("account", "service", "region", "usage_type")
CHANNELS = ("webhook", "email")

# limits that keep one budget's work small (the API's request schema publishes the same)
MAX_NAME_LENGTH = 200
MAX_SCOPE_KEYS = 8
MAX_SCOPE_KEY_LENGTH = 128
MAX_SCOPE_VALUE_LENGTH = 256
MAX_THRESHOLDS = 12
MAX_TARGETS = 10
"""per channel"""
MAX_AMOUNT = Decimal(10) ** 18
MAX_PERCENT = Decimal(10_000)


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
    cost_metric: str = FORECAST_METRIC
    id: int | None = None

    @property
    def scope_kind(self) -> str:
        if not self.scope:
            return "total"
        return "+".join(sorted(self.scope))

    def validate(self, *, webhook_allow: Sequence[str] = ()) -> None:
        """Raise ``BudgetError`` naming the first field at fault. Webhook URLs must reach public
        addresses unless ``webhook_allow`` lists them (``Settings.notify_webhook_allow``)."""
        where = f"budget {self.name[:80]!r}"
        _check_text(where, "name", self.name, MAX_NAME_LENGTH)
        if self.period not in PERIODS:
            raise BudgetError(f"{where}: period {self.period!r} is not one of {PERIODS}")
        if not self.amount.is_finite() or self.amount <= 0:
            raise BudgetError(f"{where}: amount must be positive, got {self.amount}")
        if self.amount >= MAX_AMOUNT:
            raise BudgetError(f"{where}: amount must be below {MAX_AMOUNT:.0e}")
        if self.currency not in ISO_4217:
            raise BudgetError(f"{where}: currency {self.currency[:8]!r} is not an ISO 4217 code")
        self._validate_scope(where)
        self._validate_thresholds(where)
        self._validate_channels(where, webhook_allow)

    def _validate_scope(self, where: str) -> None:
        if len(self.scope) > MAX_SCOPE_KEYS:
            raise BudgetError(
                f"{where}: scope has {len(self.scope)} keys, at most {MAX_SCOPE_KEYS}"
            )
        for key, value in self.scope.items():
            if key not in SCOPE_DIMENSIONS and not key.startswith("tag:"):
                raise BudgetError(f"{where}: scope dimension {key[:40]!r} is unknown")
            _check_text(where, "scope dimension", key, MAX_SCOPE_KEY_LENGTH)
            _check_text(where, f"scope value of {key[:40]!r}", value, MAX_SCOPE_VALUE_LENGTH)

    def _validate_thresholds(self, where: str) -> None:
        if len(self.thresholds) > MAX_THRESHOLDS:
            raise BudgetError(
                f"{where}: {len(self.thresholds)} thresholds, at most {MAX_THRESHOLDS}"
            )
        for t in self.thresholds:
            if (
                t.kind not in ("actual", "forecast")
                or not t.percent.is_finite()
                or not 0 < t.percent <= MAX_PERCENT
            ):
                raise BudgetError(f"{where}: threshold {t} is invalid")

    def _validate_channels(self, where: str, webhook_allow: Sequence[str]) -> None:
        for channel, targets in self.channels.items():
            if channel not in CHANNELS:
                raise BudgetError(f"{where}: channel {channel[:40]!r} is not webhook or email")
            if len(targets) > MAX_TARGETS:
                raise BudgetError(
                    f"{where}: {len(targets)} {channel} targets, at most {MAX_TARGETS}"
                )
            try:
                for target in targets:
                    if channel == "webhook":
                        check_webhook_url(target, allow=webhook_allow)
                    else:
                        check_email(target)
            except TargetRefusedError as exc:
                raise BudgetError(f"{where}: {exc}") from exc


def _check_text(where: str, what: str, value: str, max_length: int) -> None:
    if not value or len(value) > max_length:
        raise BudgetError(f"{where}: {what} must be 1 to {max_length} characters")
    if any(ord(c) < 32 for c in value):
        raise BudgetError(f"{where}: {what} must not contain control characters")


def save_budget(
    conn: Connection,
    budget: Budget,
    *,
    webhook_allow: Sequence[str] | None = None,
    replace: bool = True,
) -> int:
    """Create or replace a budget by name; returns its id. ``webhook_allow``: addresses webhooks
    may reach although not public (default: ``Settings.notify_webhook_allow``). With
    ``replace=False`` a name in use is a ``ConflictError`` naming the budget that holds it."""
    if webhook_allow is None:
        from finops.config import get_settings

        webhook_allow = get_settings().notify_webhook_allow
    budget.validate(webhook_allow=webhook_allow)
    saved = conn.execute(
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
                  WHERE CAST(:replace AS boolean)
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
            "replace": replace,
        },
    ).scalar_one_or_none()
    if saved is None:  # the name is taken and replacing was not asked for
        existing = conn.execute(
            text("SELECT id FROM finops.budget_definitions WHERE name = :name"),
            {"name": budget.name},
        ).scalar_one()
        raise ConflictError(f"a budget named {budget.name!r} exists already (id {existing})")
    return int(saved)


def remove_budget(
    conn: Connection, *, name: str | None = None, budget_id: int | None = None
) -> tuple[int, str]:
    """Delete the budget named ``name`` or numbered ``budget_id`` with its evaluations and
    alerts (the notification log keeps what was sent); returns its id and name, or raises
    ``NotFoundError`` naming what was asked for. The caller audits it."""
    if (name is None) == (budget_id is None):
        raise InvalidParameterError("remove_budget takes a name or an id")
    table = budget_definitions
    key = table.c.name == name if budget_id is None else table.c.id == budget_id
    deleted = conn.execute(delete(table).where(key).returning(table.c.id, table.c.name)).first()
    if deleted is None:
        raise NotFoundError(
            f"no budget named {name!r}" if budget_id is None else f"no budget with id {budget_id}"
        )
    return int(deleted[0]), str(deleted[1])


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
