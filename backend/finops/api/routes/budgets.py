"""Budgets (``budget_definitions`` and the ``budgets`` view; ``finops run budgets`` evaluates
them): each budget with its latest actual and forecast cost for the current period and the
alerts fired in that period; creating a budget (checked by ``Budget.validate``) and deleting one.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.exceptions import RequestValidationError
from sqlalchemy import Connection, select

from finops.analytics.budgets.model import (
    DEFAULT_THRESHOLDS,
    PERIODS,
    Budget,
    BudgetError,
    Threshold,
    remove_budget,
    save_budget,
)
from finops.api.audited import audit_request
from finops.api.deps import ConnectionDep, PrincipalDep, RequestIdDep, SettingsDep
from finops.api.errors import error_responses
from finops.api.params import MAX_BIGINT
from finops.api.rows import from_row, text_map
from finops.api.schemas.budgets import (
    BudgetAlertPublic,
    BudgetCreate,
    BudgetEvaluationPublic,
    BudgetPublic,
    BudgetsPublic,
    ThresholdPublic,
)
from finops.warehouse.metrics import DAILY_ROW_METRICS as METRICS
from finops.warehouse.tables import budget_alerts, budget_definitions, budgets

router = APIRouter(prefix="/budgets", tags=["budgets"])

BudgetIdPath = Annotated[int, Path(ge=1, le=MAX_BIGINT, description="the budget's id")]

VALIDATED_FIELDS = ("period", "amount", "currency", "scope", "thresholds", "channels")
"""The fields ``Budget.validate`` checks; a 422 names each one at fault."""

_VALID = Budget(name="", scope={}, period=PERIODS[0], amount=Decimal(1))


def _budget(body: BudgetCreate) -> Budget:
    thresholds = (
        DEFAULT_THRESHOLDS
        if body.thresholds is None
        else tuple(Threshold(t.kind.value, t.percent) for t in body.thresholds)
    )
    return Budget(
        name=body.name,
        scope=dict(body.scope),
        period=body.period.value,
        amount=body.amount,
        thresholds=thresholds,
        channels=body.channels.as_dict(),
        currency=body.currency,
        cost_metric=body.cost_metric,
    )


def _field_errors(budget: Budget, webhook_allow: list[str]) -> list[dict[str, Any]]:
    """``Budget.validate`` stops at its first complaint; validating each field on its own, with
    every other field valid, names every field at fault (as FastAPI's own 422 answers do)."""
    errors: list[dict[str, Any]] = []
    for field in VALIDATED_FIELDS:
        probe = dataclasses.replace(_VALID, name=budget.name, **{field: getattr(budget, field)})
        try:
            probe.validate(webhook_allow=webhook_allow)
        except BudgetError as exc:
            errors.append({"type": "value_error", "loc": ("body", field), "msg": str(exc)})
    return errors


def _validate(budget: Budget, *, webhook_allow: list[str]) -> None:
    """422 naming every field at fault: ``Budget.validate``'s rules (webhooks to public
    addresses unless allowed), and a cost metric the budget job can measure."""
    errors: list[dict[str, Any]] = []
    try:
        budget.validate(webhook_allow=webhook_allow)
    except BudgetError as exc:
        errors = _field_errors(budget, webhook_allow) or [
            {"type": "value_error", "loc": ("body",), "msg": str(exc)}
        ]
    if budget.cost_metric not in METRICS:
        errors.append(
            {
                "type": "value_error",
                "loc": ("body", "cost_metric"),
                "msg": f"budget {budget.name!r}: cost metric {budget.cost_metric!r} is not one "
                f"of {', '.join(METRICS)}",
            }
        )
    if errors:
        raise RequestValidationError(errors)


def _alerts(conn: Connection, budget_ids: list[int]) -> dict[tuple[int, Any], list[Any]]:
    out: dict[tuple[int, Any], list[Any]] = defaultdict(list)
    rows = conn.execute(
        select(budget_alerts)
        .where(budget_alerts.c.budget_id.in_(budget_ids))
        .order_by(
            budget_alerts.c.crossed_on,
            budget_alerts.c.threshold_kind,
            budget_alerts.c.threshold_percent,
        )
    )
    for row in rows:
        out[(row.budget_id, row.period_start)].append(row)
    return out


def _public(row: Any, alerts: list[Any]) -> BudgetPublic:
    return from_row(
        BudgetPublic,
        row,
        scope=text_map(row.scope),
        thresholds=[
            ThresholdPublic(kind=t["kind"], percent=Decimal(str(t["percent"])))
            for t in row.thresholds or []
        ],
        channel_targets={str(k): len(v) for k, v in (row.channels or {}).items()},
        evaluation=None if row.run_date is None else from_row(BudgetEvaluationPublic, row),
        alerts=[from_row(BudgetAlertPublic, a) for a in alerts],
    )


def _read(conn: Connection, budget_id: int | None = None) -> list[BudgetPublic]:
    query = select(budgets, budget_definitions.c.channels).join(
        budget_definitions, budget_definitions.c.id == budgets.c.id
    )
    if budget_id is not None:
        query = query.where(budgets.c.id == budget_id)
    rows = conn.execute(query.order_by(budgets.c.name, budgets.c.id)).all()
    alerts = _alerts(conn, [r.id for r in rows])
    return [_public(r, alerts.get((r.id, r.period_start), [])) for r in rows]


@router.get("", response_model=BudgetsPublic)
def read_budgets(conn: ConnectionDep) -> BudgetsPublic:
    """Every budget by name, with its latest evaluation (actual to date, forecast for the
    period, both as a percentage of the amount) and the alerts fired in that period."""
    data = _read(conn)
    return BudgetsPublic(data=data, count=len(data))


@router.post("", response_model=BudgetPublic, status_code=201, responses=error_responses(409))
def create_budget(
    conn: ConnectionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    request_id: RequestIdDep,
    body: BudgetCreate,
) -> BudgetPublic:
    """A new budget; ``finops run budgets`` (or the ``budget_check`` DAG) evaluates it. A name
    already in use is a 409: delete that budget first. Audited as ``finops budgets create``
    audits it (action ``budget.save``), with the caller as actor and the request id."""
    budget = _budget(body)
    _validate(budget, webhook_allow=settings.notify_webhook_allow)
    budget_id = save_budget(
        conn, budget, webhook_allow=settings.notify_webhook_allow, replace=False
    )
    audit_request(
        conn,
        principal=principal,
        request_id=request_id,
        action="budget.save",
        subject=budget.name,
        details={
            "id": budget_id,
            "scope": budget.scope,
            "period": budget.period,
            "amount": str(budget.amount),
            "thresholds": [t.as_json() for t in budget.thresholds],
            "channels": budget.channels,
        },
    )
    (created,) = _read(conn, budget_id)
    conn.commit()
    return created


@router.delete("/{budget_id}", status_code=204, responses=error_responses(404))
def delete_budget(
    conn: ConnectionDep, principal: PrincipalDep, request_id: RequestIdDep, budget_id: BudgetIdPath
) -> None:
    """Delete a budget with its evaluations and alerts (the notification log keeps what was
    sent); audited as ``budget.delete``."""
    _, name = remove_budget(conn, budget_id=budget_id)
    audit_request(
        conn,
        principal=principal,
        request_id=request_id,
        action="budget.delete",
        subject=name,
        details={"id": budget_id},
    )
    conn.commit()
