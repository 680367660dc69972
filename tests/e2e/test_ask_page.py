"""Browser end to end: the Ask page, opened with Ctrl+K by a viewer, answers "How much did we
spend in October 2026?" with the number ``finops sql`` sums from ``costs``; a breakdown question
opened by its link draws a bar chart over the same rows ``finops sql`` groups; a question that
tries to write is refused with a clear message and no number."""

from __future__ import annotations

import csv
import os
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from finops.auth.roles import Role
from finops.auth.users import create_user
from finops.config import Settings
from finops.db.engine import get_engine, server_url
from finops.ingest.billing import ingest_billing
from tests.e2e.conftest import ARTIFACTS, browser, finops, require_dist, serve
from tests.factories.cur2 import Cur2Export

VIEWER = ("e2e-ask-viewer", "viewer-e2e-Passw0rd")
SERVICES = ("AmazonEC2", "AmazonS3", "AmazonRDS")


def _estate(tmp_path: Path) -> str:
    export = Cur2Export()
    for month, days in ((10, 31), (11, 12)):
        for day in range(1, days + 1):
            for s, service in enumerate(SERVICES):
                export.add_usage(
                    day=datetime(2026, month, day),
                    account="710000000000",
                    service=service,
                    cost=f"{(day * 7 + s * 13 + month) % 41 + 2}.{(day * 37 + s) % 100:02d}37",
                )
    return str(export.write(tmp_path))


def _sql(env: dict[str, str], statement: str) -> list[dict[str, str]]:
    result = finops(env, "sql", statement, "--format", "csv")
    assert result.returncode == 0, result.stderr
    return list(csv.DictReader(result.stdout.splitlines()))


def test_ask_page_shows_the_warehouse_number(fresh_settings: Settings, tmp_path: Path) -> None:
    require_dist()
    ingest_billing(_estate(tmp_path), settings=fresh_settings)
    with get_engine(fresh_settings).begin() as conn:
        create_user(conn, username=VIEWER[0], role=Role.VIEWER, password=VIEWER[1])
    env = dict(os.environ, FINOPS_DATABASE_URL=server_url(fresh_settings))
    (october,) = _sql(
        env,
        "select sum(billed_cost) as total from costs where charge_period_start >= "
        "'2026-10-01' and charge_period_start < '2026-11-01'",
    )
    groups = {
        r["service_name"]: Decimal(r["cost"])
        for r in _sql(
            env,
            "select service_name, sum(billed_cost) as cost from costs where "
            "charge_period_start >= '2026-10-01' and charge_period_start < '2026-11-01' "
            "group by 1",
        )
    }
    assert len(groups) == 3

    with serve(env, tmp_path) as base_url:
        stdout = browser(
            "ask.e2e.mjs",
            base_url=base_url,
            E2E_LOGIN=f"{VIEWER[0]}:{VIEWER[1]}",
            QUESTION="How much did we spend in October 2026?",
            CHART_QUESTION="Cost by service in October 2026",
        )

    shown = dict(line.split(": ", 1) for line in stdout.splitlines() if ": " in line)
    total = Decimal(october["total"])
    assert Decimal(shown["value"]) == total
    assert shown["value shown"] == f"${total.quantize(Decimal('0.01'), ROUND_HALF_UP):,}"
    assert shown["chart"] == "bar"
    rows = {
        line[4:].split(": ", 1)[0]: Decimal(line.split(": ", 1)[1])
        for line in stdout.splitlines()
        if line.startswith("row ")
    }
    assert rows == groups
    assert shown["sql"].startswith("SELECT")
    assert "can't answer" in shown["refused"]
    assert (ARTIFACTS / "ask.png").stat().st_size > 10_000
