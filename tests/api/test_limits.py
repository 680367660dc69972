"""Adversarial requests get 4xx in the one error shape, never 500: body size, list and string
lengths, non-finite numbers, webhook targets, NUL bytes and broken UTF-8, integers beyond
bigint, impossible periods and days (issue 12)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from finops.api.errors import CODE_OF_STATUS
from finops.api.main import create_app
from finops.config import Settings
from tests.factories.identity import admin_headers

VALID = {"name": "Limits", "period": "monthly", "amount": "100"}
BUDGETS = "/api/v1/budgets"


def _shape(response: Any) -> Any:
    """Every error body is {"detail": message, "code", "param"} or {"detail": [{loc, msg,
    type}, ...], "code", "param"}."""
    body = response.json()
    assert set(body) == {"detail", "code", "param"}, body
    assert body["code"] in {*CODE_OF_STATUS.values(), "invalid_body"}, body
    assert body["code"] == CODE_OF_STATUS[response.status_code] or body["code"] == "invalid_body"
    detail = body["detail"]
    if isinstance(detail, list):
        for item in detail:
            assert set(item) == {"loc", "msg", "type"}, item
    else:
        assert isinstance(detail, str)
    return detail


def _refused(client: TestClient, body: Any, status: int = 422, **kwargs: Any) -> Any:
    if isinstance(body, (bytes, str)):
        response = client.post(
            BUDGETS, content=body, headers={"content-type": "application/json"}, **kwargs
        )
    else:
        response = client.post(BUDGETS, json=body, **kwargs)
    assert response.status_code == status, response.text[:500]
    return _shape(response)


@pytest.fixture
def no_budgets_left(intel_client: TestClient) -> Iterator[None]:
    yield
    for budget in intel_client.get(BUDGETS).json()["data"]:
        assert intel_client.delete(f"{BUDGETS}/{budget['id']}").status_code == 204


def test_a_body_over_the_limit_is_413_announced_or_chunked(intel_client: TestClient) -> None:
    huge = {**VALID, "scope": {f"tag:k{i}": "v" for i in range(80_000)}}
    encoded = json.dumps(huge).encode()
    assert len(encoded) > 1_500_000
    detail = _refused(intel_client, encoded, status=413)
    assert "larger than 262,144 bytes" in detail

    def chunks() -> Iterator[bytes]:  # no Content-Length: the size is found while reading
        for start in range(0, len(encoded), 65_536):
            yield encoded[start : start + 65_536]

    response = intel_client.post(
        BUDGETS, content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413 and "larger than" in _shape(response)


def test_list_and_string_lengths_are_bounded(intel_client: TestClient) -> None:
    cases: list[tuple[dict[str, Any], list[str | int]]] = [
        ({"scope": {f"tag:k{i}": "v" for i in range(9)}}, ["body", "scope"]),
        ({"thresholds": [{"kind": "actual", "percent": "50"}] * 13}, ["body", "thresholds"]),
        ({"channels": {"email": [f"a{i}@example.com" for i in range(11)]}}, ["body", "channels"]),
        ({"name": "n" * 201}, ["body", "name"]),
        ({"scope": {"account": "1" * 257}}, ["body", "scope"]),
        ({"channels": {"webhook": ["https://example.com/" + "x" * 2048]}}, ["body", "channels"]),
    ]
    for extra, loc in cases:
        detail = _refused(intel_client, {**VALID, **extra})
        assert [d["loc"][: len(loc)] for d in detail] == [loc], (extra.keys(), detail)


@pytest.mark.parametrize("literal", ["1e309", "NaN", "Infinity", "-Infinity"])
def test_non_finite_numbers_are_422(intel_client: TestClient, literal: str) -> None:
    amount = '{"name": "x", "period": "monthly", "amount": LITERAL}'.replace("LITERAL", literal)
    assert _refused(intel_client, amount)[0]["loc"] == ["body"]
    percent = (
        '{"name": "x", "period": "monthly", "amount": "10", '
        '"thresholds": [{"kind": "actual", "percent": LITERAL}]}'
    ).replace("LITERAL", literal)
    assert _refused(intel_client, percent)[0]["loc"] == ["body"]


def test_amounts_currency_and_percentages_follow_the_schema(intel_client: TestClient) -> None:
    schema = intel_client.get("/openapi.json").json()["components"]["schemas"]["BudgetCreate"]
    amount_forms = schema["properties"]["amount"]["anyOf"]
    assert [f["type"] for f in amount_forms] == ["string", "integer"]
    for amount in ("0", "0.00", "-1", "1.001", "1e3", 0, -5, 10**15, 12.5, True, "1" * 19):
        detail = _refused(intel_client, {**VALID, "amount": amount})
        assert detail[0]["loc"] == ["body", "amount"], amount
    for currency in ("XXX", "XTS", "usd", "ABC"):
        detail = _refused(intel_client, {**VALID, "currency": currency})
        assert detail[0]["loc"] == ["body", "currency"], currency
    detail = _refused(
        intel_client, {**VALID, "thresholds": [{"kind": "actual", "percent": "10000"}]}
    )
    assert detail[0]["loc"] == ["body", "thresholds", 0, "percent"]


@pytest.mark.usefixtures("no_budgets_left")
def test_webhooks_must_reach_public_addresses(intel_client: TestClient) -> None:
    for url in (
        "file:///etc/passwd",
        "gopher://example.com/x",
        "http://169.254.169.254/latest/meta-data/",
        "http://127.0.0.1:8080/hook",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://100.64.0.1/hook",
        "http://0.0.0.0/hook",
        "http://localhost:9000/hook",
        "http://metadata.google.internal/computeMetadata/v1/",
        "https://user:pw@hooks.example.com/x",
        "http://hooks.example.com:99999/x",
        "https://8.8.8.8/x",  # address literals: the API takes names, checked at delivery
    ):
        detail = _refused(intel_client, {**VALID, "channels": {"webhook": [url]}})
        assert [d["loc"][:2] for d in detail] == [["body", "channels"]], (url, detail)
    created = intel_client.post(
        BUDGETS,
        json={**VALID, "channels": {"webhook": ["https://hooks.example.com/services/T0/B0"]}},
    )
    assert created.status_code == 201, created.text
    assert created.json()["channel_targets"] == {"webhook": 1}


def test_nul_bytes_and_broken_utf8_are_422(intel_client: TestClient, client: TestClient) -> None:
    assert _refused(intel_client, {**VALID, "name": "a\x00b"})[0]["loc"][:2] == ["body", "name"]
    assert _refused(intel_client, b'{"name": "caf\xe9", "period": "monthly", "amount": "1"}')
    assert _refused(intel_client, '{"name": "\\ud800", "period": "monthly", "amount": "1"}')
    for url in (
        "/api/v1/findings?account_id=%00",
        "/api/v1/findings?account_id=a%00b",
        "/api/v1/kpi/summary?account_id=%00",
        "/api/v1/spend/trend?account_id=%FF%FE",
        "/api/v1/anomalies?service=%00",
        "/api/v1/forecasts?scope=%00",
    ):
        response = client.get(url)
        assert response.status_code == 422, (url, response.text)
        assert _shape(response)[0]["loc"][0] == "query"
    note = intel_client.post(
        "/api/v1/anomalies/00000000/status", json={"status": "acknowledged", "note": "a\x00"}
    )
    assert note.status_code == 422 and _shape(note)[0]["loc"][:2] == ["body", "note"]


def test_integers_beyond_bigint_are_422(client: TestClient, intel_client: TestClient) -> None:
    big = 2**63
    for url in (f"/api/v1/findings?offset={big}", f"/api/v1/anomalies?offset={big}"):
        response = client.get(url)
        assert response.status_code == 422, (url, response.text)
        assert _shape(response)[0]["loc"] == ["query", "offset"]
    response = intel_client.delete(f"{BUDGETS}/{big}")
    assert response.status_code == 422 and _shape(response)[0]["loc"] == ["path", "budget_id"]
    assert intel_client.delete(f"{BUDGETS}/{big - 1}").status_code == 404


def test_impossible_periods_and_days_are_422(client: TestClient) -> None:
    for url in (
        "/api/v1/kpi/summary?billing_period=0000-01",
        "/api/v1/spend/trend?billing_period=0000-01",
        "/api/v1/allocation/chargeback?billing_period=0000-01",
        "/api/v1/kpi/summary?billing_period=9999-12",
        "/api/v1/spend/trend?start=0",
        "/api/v1/spend/trend?end=1700000000",
        "/api/v1/spend/trend?start=0001-01-01",
        "/api/v1/anomalies?start=0",
        "/api/v1/anomalies?end=9999-12-31",
    ):
        response = client.get(url)
        assert response.status_code == 422, (url, response.text)
        _shape(response)


def test_422_does_not_echo_the_body(intel_client: TestClient) -> None:
    response = intel_client.post(
        BUDGETS, json={**VALID, "name": "n" * 200_000, "period": "x" * 50_000}
    )
    assert response.status_code == 422
    assert len(response.content) < 2_000
    assert {tuple(d["loc"]) for d in _shape(response)} == {("body", "name"), ("body", "period")}


def test_unknown_routes_and_methods_use_the_error_shape(client: TestClient) -> None:
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and isinstance(_shape(missing), str)
    method = client.put("/api/v1/kpi/summary")
    assert method.status_code == 405 and isinstance(_shape(method), str)


def test_every_route_documents_its_errors(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            documented = set(operation["responses"])
            assert {"400", "404", "422", "500", "503"} <= documented, (method, path)
            if "requestBody" in operation:
                assert {"409", "413"} <= documented, (method, path)
            for status in documented - {"200", "201", "204", "302"}:  # 302: a redirect
                content = operation["responses"][status]["content"]["application/json"]
                assert content["schema"] == {"$ref": "#/components/schemas/ErrorPublic"}


def test_settings_reach_the_limit(estate_settings: Settings) -> None:
    small = estate_settings.model_copy(update={"api_max_body_bytes": 100})
    app = create_app(settings=small, frontend_dist=None)
    with TestClient(app, headers=admin_headers(small)) as client:
        response = client.post(BUDGETS, json={**VALID, "name": "x" * 200})
        assert response.status_code == 413 and "larger than 100 bytes" in _shape(response)
