"""The summaries' numbers against SQL over ``finops.costs`` (independent of the rollups the job
reads), per scope; the job's rows rewritten in place on a rerun; the budget notification
carrying the whole bill's summary."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import psycopg
import pytest

from finops.config import Settings
from finops.db.engine import libpq_url
from finops.insights.render import amount, number_tokens
from tests.insights.conftest import AS_OF, Receiver

WEEK = (date(2026, 10, 12), AS_OF)
PREVIOUS_WEEK = (date(2026, 10, 5), date(2026, 10, 8))
MONTH = (date(2026, 10, 1), AS_OF)
PREVIOUS_MONTH = (date(2026, 9, 1), date(2026, 9, 15))
TEAM = (
    " AND EXISTS (SELECT 1 FROM jsonb_each_text(tags) t WHERE finops.tag_key(t.key) = 'team' "
    "AND t.value = %(team)s)"
)


def _sql(settings: Settings, query: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    url = libpq_url(settings.database_url.get_secret_value())  # type: ignore[union-attr]
    with psycopg.connect(url) as conn:
        return conn.execute(query, params).fetchall()


def _by(
    settings: Settings, column: str, days: tuple[date, date], where: str, params: dict[str, Any]
) -> dict[str, Decimal]:
    rows = _sql(
        settings,
        f"SELECT {column}, sum(billed_cost) FROM finops.costs WHERE charge_period_start >= "
        f"%(lo)s AND charge_period_start < %(hi)s {where} GROUP BY 1",
        {**params, "lo": days[0], "hi": days[1] + timedelta(days=1)},
    )
    return {str(k): Decimal(v) for k, v in rows}


def _expected(
    settings: Settings,
    cur: tuple[date, date],
    prev: tuple[date, date],
    where: str = "",
    params: dict[str, Any] | None = None,
    *,
    accounts: bool = True,
) -> dict[str, Any]:
    params = params or {}
    cent = Decimal("0.01")
    now = {
        d: _by(settings, c, cur, where, params)
        for d, c in (("service", "service_name"), ("account", "sub_account_id"))
    }
    before = {
        d: _by(settings, c, prev, where, params)
        for d, c in (("service", "service_name"), ("account", "sub_account_id"))
    }
    deltas = []
    for dimension in ("service", "account") if accounts else ("service",):
        for name in set(now[dimension]) | set(before[dimension]):
            c = now[dimension].get(name, Decimal(0)).quantize(cent)
            p = before[dimension].get(name, Decimal(0)).quantize(cent)
            if c != p:
                deltas.append((-abs(c - p), dimension, name, str(c), str(p)))
    return {
        "current": str(sum(now["service"].values(), Decimal(0)).quantize(cent)),
        "previous": str(sum(before["service"].values(), Decimal(0)).quantize(cent)),
        "movers": [(d, n, c, p) for _, d, n, c, p in sorted(deltas)[:3]],
    }


def _rows(settings: Settings) -> dict[tuple[str, str], dict[str, Any]]:
    rows = _sql(
        settings,
        "SELECT scope_key, period_kind, id, title, body, template_body, facts, provider, "
        "provider_note, period_start, as_of FROM finops.insights",
        {},
    )
    names = ("id", "title", "body", "template_body", "facts", "provider", "note", "start", "as_of")
    return {(r[0], r[1]): dict(zip(names, r[2:], strict=True)) for r in rows}


@pytest.fixture(scope="module")
def written(insights_settings: Settings, budget: str) -> dict[tuple[str, str], dict[str, Any]]:
    from finops.jobs.insights import InsightsRun, run_insights

    run = run_insights(run_date=AS_OF, settings=insights_settings)
    assert isinstance(run, InsightsRun)
    return _rows(insights_settings)


def _check(facts: dict[str, Any], expected: dict[str, Any], body: str) -> None:
    assert facts["current"] == expected["current"]
    assert facts["previous"] == expected["previous"]
    got = [(m["dimension"], m["name"], m["current"], m["previous"]) for m in facts["movers"]]
    assert got == expected["movers"]
    assert amount(Decimal(expected["current"]), facts["currency"]) in body
    assert amount(Decimal(expected["previous"]), facts["currency"]) in body


def test_the_whole_bill_summary_states_the_bill(
    written: dict[tuple[str, str], dict[str, Any]], insights_settings: Settings
) -> None:
    week = written[("total:", "week")]
    assert week["start"] == WEEK[0] and week["as_of"] == AS_OF
    assert week["title"] == "Weekly spend summary for the whole bill, week of 2026-10-12"
    _check(week["facts"], _expected(insights_settings, WEEK, PREVIOUS_WEEK), week["body"])
    month = written[("total:", "month")]
    _check(month["facts"], _expected(insights_settings, MONTH, PREVIOUS_MONTH), month["body"])
    # no provider configured: the template text, and why
    assert week["provider"] == "template" and week["body"] == week["template_body"]
    assert "no LLM provider configured" in week["note"]


def test_anomalies_findings_and_budget_in_the_summary(
    written: dict[tuple[str, str], dict[str, Any]], insights_settings: Settings
) -> None:
    facts = written[("total:", "month")]["facts"]
    (anomalies,) = _sql(
        insights_settings,
        "SELECT count(*) FROM finops.anomaly_incidents WHERE first_day <= %(end)s "
        "AND last_day >= %(start)s",
        {"start": MONTH[0], "end": MONTH[1]},
    )[0:1]
    assert facts["anomaly_count"] == anomalies[0] > 0
    (largest,) = _sql(
        insights_settings,
        "SELECT abs(impact), CASE WHEN impact >= 0 THEN 'above' ELSE 'below' END "
        "FROM finops.anomaly_incidents WHERE first_day <= %(end)s AND last_day >= %(start)s "
        "ORDER BY abs(impact) DESC LIMIT 1",
        {"start": MONTH[0], "end": MONTH[1]},
    )
    month_body = written[("total:", "month")]["body"]
    assert f"{amount(largest[0], 'USD')} {largest[1]} the expected" in month_body
    (open_savings,) = _sql(
        insights_settings,
        "SELECT count(*), round(coalesce(sum(estimated_monthly_savings), 0), 2) "
        "FROM finops.findings WHERE status IN ('new', 'open')",
        {},
    )
    assert open_savings[0] > 0
    assert (facts["finding_count"], Decimal(facts["open_savings"])) == open_savings
    (actual,) = _sql(
        insights_settings,
        "SELECT round(sum(billed_cost), 2) FROM finops.costs WHERE charge_period_start >= "
        "'2026-10-01' AND charge_period_start < '2026-10-16'",
        {},
    )
    (b,) = facts["budgets"]
    assert (b["name"], Decimal(b["amount"]), Decimal(b["actual"])) == (
        "whole-bill",
        Decimal(100),
        actual[0],
    )
    body = written[("total:", "month")]["body"]
    assert f"whole-bill (monthly, 100.00 USD): {amount(actual[0], 'USD')} spent" in body
    assert f"{open_savings[0]} open findings could save {amount(open_savings[1], 'USD')}" in body


def test_account_and_team_summaries(
    written: dict[tuple[str, str], dict[str, Any]], insights_settings: Settings
) -> None:
    accounts = sorted(k[0] for k in written if k[0].startswith("account:") and k[1] == "week")
    teams = sorted(k[0] for k in written if k[0].startswith("tag:tag:team=") and k[1] == "week")
    billed = _sql(
        insights_settings,
        "SELECT DISTINCT 'account:account=' || sub_account_id FROM finops.costs "
        "WHERE charge_period_start >= '2026-10-05'",
        {},
    )
    assert accounts == sorted(r[0] for r in billed) and len(teams) >= 2
    for key in accounts:
        account = key.split("=", 1)[1]
        row = written[(key, "week")]
        expected = _expected(
            insights_settings,
            WEEK,
            PREVIOUS_WEEK,
            "AND sub_account_id = %(a)s",
            {"a": account},
            accounts=False,
        )
        _check(row["facts"], expected, row["body"])
    for key in teams:
        team = key.split("=", 1)[1]
        row = written[(key, "month")]
        _check(
            row["facts"],
            _expected(insights_settings, MONTH, PREVIOUS_MONTH, TEAM, {"team": team}),
            row["body"],
        )
    # each period: the whole bill, the accounts, the teams and the cost centers
    assert any(k[0].startswith("tag:tag:cost-center=") for k in written)


def test_a_rerun_rewrites_in_place(
    written: dict[tuple[str, str], dict[str, Any]], insights_settings: Settings
) -> None:
    from finops.jobs.insights import InsightsRun, run_insights
    from finops.jobs.ledger import JobSkipped

    assert isinstance(run_insights(run_date=AS_OF, settings=insights_settings), JobSkipped)
    forced = run_insights(run_date=AS_OF, settings=insights_settings, force=True)
    assert isinstance(forced, InsightsRun) and len(forced.written) == len(written)
    again = _rows(insights_settings)
    assert {k: (v["id"], v["body"], v["facts"]) for k, v in again.items()} == {
        k: (v["id"], v["body"], v["facts"]) for k, v in written.items()
    }


def test_the_budget_notification_carries_the_summary(
    written: dict[tuple[str, str], dict[str, Any]],
    insights_settings: Settings,
    webhook: Receiver,
) -> None:
    from finops.jobs.budgets import run_budgets

    run_budgets(run_date=AS_OF, settings=insights_settings)
    (payload,) = webhook.bodies
    week = written[("total:", "week")]
    text = payload["text"]
    assert text.startswith("Budget whole-bill: actual cost reached")
    assert f"*{week['title']}* (as of 2026-10-15)" in text
    assert week["body"].strip() in text
    # every number of the summary is in the message
    assert set(number_tokens(week["body"])) <= set(number_tokens(text))
    (email,) = _sql(
        insights_settings,
        "SELECT payload FROM finops.notification_log WHERE channel = 'email'",
        {},
    )
    assert email[0]["subject"] == payload["text"].split("\n", 1)[0]
    assert f"*{week['title']}* (as of 2026-10-15)" in email[0]["body"]
    assert week["body"].strip() in email[0]["body"]


def test_finops_run_insights(
    written: dict[tuple[str, str], dict[str, Any]], insights_settings: Settings
) -> None:
    import os
    import subprocess
    import sys

    from finops.db.engine import server_url

    env = dict(os.environ, FINOPS_DATABASE_URL=server_url(insights_settings))
    command = [sys.executable, "-m", "finops", "run", "insights", "--as-of", "2026-10-15"]
    run = subprocess.run(
        [*command, "--force"], env=env, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert (
        f"insights as of 2026-10-15: {len(written)} summaries written (weekly and monthly; "
        f"prose by template {len(written)})"
    ) in " ".join(run.stdout.split())
    assert "template kept: no LLM provider configured" in " ".join(run.stdout.split())
    assert {k: v["body"] for k, v in _rows(insights_settings).items()} == {
        k: v["body"] for k, v in written.items()
    }


def test_the_api_lists_what_the_caller_may_see(
    written: dict[tuple[str, str], dict[str, Any]], insights_settings: Settings
) -> None:
    from fastapi.testclient import TestClient

    from finops.api.main import create_app
    from finops.auth.roles import Role
    from finops.warehouse.scope import Scope
    from tests.factories.identity import BASE_URL, add_token, add_user, bearer

    team = sorted(k[0] for k in written if k[0].startswith("tag:tag:team="))[0].split("=", 1)[1]
    account = sorted(k[0] for k in written if k[0].startswith("account:"))[0].split("=", 1)[1]
    callers = {
        "all": Scope(),
        "team": Scope(tags={"team": frozenset({team})}),
        "account": Scope(accounts=frozenset({account})),
    }
    headers = {}
    for name, scope in callers.items():
        add_user(insights_settings, f"ins-{name}", Role.VIEWER, scope=scope)
        headers[name] = bearer(add_token(insights_settings, f"ins-{name}", name=f"ins-{name}"))
    app = create_app(settings=insights_settings, frontend_dist=None)
    seen: dict[str, set[tuple[str, str]]] = {}
    with TestClient(app, base_url=BASE_URL) as client:
        for name in callers:
            body = client.get("/api/v1/insights?limit=500", headers=headers[name]).json()
            assert body["count"] == len(body["data"])
            seen[name] = {(i["scope_key"], i["period_kind"]) for i in body["data"]}
        weekly = client.get(
            "/api/v1/insights?period=week&scope_kind=total", headers=headers["all"]
        ).json()
        total_id = written[("total:", "week")]["id"]
        one = client.get(f"/api/v1/insights/{total_id}", headers=headers["all"])
        hidden = client.get(f"/api/v1/insights/{total_id}", headers=headers["team"])
        paged = client.get("/api/v1/insights?limit=2&offset=1", headers=headers["all"]).json()
    assert seen["all"] == set(written)
    assert seen["team"] == {(f"tag:tag:team={team}", "week"), (f"tag:tag:team={team}", "month")}
    assert seen["account"] == {(f"account:account={account}", p) for p in ("week", "month")}
    assert [i["id"] for i in weekly["data"]] == [total_id] and weekly["count"] == 1
    assert one.status_code == 200 and one.json()["body"] == written[("total:", "week")]["body"]
    assert Decimal(one.json()["facts"]["current"]) == Decimal(
        written[("total:", "week")]["facts"]["current"]
    )
    assert hidden.status_code == 404
    assert paged["count"] == len(written) and len(paged["data"]) == 2
