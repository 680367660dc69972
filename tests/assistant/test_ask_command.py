"""``finops ask`` in a subprocess against the assistant's estate: the answer, its SQL, JSON
output, and a refusal's exit code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal

import psycopg

from finops.config import Settings
from finops.db.engine import libpq_url


def _finops(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "FINOPS_DATABASE_URL": settings.database_url.get_secret_value(),  # type: ignore[union-attr]
        "FINOPS_HOME": str(settings.home),
        "FINOPS_ENVIRONMENT": "test",
    }
    return subprocess.run(
        [sys.executable, "-m", "finops", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_finops_ask(assistant_settings: Settings) -> None:
    done = _finops(assistant_settings, "ask", "S3 cost last month", "--json")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    url = libpq_url(assistant_settings.database_url.get_secret_value())  # type: ignore[union-attr]
    with psycopg.connect(url) as conn:
        want = conn.execute(
            "SELECT sum(billed_cost) FROM finops.costs WHERE service_name = "
            "'Amazon Simple Storage Service' AND charge_period_start >= '2026-09-01' "
            "AND charge_period_start < '2026-10-01'"
        ).fetchone()[0]  # type: ignore[index]
        logged = conn.execute(
            "SELECT asker, row_count FROM finops.assistant_queries WHERE question = %s",
            ["S3 cost last month"],
        ).fetchall()
    assert Decimal(answer["value"]) == want and not answer["refused"]
    assert "FROM finops.costs" in answer["sql"][0]
    assert len(logged) == 1 and logged[0][0].startswith("cli:") and logged[0][1] == 1

    table = _finops(assistant_settings, "ask", "Top 3 services last month")
    assert table.returncode == 0, table.stderr
    assert "Amazon Elastic Compute Cloud" in table.stdout and "SELECT label" in table.stdout

    refused = _finops(assistant_settings, "ask", "Tell me a joke")
    assert refused.returncode == 1
    assert "I can't answer that" in refused.stdout
