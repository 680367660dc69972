"""With the dashboard served, the SPA's fallback answers only the dashboard's own paths: a
path under /api/ never gets index.html. A known API path asked with a method it does not serve
is 405 naming the methods it does (as without the dashboard), and an unknown API path is the
API's JSON 404, whatever the method."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from finops.api.main import create_app
from finops.config import Settings
from tests.factories.identity import admin_headers

INDEX = "<!doctype html><title>FinOps dashboard</title>"


@pytest.fixture(scope="module")
def served(
    estate_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    dist = tmp_path_factory.mktemp("dist")
    (dist / "index.html").write_text(INDEX)
    app = create_app(settings=estate_settings, frontend_dist=dist)
    with TestClient(app, headers=admin_headers(estate_settings)) as client:
        yield client


def test_a_dashboard_path_falls_back_to_index_html(served: TestClient) -> None:
    response = served.get("/explorer?group_by=service_name")
    assert response.status_code == 200
    assert response.text == INDEX


def test_get_on_a_post_only_api_route_is_405_not_the_spa(served: TestClient) -> None:
    response = served.get("/api/v1/assistant/ask")
    assert response.status_code == 405, response.text[:200]
    assert response.headers["allow"] == "POST"
    assert response.json() == {
        "detail": "Method Not Allowed",
        "code": "method_not_allowed",
        "param": None,
    }
    # the same as the API alone answers
    with TestClient(create_app(settings=served.app.state.settings, frontend_dist=None)) as bare:
        alone = bare.get("/api/v1/assistant/ask")
    assert (alone.status_code, alone.headers["allow"], alone.json()) == (
        405,
        "POST",
        response.json(),
    )


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE", "PATCH"])
def test_an_unknown_api_path_is_the_json_404(served: TestClient, method: str) -> None:
    response = served.request(method, "/api/v1/no-such-thing/42")
    assert response.status_code == 404, response.text[:200]
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "detail": "no route /api/v1/no-such-thing/42",
        "code": "not_found",
        "param": None,
    }
