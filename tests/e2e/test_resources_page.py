"""Browser end to end: the Resources page on the served generated estate. Each row of the
inventory's first page shows the resource's 30-day billed cost, open findings and related
anomalies as ``finops sql`` counts them from the warehouse; a resource opened from its URL
shows the same cost and links to each of its open findings, and the first link opens the
Optimization page on that finding alone with its detail open; at phone width (390 px) the page
does not scroll sideways. The Accounts page (at phone width too, without scrolling sideways)
lists first the account with the largest 30-day billed cost, showing that cost as SQL sums it,
and its name opens the Explorer on that account."""

from __future__ import annotations

from decimal import Decimal

from tests.e2e.conftest import ServedEstate, browser, dollars, printed, sql_rows

# the API's windows: the last 30 days of cost data; open = new or open findings
FIGURES = """
with last as (select max(charge_period_start)::date as d from costs)
select r.resource_id,
       coalesce((select sum(c.billed_cost) from costs c, last
                 where c.resource_id in (r.resource_id, r.arn)
                   and c.charge_period_start >= last.d - 29
                   and c.charge_period_start < last.d + 1), 0) as cost,
       (select count(*) from findings f where f.resource_id = r.resource_id
          and f.status in ('new', 'open')) as findings,
       (select count(*) from anomalies a where a.scope->>'resource' = r.resource_id
          or a.root_cause @> jsonb_build_array(jsonb_build_object('dimension', 'resource',
             'value', r.resource_id))) as anomalies
from resources r
"""

# the accounts list's 30-day cost: the account's billed cost over the last 30 days of data
ACCOUNT_FIGURES = """
with last as (select max(charge_period_start)::date as d from costs)
select c.sub_account_id as account_id,
       coalesce(sum(c.billed_cost) filter (where c.charge_period_start >= last.d - 29
                                             and c.charge_period_start < last.d + 1), 0) as cost
from costs c, last
where c.sub_account_id is not null
group by c.sub_account_id
"""


def test_resources_show_the_warehouse_figures_and_link_to_findings(
    served_estate: ServedEstate,
) -> None:
    figures = {r["resource_id"]: r for r in sql_rows(served_estate.env, FIGURES)}
    with_findings = sorted(
        (r for r in figures.values() if int(r["findings"]) > 0),
        key=lambda r: (-Decimal(r["cost"]), r["resource_id"]),
    )
    assert with_findings, "the estate's waste job found nothing"
    chosen = with_findings[0]["resource_id"]
    open_findings = sql_rows(
        served_estate.env,
        f"select fingerprint from findings where resource_id = '{chosen}' "
        "and status in ('new', 'open') order by fingerprint",
    )

    stdout = browser(
        "resources.e2e.mjs",
        base_url=served_estate.base_url,
        E2E_LOGIN=served_estate.login,
        RESOURCE_ID=chosen,
    )
    shown = printed(stdout)
    rows = {
        line[4:].split(": ", 1)[0]: line.split(": ", 1)[1].split(" | ")
        for line in stdout.splitlines()
        if line.startswith("row ")
    }
    assert int(shown["rows"]) == len(rows) == min(25, len(figures))
    assert shown["count"].startswith(f"{len(figures):,} resources")
    for resource_id, (cost, findings, anomalies) in rows.items():
        want = figures[resource_id]
        assert (cost, int(findings), int(anomalies)) == (
            dollars(Decimal(want["cost"])),
            int(want["findings"]),
            int(want["anomalies"]),
        ), resource_id
    # the first page is the largest 30-day costs
    top = sorted(figures.values(), key=lambda r: -Decimal(r["cost"]))[: len(rows)]
    assert sorted(Decimal(figures[r]["cost"]) for r in rows) == sorted(
        Decimal(r["cost"]) for r in top
    )

    assert shown["detail cost"] == dollars(Decimal(figures[chosen]["cost"]))
    links = set(shown["finding links"].split(","))
    every = {
        f["fingerprint"]
        for f in sql_rows(
            served_estate.env, f"select fingerprint from findings where resource_id = '{chosen}'"
        )
    }
    assert {f"/optimization?finding={f['fingerprint']}" for f in open_findings} <= links
    assert links <= {f"/optimization?finding={f}" for f in every}
    first = shown["finding links"].split(",")[0].split("=", 1)[1]
    assert shown["finding url"] == f"?finding={first}"
    assert shown["finding opened"] == first
    assert shown["finding rows"] == "1"
    assert int(shown["phone scroll width"]) <= 390

    accounts = sql_rows(served_estate.env, ACCOUNT_FIGURES)
    top_account = min(accounts, key=lambda r: (-Decimal(r["cost"]), r["account_id"]))
    assert shown["accounts count"].startswith(f"{len(accounts):,} accounts")
    assert shown["accounts first"] == top_account["account_id"]
    assert shown["accounts first cost 30d"] == dollars(Decimal(top_account["cost"]))
    explorer = f"account_id={top_account['account_id']}&group_by=service_name"
    assert shown["accounts explorer link"] == f"/explorer?{explorer}"
    assert shown["accounts explorer url"] == f"?{explorer}"
    assert int(shown["accounts phone scroll width"]) <= 390
