"""Browser end to end: ``finops serve`` on freshly ingested data, the Overview page in Debian
Chromium (playwright-core), the displayed total equal to what ``finops sql`` returns; the
Anomalies page listing the incidents the anomaly job found (one planted spike); the Data sources
page listing the billing sources with the rows ``finops sql`` counts for each. Every browser
signs in first (users made with ``finops.auth.users``); an admin sees the state-changing
controls, a viewer none of them and not the Admin page, and signing out returns to the login;
an analyst's SQL console page shows what ``finops sql`` returns for the same statement."""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from finops.analytics.anomalies.job import run_anomaly_detection
from finops.analytics.manage import create_budget
from finops.auth.roles import Role
from finops.auth.users import create_user
from finops.config import Settings
from finops.db.engine import get_engine, server_url
from finops.ingest.billing import ingest_billing
from tests.e2e.conftest import ARTIFACTS, browser, finops, require_dist, serve
from tests.factories.cur2 import Cur2Export

SPIKE = datetime(2026, 11, 9)  # EC2 in the first account costs ten times its usual that day
LAST_DAY = date(2026, 11, 12)
# username -> (role, password) of the users the browser signs in as
USERS = {
    "e2e-admin": (Role.ADMIN, "admin-e2e-Passw0rd"),
    "e2e-viewer": (Role.VIEWER, "viewer-e2e-Passw0rd"),
    "e2e-analyst": (Role.ANALYST, "analyst-e2e-Passw0rd"),
}
BUDGETS = ("e2e-total", "e2e-compute")


def _login(username: str) -> str:
    return f"{username}:{USERS[username][1]}"


@pytest.fixture
def served(fresh_settings: Settings, tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    require_dist()
    export = Cur2Export()
    services = ("AmazonEC2", "AmazonRDS", "AmazonS3")
    for month, days in ((9, 30), (10, 31), (11, 12)):
        for day in range(1, days + 1):
            for n, service in enumerate(services):
                cost = f"{(day * 7 + n * 13 + month) % 41 + 3}.{(day * 37 + n) % 100:02d}"
                if datetime(2026, month, day) == SPIKE and service == "AmazonEC2":
                    cost = "480.00"
                export.add_usage(
                    day=datetime(2026, month, day),
                    account=f"60000000000{n}",
                    service=service,
                    cost=cost,
                    hours=1,
                )
    ingest_billing(str(export.write(tmp_path)), settings=fresh_settings)
    run_anomaly_detection(run_date=LAST_DAY, settings=fresh_settings)
    for name in BUDGETS:
        create_budget(name=name, amount="1000", period="monthly", settings=fresh_settings)
    with get_engine(fresh_settings).begin() as conn:
        for username, (role, password) in USERS.items():
            create_user(conn, username=username, role=role, password=password)

    env = dict(os.environ, FINOPS_DATABASE_URL=server_url(fresh_settings))
    with serve(env, tmp_path) as base_url:
        yield base_url, env


def test_overview_total_matches_sql(served: tuple[str, dict[str, str]]) -> None:
    base_url, env = served
    result = finops(env, "sql", "select sum(billed_cost) as total from costs", "--format", "csv")
    assert result.returncode == 0, result.stderr
    expected_total = result.stdout.splitlines()[1]
    assert expected_total and expected_total != "0"
    # what the Anomalies page lists by default (open and acknowledged), in the API's order
    anomalies = finops(
        env,
        "sql",
        "select fingerprint from anomalies where status in ('open', 'acknowledged') "
        "order by first_day desc, abs(impact) desc, fingerprint",
        "--format",
        "csv",
    )
    assert anomalies.returncode == 0, anomalies.stderr
    fingerprints = anomalies.stdout.splitlines()[1:]
    assert fingerprints, "the planted spike was not detected"

    sources = finops(
        env,
        "sql",
        "select x_source_id || '=' || count(*) from costs "
        "group by x_source_id order by x_source_id",
        "--format",
        "csv",
    )
    assert sources.returncode == 0, sources.stderr
    source_rows = sources.stdout.splitlines()[1:]
    assert source_rows, "no billing source in the warehouse"

    browser(
        "overview.e2e.mjs",
        base_url=base_url,
        EXPECTED_TOTAL=expected_total,
        EXPECTED_ANOMALIES=",".join(fingerprints),
        EXPECTED_SOURCES=",".join(source_rows),
        E2E_LOGIN=_login("e2e-viewer"),
    )
    assert (ARTIFACTS / "overview.png").stat().st_size > 10_000
    assert (ARTIFACTS / "anomalies.png").stat().st_size > 10_000
    assert (ARTIFACTS / "sources.png").stat().st_size > 10_000


def test_api_docs_work_offline(served: tuple[str, dict[str, str]]) -> None:
    """/docs (Swagger UI) and /redoc list every operation of the schema with no request
    leaving loopback: their scripts and styles come from the platform, not a CDN."""
    base_url, _ = served
    with urllib.request.urlopen(f"{base_url}/openapi.json", timeout=10) as response:
        schema = json.load(response)
    operations = [
        (method.upper(), path, spec["operationId"])
        for path, methods in schema["paths"].items()
        for method, spec in methods.items()
    ]
    assert len(operations) >= 10
    stdout = browser(
        "docs.e2e.mjs",
        base_url=base_url,
        EXPECTED_OPERATIONS=",".join(f"{m} {p}" for m, p, _ in operations),
        EXPECTED_OPERATION_IDS=",".join(i for _, _, i in operations),
    )
    assert f"/docs: {len(operations)} operations listed" in stdout
    assert f"/redoc: {len(operations)} operations listed" in stdout
    assert (ARTIFACTS / "docs.png").stat().st_size > 10_000


def test_sign_in_role_gating_and_sign_out(served: tuple[str, dict[str, str]]) -> None:
    """An admin and a viewer each sign in (the Overview opens), count the state-changing
    controls of Forecasts & budgets, Anomalies and Data sources, open /admin, and sign out."""
    base_url, _ = served
    stdout = browser(
        "auth.e2e.mjs",
        base_url=base_url,
        timeout=240,
        ADMIN_LOGIN=_login("e2e-admin"),
        VIEWER_LOGIN=_login("e2e-viewer"),
    )
    controls = {
        line.split(":", 1)[0].removeprefix("controls "): json.loads(line.split(":", 1)[1])
        for line in stdout.splitlines()
        if line.startswith("controls ")
    }
    # Delete on each budget; acknowledge, resolve and false positive on the open incident;
    # Download CSV on the Data sources page's sources and loads tables
    assert controls["admin"] == {
        "adminLink": 1,
        "newBudget": 1,
        "deleteBudget": len(BUDGETS),
        "anomalyActions": 3,
        "csv": 2,
        "admin": "users",
    }
    assert controls["viewer"] == {
        "adminLink": 0,
        "newBudget": 0,
        "deleteBudget": 0,
        "anomalyActions": 0,
        "csv": 0,
        "admin": "forbidden",
    }
    assert stdout.count("signed out") == 2
    assert "signed out admin: /login" in stdout
    assert "signed out viewer: /login" in stdout
    for role in ("admin", "viewer"):
        for step in ("overview", "admin", "signed-out"):
            assert (ARTIFACTS / f"auth-{role}-{step}.png").stat().st_size > 10_000


def test_sql_console_page_matches_sql(served: tuple[str, dict[str, str]]) -> None:
    """An analyst's SQL console: a view picked from the sidebar fills the editor; a statement
    run with Ctrl+Enter shows the rows ``finops sql`` prints for it (money as exact text); a
    reload keeps the statement; a missing view shows the server's message."""
    base_url, env = served
    query = "select sub_account_id, sum(billed_cost) as total from costs group by 1 order by 1"
    result = finops(env, "sql", query, "--format", "csv")
    assert result.returncode == 0, result.stderr
    expected = result.stdout.splitlines()[1:]
    assert len(expected) == 3, result.stdout
    stdout = browser(
        "sql.e2e.mjs",
        base_url=base_url,
        E2E_LOGIN=_login("e2e-analyst"),
        QUERY=query,
        EXPECTED_ROWS=";".join(expected),
    )
    assert "sql rows: 3" in stdout
    assert "no_such_view" in stdout
    assert (ARTIFACTS / "sql.png").stat().st_size > 10_000
