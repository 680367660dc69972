"""The query plans of every API read (issue 18: "query plans checked for every endpoint"): each
GET operation of the API (``tests/api/operations.py``) is sent once to the package's estate,
every statement it runs is captured with its parameters, and PostgreSQL's plan of each
(``EXPLAIN (FORMAT JSON)``, same role, scope and parameters) is checked:

- the dashboard's cost endpoints (``ROLLUP_ROUTES``) answer from the cost rollups and never
  read ``costs`` (its fact partitions);
- a statement that reads the cost fact partitions reads only the months it asks about
  (partition pruning), unless its route is in ``EVERY_MONTH`` with the reason it must.

The estate (``tests/api/conftest.py``) has two billing periods: a statement that reads both
fact partitions for a window inside one month is what the second rule catches.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from finops.config import Settings
from finops.db.engine import get_api_engine
from finops.warehouse.scope import ALL, apply_scope
from tests.api.operations import api_operations
from tests.factories.identity import BASE_URL, log_in_admin

FACT_PARTITION = "cost_facts_"
ROLLUP_ROUTES = {
    "/api/v1/kpi/summary",
    "/api/v1/spend/trend",
    "/api/v1/filters",
    "/api/v1/explorer",
}
"""Routes whose answer the rollups hold whole (an unrestricted scope): no fact partition."""
EVERY_MONTH: dict[str, str] = {
    "/api/v1/spend/invoices": "every invoice of every billing period, by invoice id (which no "
    "rollup holds); paged, and a billing_period filter narrows it",
}
"""Routes that may read every month of cost facts, with the reason."""
PARAMS: dict[str, dict[str, str]] = {"/api/v1/explorer/values": {"dimension": "service_name"}}
"""Query parameters an operation needs (the others are sent bare: their defaults)."""
VARIANTS: list[tuple[str, dict[str, str]]] = [
    ("/api/v1/explorer", {"group_by": "account_id", "granularity": "daily"}),
    ("/api/v1/explorer", {"group_by": "service_name", "start": "2026-10-01", "end": "2026-10-31"}),
    ("/api/v1/spend/trend", {"dimension": "service_name", "billing_period": "2026-10"}),
    ("/api/v1/kpi/summary", {"billing_period": "2026-10"}),
]
"""The dashboard's usual questions beyond the defaults (checked under the same route)."""


@dataclass(frozen=True)
class Plan:
    relations: frozenset[str]

    @property
    def fact_partitions(self) -> frozenset[str]:
        return frozenset(r for r in self.relations if r.startswith(FACT_PARTITION))


def _relations(node: dict[str, Any]) -> Iterator[str]:
    if "Relation Name" in node:
        yield str(node["Relation Name"])
    for child in node.get("Plans", []):
        yield from _relations(child)


def _is_read(statement: str) -> bool:
    words = statement.split(None, 1)
    return bool(words) and words[0].upper() in {"SELECT", "WITH"}


@pytest.fixture(scope="module")
def captured_plans(estate_settings: Settings) -> dict[str, list[tuple[str, Plan]]]:
    """Route template → (statement, plan) of every read it ran for its default request (the
    response cache off, so that every request reaches the warehouse)."""
    from finops.api.main import create_app

    settings = estate_settings.model_copy(update={"api_cache": False})
    engine = get_api_engine(settings)
    app = create_app(settings=settings, engine=engine, frontend_dist=None)
    with TestClient(app, base_url=BASE_URL) as client:
        return _capture(log_in_admin(client, settings), engine)


def _capture(client: TestClient, engine: Engine) -> dict[str, list[tuple[str, Plan]]]:
    app = client.app
    captured: list[tuple[str, Any]] = []  # the reads since the last clear, with parameters

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if _is_read(statement):
            captured.append((statement, parameters))

    by_route: dict[str, list[tuple[str, Any]]] = {}
    event.listen(engine, "before_cursor_execute", record)
    try:
        for op in api_operations(app):  # type: ignore[arg-type]
            if op.method != "GET" or not op.needs_warehouse:
                continue
            captured.clear()
            answer = client.get(op.url, params=PARAMS.get(op.path))
            assert answer.status_code in (200, 404), (op.url, answer.status_code, answer.text)
            by_route[op.path] = list(captured)
        for path, params in VARIANTS:
            captured.clear()
            answer = client.get(path, params=params)
            assert answer.status_code == 200, (path, params, answer.text)
            by_route[path] += captured
    finally:
        event.remove(engine, "before_cursor_execute", record)
    out: dict[str, list[tuple[str, Plan]]] = {}
    with engine.connect() as conn:
        apply_scope(conn, ALL)
        for route, statements in by_route.items():
            plans = []
            for statement, parameters in statements:
                found = conn.exec_driver_sql(
                    "EXPLAIN (FORMAT JSON) " + statement, parameters or {}
                ).scalar_one()
                plans.append((statement, Plan(frozenset(_relations(found[0]["Plan"])))))
            out[route] = plans
        conn.rollback()
    return out


def test_the_dashboards_cost_endpoints_read_only_the_rollups(
    captured_plans: dict[str, list[tuple[str, Plan]]],
) -> None:
    for route in sorted(ROLLUP_ROUTES):
        assert captured_plans.get(route), f"{route} ran no statement: not checked"
        read = {
            " ".join(statement.split())[:160]: sorted(plan.fact_partitions)
            for statement, plan in captured_plans[route]
            if plan.fact_partitions
        }
        assert read == {}, f"{route} reads cost facts: {read}"


def test_every_read_of_cost_facts_is_pruned_to_its_months(
    captured_plans: dict[str, list[tuple[str, Plan]]],
) -> None:
    everything = {
        p for plans in captured_plans.values() for _, pl in plans for p in pl.fact_partitions
    }
    assert len(everything) == 2, f"the estate has two months of cost facts, read: {everything}"
    unpruned = {
        (route, " ".join(statement.split())[:160])
        for route, plans in captured_plans.items()
        if route not in EVERY_MONTH
        for statement, plan in plans
        if plan.fact_partitions == everything
    }
    assert unpruned == set()
