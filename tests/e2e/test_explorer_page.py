"""Browser end to end: the Explorer opened from a URL carrying a grouping (service, then the
``team`` tag) and filters (two of three accounts, two of three services, a date range); the
table's total equals what ``finops sql`` sums from ``costs`` for the same question, its rows the
same groups, and the CSV the page downloads has the same (month, service, team) rows as
``finops sql`` groups them; a click on a row drills down; at phone width (390 px) the page does
not scroll sideways and the navigation opens from its menu button."""

from __future__ import annotations

import csv
import json
import os
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from urllib.parse import urlencode

from finops.auth.roles import Role
from finops.auth.users import create_user
from finops.config import Settings
from finops.db.engine import get_engine, server_url
from finops.ingest.billing import ingest_billing
from tests.e2e.conftest import ARTIFACTS, browser, finops, require_dist, serve
from tests.factories.cur2 import Cur2Export

ANALYST = ("e2e-explorer-analyst", "analyst-e2e-Passw0rd")
ACCOUNTS = ("700000000000", "700000000001", "700000000002")
SERVICES = ("AmazonEC2", "AmazonRDS", "AmazonS3")
TEAMS = ("data", "web", None)  # the third service's lines carry no team tag
START, END = "2026-09-15", "2026-11-10"


def _estate(tmp_path: Path) -> str:
    export = Cur2Export()
    for month, days in ((8, 31), (9, 30), (10, 31), (11, 12)):
        for day in range(1, days + 1):
            for a, account in enumerate(ACCOUNTS):
                for s, service in enumerate(SERVICES):
                    team = TEAMS[(s + a) % len(TEAMS)]
                    export.add_usage(
                        day=datetime(2026, month, day),
                        account=account,
                        service=service,
                        cost=f"{(day * 7 + s * 13 + a * 5 + month) % 41 + 2}."
                        f"{(day * 37 + s + a) % 100:02d}37",
                        tags=None if team is None else {"team": team},
                    )
    return str(export.write(tmp_path))


def _sql(env: dict[str, str], statement: str) -> list[dict[str, str]]:
    result = finops(env, "sql", statement, "--format", "csv")
    assert result.returncode == 0, result.stderr
    return list(csv.DictReader(result.stdout.splitlines()))


def _dollars(value: Decimal) -> str:
    return f"${value.quantize(Decimal('0.01'), ROUND_HALF_UP):,}"


def test_explorer_view_matches_sql_and_its_csv(fresh_settings: Settings, tmp_path: Path) -> None:
    require_dist()
    ingest_billing(_estate(tmp_path), settings=fresh_settings)
    with get_engine(fresh_settings).begin() as conn:
        create_user(conn, username=ANALYST[0], role=Role.ANALYST, password=ANALYST[1])
    env = dict(os.environ, FINOPS_DATABASE_URL=server_url(fresh_settings))

    distinct = _sql(env, "select distinct service_name from costs order by 1")
    services = [r["service_name"] for r in distinct]
    assert len(services) == 3
    chosen_services, chosen_accounts = services[:2], ACCOUNTS[:2]
    where = (
        f"sub_account_id in ('{chosen_accounts[0]}', '{chosen_accounts[1]}') "
        f"and service_name in ('{chosen_services[0]}', '{chosen_services[1]}') "
        f"and charge_period_start >= timestamptz '{START} 00:00:00+00' "
        f"and charge_period_start < timestamptz '{END} 00:00:00+00' + interval '1 day'"
    )
    (total_row,) = _sql(env, f"select sum(billed_cost) as total from costs where {where}")
    total = Decimal(total_row["total"])
    groups = {
        (r["service_name"], r["team"] or None): Decimal(r["cost"])
        for r in _sql(
            env,
            "select service_name, tags->>'team' as team, sum(billed_cost) as cost "
            f"from costs where {where} group by 1, 2",
        )
    }
    months = {
        (r["period"], r["service_name"], r["team"]): Decimal(r["cost"])
        for r in _sql(
            env,
            "select to_char(date_trunc('month', charge_period_start at time zone 'UTC'), "
            "'YYYY-MM-DD') as period, service_name, coalesce(tags->>'team', '') as team, "
            f"sum(billed_cost) as cost from costs where {where} group by 1, 2, 3",
        )
    }
    assert len(groups) == 4 and len(months) == 12  # 2 services x 2 teams (one untagged) x 3 months

    query = [
        ("start", START),
        ("end", END),
        ("granularity", "monthly"),
        ("group_by", "service_name"),
        ("group_by", "tag:team"),
        *(("account_id", account) for account in chosen_accounts),
        *(("service_name", service) for service in chosen_services),
    ]
    path = f"/explorer?{urlencode(query)}"
    with serve(env, tmp_path) as base_url:
        stdout = browser(
            "explorer.e2e.mjs",
            base_url=base_url,
            E2E_LOGIN=f"{ANALYST[0]}:{ANALYST[1]}",
            EXPLORER_PATH=path,
        )

    shown = dict(line.split(": ", 1) for line in stdout.splitlines() if ": " in line)
    assert Decimal(shown["total"]) == total
    assert shown["total shown"] == _dollars(total)
    rows = {
        tuple(json.loads(line[4:].split(": ", 1)[0])): line.split(": ", 1)[1]
        for line in stdout.splitlines()
        if line.startswith("row ")
    }
    assert rows == {keys: _dollars(cost) for keys, cost in groups.items()}

    with Path(shown["csv"]).open(newline="") as handle:
        downloaded = list(csv.DictReader(handle))
    assert {
        (r["period"], r["service_name"], r["tag_team"]): Decimal(r["cost"]) for r in downloaded
    } == months
    assert len(downloaded) == len(months)
    assert sum(Decimal(r["cost"]) for r in downloaded) == total

    # the drill-down: the first row's service and team became filters, usage types group now
    first = json.loads(shown["drilled from"])
    assert "group_by=usage_type" in shown["drilled to"]
    assert Decimal(shown["drilled total"]) == groups[(first[0], first[1])], stdout
    assert Decimal(shown["phone total"]) == total
    assert int(shown["phone scroll width"]) <= 390
    assert shown["phone nav"] == "opens"
    assert (ARTIFACTS / "explorer.png").stat().st_size > 10_000
    assert (ARTIFACTS / "explorer-phone.png").stat().st_size > 10_000
