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
            json={"as_of": "1970-01-01", "question": "Total spend last month"},
            headers=headers,
        )
        impossible = client.post(
            "/api/v1/assistant/ask",
            json={"as_of": "0000-00-00", "question": "Total spend last month"},
            headers=headers,
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
    # a day out of the periods' range: a refusal (200), not a 422 or a 5xx
    assert odd.status_code == 200 and odd.json()["refused"] is True, odd.text
    assert "outside" in odd.json()["explanation"]
    # not a calendar day: refused as a bad parameter before anything runs or is logged
    assert impossible.status_code == 422, impossible.text
    assert impossible.json()["detail"][0]["loc"] == ["body", "as_of"]
    with psycopg.connect(url) as conn:
        logged = conn.execute(
            "SELECT asker, row_count, refused FROM finops.assistant_queries "
            "WHERE question = 'Total spend last month' ORDER BY id"
        ).fetchall()
        audited = conn.execute(
            "SELECT count(*) FROM finops.audit_log WHERE action = 'assistant.ask' "
            "AND actor = 'token:ask-test@asker' AND subject = 'Total spend last month' "
            "AND request_id IS NOT NULL"
        ).fetchone()
    assert logged == [("token:ask-test@asker", 1, False), ("token:ask-test@asker", 0, True)]
    assert audited == (2,)
