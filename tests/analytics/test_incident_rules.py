"""Rules that keep cost anomaly alerts about what resources use, on hand-built data with known
answers: commitment coverage moving between resources, a trend that bent down, a launch soon
after another one, and two unrelated events in one account."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
from sqlalchemy import text

from finops.analytics.anomalies.analysis import AnalysisParams, find_incidents
from finops.analytics.anomalies.detector import DetectorParams, detect
from finops.analytics.cube import CostCube, load_cube
from finops.config import Settings
from finops.db.engine import get_engine
from finops.ingest.billing import ingest_billing
from tests.factories.cur2 import Cur2Export

START = date(2026, 1, 5)  # a Monday
ACCOUNT = "444444444444"
SP_ARN = "arn:aws:savingsplans::111111111111:savingsplan/sp-0001"


def _cube(series: Mapping[tuple[str, str], list[float]], *, start: date = START) -> CostCube:
    """{(account, resource): daily costs} -> a cube (EC2 in us-east-1, one usage type each)."""
    days = max(len(v) for v in series.values())

    def rows() -> Iterator[tuple[date, Mapping[str, str | None], Decimal]]:
        for (account, resource), costs in series.items():
            for k, cost in enumerate(costs):
                if cost:
                    dims = {
                        "account": account,
                        "service": "Amazon Elastic Compute Cloud",
                        "region": "us-east-1",
                        "usage_type": f"BoxUsage:{resource}",
                        "resource": resource,
                    }
                    yield start + timedelta(days=k), dims, Decimal(str(round(cost, 4)))

    return CostCube.from_rows(rows(), start=start, end=start + timedelta(days=days))


def _params() -> AnalysisParams:
    return AnalysisParams(tag_keys=())


def test_a_flat_series_after_a_decline_is_not_a_drift() -> None:
    # three instances, one terminated on day 60: the cost falls by a third and stays flat;
    # the fit made before the drop, extrapolated, bends down and the flat rest rises above it
    values = np.array([30.0] * 60 + [20.0] * 70)
    detection = detect(values, params=DetectorParams(detect_drops=False))
    assert [w.kind for w in detection.windows] == []


def test_a_launch_ten_days_after_another_is_new_resources_not_a_usage_change() -> None:
    # one instance runs throughout; a second launches on day 70, a third on day 80
    days = 110
    base = [10.0] * days
    second = [0.0] * 70 + [10.0] * (days - 70)
    third = [0.0] * 80 + [10.0] * (days - 80)
    cube = _cube({(ACCOUNT, "i-a"): base, (ACCOUNT, "i-b"): second, (ACCOUNT, "i-c"): third})
    incidents = find_incidents(cube, params=_params())
    launches = [i for i in incidents if i.first_day == START + timedelta(days=80)]
    assert launches, "the second launch is an incident at the account level"
    assert {i.cause for i in launches} == {"new_resources"}
    assert launches[0].top_cause is not None
    assert launches[0].top_cause.value == "i-c"
    assert [i for i in incidents if i.cause == "usage_change"] == []


def test_two_unrelated_events_in_one_account_are_two_incidents() -> None:
    # a lasting rise of one instance on day 60 and a one-day spike of another on day 66
    days = 100
    riser = [10.0] * 60 + [25.0] * (days - 60)
    spiker = [8.0] * days
    spiker[66] = 60.0
    cube = _cube({(ACCOUNT, "i-riser"): riser, (ACCOUNT, "i-spiker"): spiker})
    alerts = [i for i in find_incidents(cube, params=_params()) if i.cause == "usage_change"]
    by_start = {i.first_day: i for i in alerts}
    assert set(by_start) == {START + timedelta(days=60), START + timedelta(days=66)}
    rise, spike = by_start[START + timedelta(days=60)], by_start[START + timedelta(days=66)]
    assert rise.kind == "level_shift"
    assert "i-riser" in (rise.scope.get("resource"), rise.top_cause and rise.top_cause.value)
    assert spike.kind == "spike"
    assert "i-spiker" in (spike.scope.get("resource"), spike.top_cause and spike.top_cause.value)


def _savings_plan_export() -> Cur2Export:
    """Two instances with the same steady usage ($10/day on demand); a Savings Plan covers 60%
    of the first until day 49 and 60% of the second from then on. Billed per resource, the
    first one's cost jumps from 4 to 10 on day 49; what the resources use never changes."""
    export = Cur2Export(name="sp")
    for k in range(98):
        day = START + timedelta(days=k)
        at = datetime(day.year, day.month, day.day)
        covered = "i-first" if k < 49 else "i-second"
        for resource in ("i-first", "i-second"):
            usage = "10.0000"
            if resource == covered:
                usage = "4.0000"
                export.add_usage(
                    day=at,
                    account=ACCOUNT,
                    service="AmazonEC2",
                    cost="6.0000",
                    resource_id=resource,
                    line_item_type="SavingsPlanCoveredUsage",
                    savings_plan_arn=SP_ARN,
                    savings_plan_effective_cost="4.2000",
                )
                export.add_usage(
                    day=at,
                    account=ACCOUNT,
                    service="AmazonEC2",
                    cost="-6.0000",
                    resource_id=resource,
                    line_item_type="SavingsPlanNegation",
                    savings_plan_arn=SP_ARN,
                )
            export.add_usage(
                day=at, account=ACCOUNT, service="AmazonEC2", cost=usage, resource_id=resource
            )
    return export


def test_savings_plan_coverage_moving_between_resources_is_not_an_anomaly(
    fresh_settings: Settings, tmp_path: Path
) -> None:
    ingest_billing(str(_savings_plan_export().write(tmp_path / "export")), settings=fresh_settings)
    end = START + timedelta(days=98)
    with get_engine(fresh_settings).connect() as conn:
        statuses = (
            conn.execute(text("SELECT DISTINCT commitment_discount_status FROM costs ORDER BY 1"))
            .scalars()
            .all()
        )
        assert "Used" in statuses
        by_metric = {
            metric: load_cube(conn, start=START, end=end, metric=metric)
            for metric in ("billed_cost", "usage_cost")
        }
    billed = [
        i
        for i in find_incidents(by_metric["billed_cost"], params=_params())
        if i.cause == "usage_change"
    ]
    usage = [
        i
        for i in find_incidents(by_metric["usage_cost"], params=_params())
        if i.cause == "usage_change"
    ]
    # billed per resource, the first instance's cost rises by 150% on day 49
    assert any(i.scope.get("resource") == "i-first" for i in billed)
    assert usage == []
    # usage cost prices the covered hours on demand: $20 a day, every day
    _keys, matrix = by_metric["usage_cost"].series(())
    assert set(np.round(matrix[0], 4)) == {20.0}
