"""People's side of cost intelligence from the command line: review anomaly incidents and give
feedback on them, create, list and delete budgets. Every change is written to the audit log."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Connection, Select, select

from finops.analytics.anomalies.store import STATUSES, set_status
from finops.analytics.budgets.model import (
    DEFAULT_THRESHOLDS,
    Budget,
    BudgetError,
    Threshold,
    remove_budget,
    save_budget,
)
from finops.config import Settings, get_settings
from finops.db.engine import get_engine
from finops.errors import FinOpsError, NotFoundError
from finops.markdown import table
from finops.warehouse.audit import audit
from finops.warehouse.tables import anomalies, budgets


def _audit_change(conn: Connection, *, action: str, subject: str, details: object) -> None:
    """Audit one change made from the command line: each is a run of its own (a fresh run id)."""
    audit(conn, action=action, subject=subject, run_id=uuid.uuid4().hex, details=details)


def _scope_text(scope: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(scope.items())) or "(whole bill)"


def _rows(query: Select[Any], settings: Settings | None) -> list[dict[str, Any]]:
    with get_engine(settings or get_settings()).connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def list_anomalies(
    *,
    status: str | None = None,
    limit: int = 50,
    settings: Settings | None = None,
) -> tuple[list[dict[str, Any]], str]:
    """The most recent incidents (newest first), optionally of one status."""
    if status is not None and status not in STATUSES:
        raise FinOpsError(f"--status {status!r} is not one of {', '.join(STATUSES)}")
    a = anomalies.c
    query = (
        select(a.fingerprint, a.first_day, a.last_day, a.scope_kind, a.scope, a.kind, a.cause)
        .add_columns(a.status, a.severity, a.impact, a.impact_pct, a.top_cause)
        .order_by(a.first_day.desc(), a.impact.desc())
        .limit(limit)
    )
    rows = _rows(query if status is None else query.where(a.status == status), settings)
    body = table(
        ["fingerprint", "days", "scope", "kind", "cause", "severity", "impact", "status", "top"],
        [
            [
                r["fingerprint"],
                f"{r['first_day']}..{r['last_day']}",
                _scope_text(r["scope"]),
                r["kind"],
                r["cause"],
                r["severity"],
                f"{r['impact']:,.2f}",
                r["status"],
                (
                    f"{r['top_cause']['dimension']}={r['top_cause']['value']}"
                    if r["top_cause"]
                    else ""
                ),
            ]
            for r in rows
        ],
    )
    return rows, body if rows else "no anomaly incidents" + (
        f" with status {status}" if status else ""
    )


def change_anomaly_status(
    fingerprint: str,
    status: str,
    *,
    note: str | None = None,
    actor: str = "cli",
    settings: Settings | None = None,
) -> tuple[str, str]:
    """Acknowledge, resolve, mark as false positive or reopen an incident; later runs keep it
    (a false positive's days are also never flagged again for that scope)."""
    with get_engine(settings or get_settings()).begin() as conn:
        if not set_status(conn, fingerprint=fingerprint, status=status, note=note):
            raise NotFoundError(f"no anomaly incident with fingerprint {fingerprint!r}")
        _audit_change(
            conn,
            action="anomaly.status",
            subject=fingerprint,
            details={"status": status, "note": note, "actor": actor},
        )
    return status, f"incident {fingerprint} is now {status}"


def parse_scope(items: Sequence[str]) -> dict[str, str]:
    """``account=123``, ``tag:team=data`` → {"account": "123", "tag:team": "data"}."""
    scope: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise FinOpsError(f"--scope {item!r}: expected DIMENSION=VALUE, e.g. account=123")
        scope[key.strip()] = value.strip()
    return scope


def parse_thresholds(items: Sequence[str]) -> tuple[Threshold, ...]:
    """``actual:80``, ``forecast:100`` → thresholds."""
    out: list[Threshold] = []
    for item in items:
        kind, sep, percent = item.partition(":")
        try:
            value = Decimal(percent)
        except InvalidOperation:
            value = Decimal(-1)
        if not sep or kind not in ("actual", "forecast") or value <= 0:
            raise FinOpsError(
                f"--threshold {item!r}: expected actual:PERCENT or forecast:PERCENT, e.g. actual:80"
            )
        out.append(Threshold(kind, value))
    return tuple(out)


def create_budget(
    *,
    name: str,
    amount: str,
    period: str,
    scope: Sequence[str] = (),
    thresholds: Sequence[str] = (),
    webhooks: Sequence[str] = (),
    emails: Sequence[str] = (),
    currency: str = "USD",
    settings: Settings | None = None,
) -> tuple[int, str]:
    """Create (or replace, by name) a budget; returns its id."""
    try:
        value = Decimal(amount)
    except InvalidOperation as exc:
        raise BudgetError(f"budget {name!r}: amount {amount!r} is not a number") from exc
    channels = {k: list(v) for k, v in (("webhook", webhooks), ("email", emails)) if v}
    budget = Budget(
        name=name,
        scope=parse_scope(scope),
        period=period,
        amount=value,
        channels=channels,
        currency=currency,
        thresholds=parse_thresholds(thresholds) if thresholds else DEFAULT_THRESHOLDS,
    )
    with get_engine(settings or get_settings()).begin() as conn:
        budget_id = save_budget(conn, budget)
        _audit_change(
            conn,
            action="budget.save",
            subject=name,
            details={
                "id": budget_id,
                "scope": budget.scope,
                "period": period,
                "amount": str(value),
                "thresholds": [t.as_json() for t in budget.thresholds],
                "channels": channels,
            },
        )
    return budget_id, f"budget {name!r} saved (id {budget_id}); `finops run budgets` checks it"


def list_budgets(*, settings: Settings | None = None) -> tuple[list[dict[str, Any]], str]:
    """Budgets with their latest evaluation (actual and forecast against the amount)."""
    b = budgets.c
    rows = _rows(
        select(b.id, b.name, b.scope, b.period, b.amount, b.currency, b.thresholds)
        .add_columns(b.period_start, b.actual, b.forecast, b.actual_pct, b.forecast_pct)
        .add_columns(b.run_date)
        .order_by(b.name),
        settings,
    )
    body = table(
        [
            "id",
            "name",
            "scope",
            "period",
            "amount",
            "thresholds",
            "period start",
            "actual",
            "forecast",
            "run date",
        ],
        [
            [
                r["id"],
                r["name"],
                _scope_text(r["scope"]),
                r["period"],
                f"{r['amount']:,.2f} {r['currency']}",
                " ".join(f"{t['kind']}:{t['percent']}%" for t in r["thresholds"]),
                r["period_start"] or "-",
                "-" if r["actual"] is None else f"{r['actual']:,.2f} ({r['actual_pct']}%)",
                "-" if r["forecast"] is None else f"{r['forecast']:,.2f} ({r['forecast_pct']}%)",
                r["run_date"] or "not checked yet",
            ]
            for r in rows
        ],
    )
    return rows, body if rows else "no budgets; create one with `finops budgets create`"


def delete_budget(name: str, *, settings: Settings | None = None) -> tuple[str, str]:
    with get_engine(settings or get_settings()).begin() as conn:
        budget_id, _ = remove_budget(conn, name=name)
        _audit_change(conn, action="budget.delete", subject=name, details={"id": budget_id})
    return name, f"budget {name!r} deleted (its evaluations and alerts with it)"
