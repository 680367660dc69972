"""Commitments: a reserved instance and a savings plan that are fully used, and one of each
that is not."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import numpy as np

from finops.generator import catalog
from finops.generator.estate.builder import EstateBuilder
from finops.generator.estate.factory import BEFORE_RANGE, HOURS_MONTH
from finops.generator.estate.model import (
    Account,
    Profile,
    ReservedInstance,
    Resource,
    SavingsPlan,
)
from finops.generator.timeline import DAY_H

SP2_PEAK_USE = Decimal("0.75")  # the over-committed plan's utilization at the peak of usage


def plant_reservations(b: EstateBuilder) -> None:
    tl = b.timeline
    payer = b.payer
    ri_start = tl.start - timedelta(days=120)
    term = (ri_start, ri_start + timedelta(days=365 * 3))
    covered, full = reserved_fleet(
        b, b.acct(0), "r5.xlarge", [None] * 3, level=50.0, application="orders", ri=term
    )
    b.situation(
        "healthy",
        None,
        0,
        None,
        account=payer,
        service="AmazonEC2",
        reason="reserved instance fully used",
        reservation_arn=full.arn,
        resource_ids=[r.resource_id for r in covered],
    )
    drop = b.day_hour(0.5)
    underused, ri = reserved_fleet(
        b, b.acct(7), "c5.xlarge", [None, drop, drop, drop], level=40.0, ri=term
    )
    s = b.situation(
        "underused_reservation",
        None,
        drop,
        ri.hourly_rate * 3 * HOURS_MONTH,
        account=payer,
        service="AmazonEC2",
        reservation_arn=ri.arn,
        instance_type="c5.xlarge",
        count=4,
        used_after_start=1,
        expected_utilization_after_start=0.25,
        terminated=[r.resource_id for r in underused[1:]],
    )
    s.resource_id = ri.arn
    s.region = "us-east-1"


def plant_savings_plans(b: EstateBuilder) -> None:
    """Savings plans: sized against the eligible on-demand usage; the second one over-commits."""
    tl = b.timeline
    payer = b.payer
    eligible = eligible_on_demand_per_hour(b, hour=0)
    b.savings_plans.append(
        savings_plan(b, payer, (eligible * Decimal("0.45")), tl.start - timedelta(days=200))
    )
    b.situation(
        "healthy",
        None,
        0,
        None,
        account=payer,
        service="ComputeSavingsPlans",
        reason="savings plan fully used",
        savings_plan_arn=b.savings_plans[-1].arn,
    )
    # The second plan was sized for growth that never came: against the peak of the eligible
    # usage from its purchase to the end of the range (capacity step included), it commits a
    # third more than the first plan leaves uncovered, so it stays under-used to the last day.
    sp_day = tl.start + timedelta(days=max(1, tl.days // 3))
    first_commitment = b.savings_plans[-1].commitment
    peak = max(
        (
            eligible_on_demand_per_hour(b, hour=hour, office_hours=True)
            for hour in range(tl.hour_of(sp_day) + 12, tl.hours, DAY_H)
        ),
        default=eligible,
    )
    second = savings_plan(
        b, payer, max(peak - first_commitment, eligible * Decimal("0.2")) / SP2_PEAK_USE, sp_day
    )
    b.savings_plans.append(second)
    s = b.situation(
        "underused_savings_plan",
        None,
        tl.hour_of(sp_day),
        None,
        account=payer,
        service="ComputeSavingsPlans",
        savings_plan_arn=second.arn,
        commitment_per_hour=str(second.commitment),
        expected_peak_utilization=float(SP2_PEAK_USE),
    )
    s.resource_id = second.arn


def reserved_fleet(
    b: EstateBuilder,
    account: Account,
    itype: str,
    ends: list[int | None],
    *,
    level: float,
    ri: tuple[date, date],
    application: str | None = None,
) -> tuple[list[Resource], ReservedInstance]:
    """Instances of ``itype`` in us-east-1 running from before the range (the i-th until
    ``ends[i]``) and the payer's reserved instance for as many of them from ``ri[0]`` to
    ``ri[1]``."""
    fleet = [
        b.instance(
            account,
            "us-east-1",
            itype,
            profile=Profile(level=level),
            launch=BEFORE_RANGE,
            terminate=end,
            tags=b.tags_for(account, application),
        )
        for end in ends
    ]
    reserved = reservation(b, b.payer, "us-east-1", itype, len(ends), *ri)
    b.reservations.append(reserved)
    return fleet, reserved


def reservation(
    b: EstateBuilder, payer: Account, region: str, itype: str, count: int, start: date, end: date
) -> ReservedInstance:
    rid = b.uuid()
    rate = (catalog.ec2_rate(itype, region) * catalog.RI_NO_UPFRONT_SHARE).quantize(
        Decimal("0.000001")
    )
    return ReservedInstance(
        reservation_id=rid,
        arn=f"arn:aws:ec2:{region}:{payer.account_id}:reserved-instances/{rid}",
        account_id=payer.account_id,
        region=region,
        instance_type=itype,
        count=count,
        start_hour=b.timeline.hour_of(start),
        end_hour=b.timeline.hour_of(end),
        hourly_rate=rate,
        start=start,
        end=end,
    )


def savings_plan(b: EstateBuilder, payer: Account, commitment: Decimal, start: date) -> SavingsPlan:
    sid = b.uuid()
    end = start + timedelta(days=365 * 3)
    return SavingsPlan(
        savings_plan_id=sid,
        arn=f"arn:aws:savingsplans::{payer.account_id}:savingsplan/{sid}",
        account_id=payer.account_id,
        commitment=max(Decimal("0.01"), commitment.quantize(Decimal("0.001"))),
        start_hour=b.timeline.hour_of(start),
        end_hour=b.timeline.hour_of(end),
        start=start,
        end=end,
    )


def eligible_on_demand_per_hour(
    b: EstateBuilder, *, hour: int, office_hours: bool = False
) -> Decimal:
    """Savings-plan-rate cost of EC2 instances running at ``hour`` that no RI covers (with
    ``office_hours``, office-hours instances count when ``hour`` is inside their schedule)."""
    weekday = int(b.timeline.weekday_of(np.array([hour], np.int64))[0])
    in_office = office_hours and weekday < 5 and 7 <= hour % DAY_H < 19
    ri_types = {(r.region, r.instance_type) for r in b.reservations}
    total = Decimal(0)
    for r in b.resources:
        if r.kind != "ec2_instance" or not r.alive_at(hour):
            continue
        if (r.region, r.attrs["instance_type"]) in ri_types:
            continue
        if r.attrs["schedule"] != "always" and not in_office:
            continue
        total += catalog.ec2_rate(r.attrs["instance_type"], r.region) * catalog.SP_RATE_SHARE
    return total
