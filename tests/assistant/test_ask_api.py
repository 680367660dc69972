"""``POST /api/v1/assistant/ask``: a viewer scoped to one account gets that account's numbers
(row-level security under the assistant's SQL), the SQL, and the question is logged with the
token's actor and audited with the request id."""

from __future__ import annotations

from decimal import Decimal

import psycopg
from fastapi.testclient import TestClient

from finops.auth.roles import Role
from finops.config import Settings
from finops.db.engine import libpq_url
from finops.warehouse.scope import Scope
from tests.factories.identity import BASE_URL, add_token, add_user, bearer

TOTAL_SEP = (
    "SELECT coalesce(sum(billed_cost), 0) FROM finops.costs WHERE charge_period_start >= "
    "'2026-09-01' AND charge_period_start < '2026-10-01'"
)


def test_ask_over_http_is_scoped(assistant_settings: Settings) -> None:
    from finops.api.main import create_app

    url = libpq_url(assistant_settings.database_url.get_secret_value())  # type: ignore[union-attr]
    with psycopg.connect(url) as conn:
        account = conn.execute("SELECT min(sub_account_id) FROM finops.costs").fetchone()[0]  # type: ignore[index]
        whole = conn.execute(TOTAL_SEP).fetchone()[0]  # type: ignore[index]
        mine = conn.execute(TOTAL_SEP + " AND sub_account_id = %s", [account]).fetchone()[0]  # type: ignore[index]
    add_user(assistant_settings, "asker", Role.VIEWER, scope=Scope(accounts=frozenset({account})))
    headers = bearer(add_token(assistant_settings, "asker", name="ask-test"))
    app = create_app(settings=assistant_settings, frontend_dist=None)
    with TestClient(app, base_url=BASE_URL) as client:
        response = client.post(
            "/api/v1/assistant/ask",
            json={"question": "Total spend last month", "as_of": "2026-10-15"},
            headers=headers,
        )
        refused = client.post(
            "/api/v1/assistant/ask", json={"question": "drop table costs"}, headers=headers
        )
        anonymous = client.post("/api/v1/assistant/ask", json={"question": "spend"})
        odd = client.post(
            "/api/v1/assistant/ask",
            content='{"as_of": "1970-01-01", "question": "\\ud9c2\\udf75 x\\u0000"}',
            headers={**headers, "Content-Type": "application/json"},
        )
        odd_text = client.post(
            "/api/v1/assistant/ask",
            content='{"question": "spend \\ud9c2 last month\\u0000"}',
            headers={**headers, "Content-Type": "application/json"},
        )
    assert response.status_code == 200, response.text
    body = response.json()
    assert Decimal(body["value"]) == mine and mine != whole and mine > 0
    assert body["refused"] is False and body["provider"] == "offline"
    assert body["sql"] and "finops.costs" in body["sql"][0]
    assert body["plan"]["intent"] == "total"
    assert refused.status_code == 200 and refused.json()["refused"] is True
    assert refused.json()["value"] is None
    assert anonymous.status_code == 401
    # a day out of range and text PostgreSQL cannot store: refused or cleaned, never a 5xx
    assert odd.status_code == 200 and odd.json()["refused"] is True, odd.text
    assert "outside" in odd.json()["explanation"]
    assert odd_text.status_code == 200 and odd_text.json()["refused"] is True, odd_text.text
    with psycopg.connect(url) as conn:
        logged = conn.execute(
            "SELECT q.asker, q.row_count, a.request_id IS NOT NULL FROM finops.assistant_queries q "
            "JOIN finops.audit_log a ON a.action = 'assistant.ask' AND a.actor = q.asker "
            "AND a.subject = q.question WHERE q.question = 'Total spend last month'"
        ).fetchall()
    assert logged == [("token:ask-test@asker", 1, True)]
