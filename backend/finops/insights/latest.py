"""The latest summary of a scope, as the budget notifications carry it (this module reads the
table only, so the budget check imports it without the summaries' machinery)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from finops.analytics.cube import tag_dimension
from finops.insights.scopes import TOTAL, InsightScope, account_scope, tag_scope
from finops.warehouse.tables import insights


def scope_of_budget(scope: dict[str, str]) -> InsightScope | None:
    """The summaries' scope a budget's scope is (the whole bill, an account, a tag value), or
    None (a budget of a service, a region, several dimensions)."""
    if not scope:
        return TOTAL
    if len(scope) != 1:
        return None
    ((key, value),) = scope.items()
    if key == "account":
        return account_scope(value)
    if key.startswith("tag:"):
        return tag_scope(tag_dimension(key[4:])[4:], value)
    return None


def latest_summary(
    conn: Connection, *, scope: InsightScope, period_kind: str = "week"
) -> Any | None:
    """The latest stored summary of ``scope`` and ``period_kind`` (its row), or None."""
    t = insights
    return conn.execute(
        select(t)
        .where(t.c.scope_key == scope.key, t.c.period_kind == period_kind)
        .order_by(t.c.period_start.desc())
        .limit(1)
    ).first()


def summary_lines(conn: Connection, budget_scope: dict[str, str]) -> list[str]:
    """The lines a budget notification adds: its scope's latest weekly summary (title, as-of
    day and text), or nothing when there is none."""
    scope = scope_of_budget(budget_scope)
    row = None if scope is None else latest_summary(conn, scope=scope)
    if row is None:
        return []
    return ["", f"*{row.title}* (as of {row.as_of})", "", *row.body.rstrip("\n").split("\n")]
